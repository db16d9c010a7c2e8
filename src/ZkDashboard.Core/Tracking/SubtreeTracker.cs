using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Diagnostics;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Store;
using ZkDashboard.Core.Watches;

namespace ZkDashboard.Core.Tracking;

/// <summary>The subtree tracker as other services see it.</summary>
public interface ISubtreeTracker
{
    /// <summary>Every tracked glob (settings and store), per ensemble.</summary>
    Task<IReadOnlyList<TrackedSubtree>> GetTrackedAsync(CancellationToken ct = default);

    /// <summary>The state of every watched root.</summary>
    IReadOnlyList<TrackedRootStatus> Status { get; }

    /// <summary>Re-reads the tracked globs (after an admin changed them) and starts or stops roots.</summary>
    Task ReloadAsync(CancellationToken ct = default);

    /// <summary>Raised after versions are stored (on a worker thread): ensemble, path, version, mzxid, kind.</summary>
    event EventHandler<NodeVersionsRecordedEventArgs>? Recorded;

    /// <summary>Waits until every version recorded so far is stored.</summary>
    Task FlushAsync(CancellationToken ct = default);
}

/// <summary>Versions just stored.</summary>
public sealed class NodeVersionsRecordedEventArgs(IReadOnlyList<NodeVersionRecord> records) : EventArgs
{
    /// <summary>The stored records (do not modify them).</summary>
    public IReadOnlyList<NodeVersionRecord> Records { get; } = records;
}

/// <summary>
/// The hosted service behind tracked subtrees: one <see cref="TrackedRoot"/> per (ensemble, root) of the tracked globs
/// (<c>ZkDashboard:Tracking:Subtrees</c> and the <c>TrackedSubtrees</c> table), each on the ensemble's shared session
/// through the watch fan-out, writing to the <c>NodeVersions</c> table through one batching writer.
/// </summary>
public sealed partial class SubtreeTracker : ISubtreeTracker, IHostedService, IAsyncDisposable
{
    private readonly IEnsembleSessions _sessions;
    private readonly IWatchFanout _hub;
    private readonly IEnsembleRegistry _registry;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _reload = new(1, 1);
    private readonly Dictionary<(string Ensemble, string Root), TrackedRoot> _roots = [];
    private readonly Lock _gate = new();
    private NodeVersionWriter? _writer;
    private bool _stopped;

    /// <summary>Creates the tracker (started by the host).</summary>
    public SubtreeTracker(IEnsembleSessions sessions, IWatchFanout hub, IDashboardStore store, IEnsembleRegistry registry,
        IOptions<TrackingOptions> options, ILoggerFactory loggerFactory)
    {
        _sessions = sessions;
        _hub = hub;
        Store = store;
        _registry = registry;
        Options = options.Value;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<SubtreeTracker>();
    }

    internal TrackingOptions Options { get; }
    internal IDashboardStore Store { get; }
    internal NodeVersionWriter Writer => _writer ?? throw new InvalidOperationException("The subtree tracker is not started.");

    /// <inheritdoc />
    public event EventHandler<NodeVersionsRecordedEventArgs>? Recorded;

    /// <inheritdoc />
    public IReadOnlyList<TrackedRootStatus> Status
    {
        get
        {
            lock (_gate)
            {
                return [.. _roots.Values.Select(r => r.Status)];
            }
        }
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Options.Enabled)
        {
            return Task.CompletedTask;
        }
        _writer = new NodeVersionWriter(Store, _logger);
        _writer.Committed += records => Recorded?.Invoke(this, new NodeVersionsRecordedEventArgs(records));
        _registry.Changed += OnRegistryChanged;
        // Not awaited: an unreachable store or ensemble must not hold up the host; the roots report their state.
        ReloadAsync(CancellationToken.None).Observe(_logger, "starting the tracked subtrees");
        return Task.CompletedTask;
    }

    private void OnRegistryChanged(object? sender, EnsembleRegistryChangedEventArgs e)
        => ReloadAsync(CancellationToken.None).Observe(_logger, $"re-reading the tracked subtrees after ensemble {e.Name} changed");

    /// <inheritdoc />
    public async Task<IReadOnlyList<TrackedSubtree>> GetTrackedAsync(CancellationToken ct = default)
    {
        var result = new List<TrackedSubtree>();
        foreach (var s in Options.Subtrees)
        {
            result.Add(new TrackedSubtree(s.Ensemble, s.Glob.Trim(), TrackedSubtree.RootOf(s.Glob), TrackedSubtreeSource.Configuration, null, null));
        }
        await using var db = await Store.CreateContextAsync(ct).ConfigureAwait(false);
        var stored = await db.TrackedSubtrees.AsNoTracking().OrderBy(t => t.Id).ToListAsync(ct).ConfigureAwait(false);
        foreach (var t in stored)
        {
            result.Add(new TrackedSubtree(t.Ensemble, t.Glob, TrackedSubtree.RootOf(t.Glob), TrackedSubtreeSource.Store, t.AddedBy, DateTimeOffset.FromUnixTimeMilliseconds(t.AddedAtMs)));
        }
        return result;
    }

    /// <summary>Validates the tracked globs from settings at start-up (a bad one names itself).</summary>
    internal static void Validate(TrackingOptions options)
    {
        foreach (var s in options.Subtrees)
        {
            if (string.IsNullOrWhiteSpace(s.Ensemble))
            {
                throw new InvalidOperationException($"ZkDashboard:Tracking:Subtrees has an entry without Ensemble (glob \"{s.Glob}\"); name the ensemble it tracks.");
            }
            try
            {
                PathGlob.Parse(s.Glob);
            }
            catch (AccessConfigurationException ex)
            {
                throw new InvalidOperationException($"ZkDashboard:Tracking:Subtrees entry for ensemble '{s.Ensemble}': {ex.Message}", ex);
            }
        }
    }

    /// <inheritdoc />
    public async Task ReloadAsync(CancellationToken ct = default)
    {
        if (_writer is null)
        {
            return;
        }
        await _reload.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var tracked = await GetTrackedAsync(ct).ConfigureAwait(false);
            var wanted = new Dictionary<(string, string), List<string>>();
            foreach (var t in tracked)
            {
                var def = _registry.Find(t.Ensemble);
                if (def is null)
                {
                    LogUnknownEnsemble(t.Ensemble, t.Glob);
                    continue;
                }
                var key = (def.Name, t.Root);
                if (!wanted.TryGetValue(key, out var globs))
                {
                    wanted[key] = globs = [];
                }
                if (!globs.Contains(t.Glob, StringComparer.Ordinal))
                {
                    globs.Add(t.Glob);
                }
            }
            List<TrackedRoot> removed = [];
            lock (_gate)
            {
                if (_stopped)
                {
                    return;
                }
                foreach (var (key, root) in _roots.ToList())
                {
                    if (!wanted.ContainsKey(key))
                    {
                        _roots.Remove(key);
                        removed.Add(root);
                    }
                }
                foreach (var (key, globs) in wanted)
                {
                    if (_roots.TryGetValue(key, out var existing))
                    {
                        if (!existing.Globs.Order(StringComparer.Ordinal).SequenceEqual(globs.Order(StringComparer.Ordinal)))
                        {
                            existing.SetGlobs(globs);
                        }
                        continue;
                    }
                    var root = new TrackedRoot(this, _sessions, key.Item1, key.Item2, globs, _loggerFactory.CreateLogger<TrackedRoot>());
                    _roots[key] = root;
                    root.Start(_hub);
                    LogTracking(key.Item1, key.Item2, string.Join(", ", globs));
                }
            }
            foreach (var r in removed)
            {
                await r.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _reload.Release();
        }
    }

    /// <inheritdoc />
    public Task FlushAsync(CancellationToken ct = default) => _writer?.FlushAsync(ct) ?? Task.CompletedTask;

    /// <summary>Asks every root of <paramref name="ensemble"/> to re-read its subtree (tests, and the one-shot fallback).</summary>
    internal void RequestResync(string ensemble)
    {
        lock (_gate)
        {
            foreach (var r in _roots.Values.Where(r => string.Equals(r.Ensemble, ensemble, StringComparison.OrdinalIgnoreCase)))
            {
                r.RequestResync();
            }
        }
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _registry.Changed -= OnRegistryChanged;
        List<TrackedRoot> roots;
        lock (_gate)
        {
            _stopped = true;
            roots = [.. _roots.Values];
            _roots.Clear();
        }
        foreach (var r in roots)
        {
            await r.DisposeAsync().ConfigureAwait(false);
        }
        if (_writer is not null)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _reload.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node history: tracking {Ensemble}:{Root} ({Globs}) with one persistent recursive watch")]
    private partial void LogTracking(string ensemble, string root, string globs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node history: tracked glob \"{Glob}\" names ensemble '{Ensemble}', which is not configured; it is ignored until the ensemble exists")]
    private partial void LogUnknownEnsemble(string ensemble, string glob);
}
