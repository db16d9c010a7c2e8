using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Metrics;
using ZkDashboard.Core.Sessions;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Watches;

/// <summary>The watch fan-out over the shared sessions. See <see cref="IWatchFanout"/> for the policy.</summary>
public sealed class WatchFanout : IWatchFanout, IDisposable
{
    private readonly IEnsembleSessions _sessions;
    private readonly SessionOptions _options;
    private readonly DashboardMetrics _metrics;
    private readonly ILoggerFactory _loggerFactory;
    // Ensemble names compare case-insensitively (as in the registry); entries carry the registry's spelling.
    private readonly ConcurrentDictionary<string, EnsembleWatches> _ensembles = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates the hub (one per application).</summary>
    public WatchFanout(IEnsembleSessions sessions, IOptions<SessionOptions> options, DashboardMetrics metrics, ILoggerFactory loggerFactory)
    {
        _sessions = sessions;
        _options = options.Value;
        _metrics = metrics;
        _loggerFactory = loggerFactory;
        _sessions.WatchEvent += OnWatchEvent;
        _sessions.Restored += OnRestored;
    }

    /// <inheritdoc />
    public IWatchSubscription Subscribe(string ensemble, string path, WatchKind kind, IWatchSubscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        PathUtils.Validate(path);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Watch kind must be Data, Children, Subtree or ChildStats.");
        }
        var canonical = _sessions.Get(ensemble).Name; // throws UnknownEnsembleException for a name nobody configured
        var watches = _ensembles.GetOrAdd(canonical, name => new EnsembleWatches(name, _sessions, _options, _metrics, _loggerFactory.CreateLogger<EnsembleWatches>()));
        return watches.Add(path, kind, subscriber);
    }

    /// <inheritdoc />
    public IReadOnlyList<ServerWatchInfo> GetServerWatches(string ensemble)
        => _ensembles.TryGetValue(ensemble, out var w) ? w.GetServerWatches() : [];

    /// <summary>Stat reads the hub issued to resolve events of an ensemble (cost measurements in tests).</summary>
    internal long ResolveReads(string ensemble) => _ensembles.TryGetValue(ensemble, out var w) ? w.ResolveReads : 0;

    private void OnWatchEvent(object? sender, EnsembleWatchEventArgs e)
    {
        if (_ensembles.TryGetValue(e.Ensemble, out var w))
        {
            w.OnEvent(e.Event);
        }
    }

    private void OnRestored(object? sender, SessionRestoredEventArgs e)
    {
        if (_ensembles.TryGetValue(e.Ensemble, out var w))
        {
            w.OnRestored(e.NewSession);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _sessions.WatchEvent -= OnWatchEvent;
        _sessions.Restored -= OnRestored;
        foreach (var w in _ensembles.Values)
        {
            w.Dispose();
        }
        _ensembles.Clear();
    }
}
