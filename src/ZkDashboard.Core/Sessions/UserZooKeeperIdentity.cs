using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Store;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Sessions;

/// <summary>A person's ZooKeeper digest identity (for ACLs: <see cref="AclId"/>); the password is not part of it.</summary>
/// <param name="DigestUser">The digest user name ZooKeeper sees.</param>
/// <param name="AclId">The ACL id to grant the person rights: <c>digest:alice:&lt;base64 sha1&gt;</c>.</param>
/// <param name="PasswordShown">True once the owner has seen the password (it is shown once).</param>
public sealed record UserZkIdentity(string DigestUser, string AclId, bool PasswordShown);

/// <summary>
/// Each person's own ZooKeeper digest credential, for ensembles with <see cref="Ensembles.EnsembleDefinition.ActAsUser"/>:
/// generated on first use, stored encrypted (Data Protection) in the dashboard store, never logged; the password is shown
/// to its owner once (on /account) so they can use it elsewhere. The dashboard itself (<see cref="ActingUser.System"/>)
/// and anonymous callers have none.
/// </summary>
public interface IUserZkCredentials
{
    /// <summary>The person's identity, created when missing.</summary>
    Task<UserZkIdentity> GetIdentityAsync(ActingUser user, CancellationToken ct = default);

    /// <summary>The password, once: null when it was shown before (then only the identity is available).</summary>
    Task<string?> RevealPasswordOnceAsync(ActingUser user, CancellationToken ct = default);

    /// <summary>The credential for the per-user session (internal use: never shown or logged).</summary>
    internal Task<AuthInfo> GetAuthAsync(ActingUser user, CancellationToken ct);
}

/// <summary>The store-backed <see cref="IUserZkCredentials"/>.</summary>
public sealed class UserZkCredentials(IDashboardStore store, IDataProtectionProvider dataProtection, TimeProvider? time = null) : IUserZkCredentials
{
    private readonly IDataProtector _protector = dataProtection.CreateProtector("ZkDashboard.UserZkCredentials.v1");
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly SemaphoreSlim _create = new(1, 1);

    /// <summary>The digest user name of <paramref name="user"/>: the name for local accounts, <c>name@provider</c> otherwise
    /// (a digest user cannot contain ':').</summary>
    public static string DigestUserOf(ActingUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var name = user.Name.Replace(':', '_');
        return user.Provider == "local" ? name : $"{name}@{user.Provider}";
    }

    /// <inheritdoc />
    public async Task<UserZkIdentity> GetIdentityAsync(ActingUser user, CancellationToken ct = default)
    {
        var (record, password) = await GetOrCreateAsync(user, ct).ConfigureAwait(false);
        return new UserZkIdentity(record.DigestUser, $"digest:{DigestAuth.MakeDigestId(record.DigestUser, password)}", record.RevealedAt is not null);
    }

    /// <inheritdoc />
    public async Task<string?> RevealPasswordOnceAsync(ActingUser user, CancellationToken ct = default)
    {
        var (record, password) = await GetOrCreateAsync(user, ct).ConfigureAwait(false);
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        // One reveal only, even with two pages asking at once: the update succeeds for the first.
        var now = _time.GetUtcNow();
        var updated = await db.UserZkCredentials.Where(c => c.Id == record.Id && c.RevealedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.RevealedAt, now), ct).ConfigureAwait(false);
        return updated == 1 ? password : null;
    }

    async Task<AuthInfo> IUserZkCredentials.GetAuthAsync(ActingUser user, CancellationToken ct)
    {
        var (record, password) = await GetOrCreateAsync(user, ct).ConfigureAwait(false);
        return AuthInfo.Digest(record.DigestUser, password);
    }

    private async Task<(UserZkCredentialRecord Record, string Password)> GetOrCreateAsync(ActingUser user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.IsSystem || !user.IsAuthenticated)
        {
            throw new InvalidOperationException($"{user.Name} has no ZooKeeper identity of its own: only signed-in people do.");
        }
        await store.EnsureSchemaAsync(ct).ConfigureAwait(false);
        if (await FindAsync(user, ct).ConfigureAwait(false) is { } found)
        {
            return (found, _protector.Unprotect(found.ProtectedPassword));
        }
        await _create.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (await FindAsync(user, ct).ConfigureAwait(false) is { } raced)
            {
                return (raced, _protector.Unprotect(raced.ProtectedPassword));
            }
            var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
            var record = new UserZkCredentialRecord
            {
                UserName = user.Name, Provider = user.Provider, DigestUser = DigestUserOf(user),
                ProtectedPassword = _protector.Protect(password), CreatedAt = _time.GetUtcNow(),
            };
            await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
            db.UserZkCredentials.Add(record);
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return (record, password);
        }
        finally
        {
            _create.Release();
        }
    }

    private async Task<UserZkCredentialRecord?> FindAsync(ActingUser user, CancellationToken ct)
    {
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        return await db.UserZkCredentials.AsNoTracking().SingleOrDefaultAsync(c => c.Provider == user.Provider && c.UserName == user.Name, ct).ConfigureAwait(false);
    }
}

/// <summary>
/// Per-user write sessions for ensembles that act as the person: one ZooKeeper session per (ensemble, user), opened on
/// the first write, authenticated with the person's digest (addauth), reused while in use and closed after
/// <see cref="SessionOptions.UserSessionIdleTimeout"/> without a write. Reads and watches never come here.
/// </summary>
public sealed partial class UserSessionPool : IAsyncDisposable
{
    private readonly IUserZkCredentials _credentials;
    private readonly SessionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<UserSessionPool> _logger;
    private readonly ConcurrentDictionary<(string Ensemble, string Provider, string User), Entry> _entries = new();
    private readonly ITimer _sweeper;
    private int _disposed;

    /// <summary>Creates the pool; it sweeps idle sessions every quarter of the idle timeout (at least every second).</summary>
    public UserSessionPool(IUserZkCredentials credentials, IOptions<SessionOptions> options, ILogger<UserSessionPool> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _credentials = credentials;
        _options = options.Value;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, _options.UserSessionIdleTimeout.Ticks / 4));
        _sweeper = _time.CreateTimer(_ => _ = SweepAsync(), null, period, period);
    }

    /// <summary>Per-user sessions open now (for tests and metrics).</summary>
    public int OpenCount => _entries.Count;

    /// <summary>The person's write session on <paramref name="session"/>'s ensemble (opened and authenticated when needed).</summary>
    public async Task<ZooKeeperClient> GetClientAsync(ActingUser user, EnsembleSession session, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(session);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var key = (session.Name, user.Provider, user.Name);
        while (true)
        {
            var entry = _entries.GetOrAdd(key, _ => new Entry());
            entry.LastUsed = _time.GetTimestamp();
            var client = await entry.GetAsync(() => OpenAsync(user, session, ct)).ConfigureAwait(false);
            if (client.State is ConnectionState.Closed or ConnectionState.Expired or ConnectionState.AuthFailed)
            {
                // The session ended (expired, or closed by the sweep meanwhile): open a new one.
                _entries.TryRemove(new KeyValuePair<(string, string, string), Entry>(key, entry));
                await client.DisposeAsync().ConfigureAwait(false);
                continue;
            }
            return client;
        }
    }

    private async Task<ZooKeeperClient> OpenAsync(ActingUser user, EnsembleSession session, CancellationToken ct)
    {
        var auth = await _credentials.GetAuthAsync(user, ct).ConfigureAwait(false);
        // The shared session's options (connect string, TLS, timeouts), with the person's digest instead of the dashboard's.
        var options = session.BuildClientOptions() with { Auth = [auth], EventQueueCapacity = 1024, CanBeReadOnly = false };
        var client = await ZooKeeperClient.ConnectAsync(options, ct).ConfigureAwait(false);
        LogOpened(_logger, session.Name, user.Name, client.SessionId);
        return client;
    }

    private async Task SweepAsync()
    {
        var now = _time.GetTimestamp();
        foreach (var (key, entry) in _entries)
        {
            if (_time.GetElapsedTime(entry.LastUsed, now) >= _options.UserSessionIdleTimeout
                && _entries.TryRemove(new KeyValuePair<(string, string, string), Entry>(key, entry)))
            {
                try
                {
                    await entry.CloseAsync().ConfigureAwait(false);
                    LogClosed(_logger, key.Ensemble, key.User);
                }
                catch (Exception ex)
                {
                    // A close that fails (connection already gone) must not stop the sweep of the others.
                    LogCloseFailed(_logger, ex, key.Ensemble, key.User);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing the idle per-user ZooKeeper session of {User} on ensemble {Ensemble} failed")]
    private static partial void LogCloseFailed(ILogger logger, Exception ex, string ensemble, string user);

    /// <summary>Closes every per-user session.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _sweeper.DisposeAsync().ConfigureAwait(false);
        foreach (var key in _entries.Keys)
        {
            if (_entries.TryRemove(key, out var entry))
            {
                await entry.CloseAsync().ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Opened the per-user ZooKeeper session 0x{SessionId:x} of {User} on ensemble {Ensemble} (acts as the person)")]
    private static partial void LogOpened(ILogger logger, string ensemble, string user, long sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed the idle per-user ZooKeeper session of {User} on ensemble {Ensemble}")]
    private static partial void LogClosed(ILogger logger, string ensemble, string user);

    private sealed class Entry
    {
        private readonly Lock _gate = new();
        private Task<ZooKeeperClient>? _client;

        public long LastUsed;

        public Task<ZooKeeperClient> GetAsync(Func<Task<ZooKeeperClient>> open)
        {
            lock (_gate)
            {
                if (_client is null || _client.IsFaulted || _client.IsCanceled)
                {
                    _client = open();
                }
                return _client;
            }
        }

        public async Task CloseAsync()
        {
            Task<ZooKeeperClient>? client;
            lock (_gate)
            {
                client = _client;
                _client = null;
            }
            if (client is { IsCompletedSuccessfully: true })
            {
                await client.Result.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}

/// <summary>Registration of per-user ZooKeeper identities (needs the store, <c>AddZkDashboardStore</c>).</summary>
public static class UserSessionsServiceCollectionExtensions
{
    /// <summary>Registers <see cref="IUserZkCredentials"/> and <see cref="UserSessionPool"/>: ensembles with
    /// <c>ActAsUser: true</c> then write through per-user sessions.</summary>
    public static IServiceCollection AddZkDashboardUserSessions(this IServiceCollection services)
    {
        services.TryAddSingleton<IUserZkCredentials, UserZkCredentials>();
        services.TryAddSingleton<UserSessionPool>();
        return services;
    }
}
