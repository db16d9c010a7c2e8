using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Metrics;
using ZkDashboard.Core.Sessions;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Watches;

/// <summary>
/// The watches of one ensemble: subscriptions per path, the server watch covering each path (reference
/// counted), the resolver that turns events into versions, and resync after reconnects.
/// </summary>
internal sealed partial class EnsembleWatches : IDisposable
{
    private readonly string _ensemble;
    private readonly IEnsembleSessions _sessions;
    private readonly SessionOptions _options;
    private readonly DashboardMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PathWatch> _paths = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposed = new();
    private bool _oneShot;

    public EnsembleWatches(string ensemble, IEnsembleSessions sessions, SessionOptions options, DashboardMetrics metrics, ILogger logger)
    {
        _ensemble = ensemble;
        _sessions = sessions;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _oneShot = options.ForceOneShotWatches;
    }

    /// <summary>Everything the hub knows about one watched path. Guarded by <see cref="_gate"/>.</summary>
    private sealed class PathWatch(string path)
    {
        public string Path { get; } = path;
        public List<WatchSubscription> Data { get; } = [];
        public List<WatchSubscription> Children { get; } = [];
        public List<WatchSubscription> Subtree { get; } = [];
        public List<WatchSubscription> ChildStats { get; } = [];
        public List<WatchSubscription> Waiting { get; } = [];
        public ServerWatchMode Registered { get; set; }
        public bool Failed { get; set; }
        public Stat? LastStat { get; set; }
        public bool LastStatKnown { get; set; }

        public bool IsEmpty => Data.Count == 0 && Children.Count == 0 && Subtree.Count == 0 && ChildStats.Count == 0;
        public int Count => Data.Count + Children.Count + Subtree.Count + ChildStats.Count;

        public List<WatchSubscription> For(WatchKind kind) => kind switch
        {
            WatchKind.Data => Data,
            WatchKind.Children => Children,
            WatchKind.ChildStats => ChildStats,
            _ => Subtree,
        };

        public IEnumerable<WatchSubscription> All => Data.Concat(Children).Concat(Subtree).Concat(ChildStats);

        /// <summary>Subscribers that hear about changes below the node they did not subscribe to directly.</summary>
        public IEnumerable<WatchSubscription> Deep => Subtree.Concat(ChildStats);
    }

    private ServerWatchMode Desired(PathWatch pw)
        => pw.IsEmpty ? ServerWatchMode.None
            : _oneShot ? ServerWatchMode.OneShot
            : pw.Subtree.Count > 0 || pw.ChildStats.Count > 0 ? ServerWatchMode.PersistentRecursive
            : ServerWatchMode.Persistent;

    public IWatchSubscription Add(string path, WatchKind kind, IWatchSubscriber subscriber)
    {
        var sub = new WatchSubscription(_ensemble, path, kind, subscriber, _options.SubscriberQueueCapacity, _metrics, _logger, Remove);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
            if (!_paths.TryGetValue(path, out var pw))
            {
                pw = new PathWatch(path);
                _paths[path] = pw;
            }
            pw.For(kind).Add(sub);
            _metrics.SubscriptionAdded();
            if (pw.Registered != ServerWatchMode.None && pw.Registered == Desired(pw) && !pw.Failed
                && !_toReconcile.Contains(path) && !_reconcilingPaths.Contains(path))
            {
                sub.MarkReady();
            }
            else
            {
                pw.Waiting.Add(sub);
                _toReconcile.Add(path);
            }
        }
        KickReconcile();
        return sub;
    }

    private void Remove(WatchSubscription sub)
    {
        lock (_gate)
        {
            if (!_paths.TryGetValue(sub.Path, out var pw) || !pw.For(sub.Kind).Remove(sub))
            {
                return;
            }
            pw.Waiting.Remove(sub);
            _metrics.SubscriptionRemoved();
            if (Desired(pw) != pw.Registered)
            {
                _toReconcile.Add(sub.Path);
            }
            else if (pw.IsEmpty && pw.Registered == ServerWatchMode.None)
            {
                _paths.Remove(sub.Path);
            }
        }
        KickReconcile();
    }

    public IReadOnlyList<ServerWatchInfo> GetServerWatches()
    {
        lock (_gate)
        {
            return [.. _paths.Values.Where(p => p.Registered != ServerWatchMode.None).Select(p => new ServerWatchInfo(p.Path, p.Registered, p.Count))];
        }
    }

    private static string Parent(string path)
    {
        var i = path.LastIndexOf('/');
        return i <= 0 ? "/" : path[..i];
    }

    private static IEnumerable<string> SelfAndAncestors(string path)
    {
        var p = path;
        while (true)
        {
            yield return p;
            if (p == "/")
            {
                yield break;
            }
            p = Parent(p);
        }
    }

    private static bool IsConnectionProblem(Exception ex)
        => ex is ConnectionLossException or SessionExpiredException or EnsembleUnavailableException or ObjectDisposedException or OperationTimeoutException or TimeoutException;

    public void Dispose()
    {
        List<WatchSubscription> all;
        lock (_gate)
        {
            if (_disposed.IsCancellationRequested)
            {
                return;
            }
            _disposed.Cancel();
            all = [.. _paths.Values.SelectMany(p => p.All)];
        }
        foreach (var s in all)
        {
            s.Dispose();
        }
    }
}
