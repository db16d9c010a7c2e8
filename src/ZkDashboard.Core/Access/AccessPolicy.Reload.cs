using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Store;

namespace ZkDashboard.Core.Access;

/// <summary>
/// Stored bindings changed by another dashboard instance on the same store (several instances behind a load balancer
/// sharing one PostgreSQL database): every <see cref="AccessOptions.ReloadInterval"/> the policy reads the stored rows
/// and recompiles its rules when their fingerprint (every column of every row, including UpdatedAt) differs from the
/// rows it compiled last. An edit made here reloads at once (<see cref="ReloadAsync"/>); a change made elsewhere, or by
/// hand in the database, is seen within one interval.
/// </summary>
public sealed partial class AccessPolicy
{
    private volatile string? _storedFingerprint;

    /// <summary>Reads the stored bindings and recompiles the rules when they changed since the last load; true when they did.
    /// False without a store.</summary>
    public async Task<bool> RefreshIfChangedAsync(CancellationToken ct = default)
    {
        if (_store is null)
        {
            return false;
        }
        var stored = await ReadStoredAsync(_store, ct).ConfigureAwait(false);
        var fingerprint = Fingerprint(stored);
        var firstLoad = _rules is null;
        if (!firstLoad && string.Equals(fingerprint, _storedFingerprint, StringComparison.Ordinal))
        {
            return false;
        }
        var rules = Compile(stored);
        lock (_loadLock)
        {
            _rules = rules;
        }
        if (!firstLoad)
        {
            LogReloaded(_logger, stored.Rows.Count); // not on the first load: nothing "changed" then
        }
        return true;
    }

    private static string Fingerprint((List<AccessBindingRecord> Rows, Dictionary<long, string> Approvals) stored)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (id, globs) in stored.Approvals.OrderBy(a => a.Key))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(id.ToString(CultureInfo.InvariantCulture) + '\u001f' + globs + '\u001d'));
        }
        foreach (var r in stored.Rows)
        {
            var line = string.Join('\u001f', r.Id.ToString(CultureInfo.InvariantCulture), r.Subject, r.Provider ?? "\u0000", r.Role, r.Ensembles, r.Paths,
                r.UpdatedBy, r.UpdatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)) + '\u001e';
            hash.AppendData(Encoding.UTF8.GetBytes(line));
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored access bindings changed in the store (edited by another dashboard instance or by hand); reloaded {Count} stored bindings")]
    private static partial void LogReloaded(ILogger logger, int count);
}

/// <summary>Polls the store for binding changes made elsewhere (see <see cref="AccessPolicy.RefreshIfChangedAsync"/>).</summary>
internal sealed partial class AccessReloadService(AccessPolicy policy, IOptions<AccessOptions> options, ILogger<AccessReloadService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ReloadInterval;
        if (interval <= TimeSpan.Zero || !policy.HasStore)
        {
            return;
        }
        using var timer = new PeriodicTimer(interval);
        var failing = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await policy.RefreshIfChangedAsync(stoppingToken).ConfigureAwait(false);
                    if (failing)
                    {
                        LogRecovered(logger);
                        failing = false;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The store is down or slow: keep the rules we have and try again next tick (said once per outage).
                    if (!failing)
                    {
                        LogFailed(logger, ex, interval);
                        failing = true;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check the store for changed access bindings; the current rules stay in force and the check is retried every {Interval}")]
    private static partial void LogFailed(ILogger logger, Exception ex, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Information, Message = "The store answers again; stored access bindings are checked for changes again")]
    private static partial void LogRecovered(ILogger logger);
}
