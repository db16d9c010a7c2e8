using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Store;
using ZkDashboard.Core.Watches;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tracking;

/// <summary>
/// One tracked root of one ensemble: one <see cref="WatchKind.Subtree"/> subscription on the shared watch fan-out (a single
/// PERSISTENT_RECURSIVE server watch), the latest recorded version of every node below it, and one loop that turns
/// events into recorded versions and re-reads the whole subtree after every gap.
/// </summary>
/// <remarks>
/// <para><b>Events.</b> The hub coalesces a burst on one path into one notification with a count; this class adds
/// events that arrive while it is busy to a per-path pending set (bounded by the number of nodes), then reads each
/// pending node once (getData, and getAcl when its aversion moved) and records the version it finds with the number of
/// events it stands for. A read that finds a version already recorded adds its events to that record's count.</para>
/// <para><b>Gaps.</b> Whenever events may have been missed (a reconnect or session expiry — the hub sends a resync —,
/// overflowing queues, a dashboard restart, a server without persistent watches), the subtree is re-read completely and
/// compared with the last recorded mzxid/czxid/aversion per path: moved nodes are recorded as "observed after a gap"
/// (intermediate versions the server no longer has are not known), vanished ones as deleted.</para>
/// <para>Every version is read after the event that announced it, so the latest version of every node is always
/// recorded; versions are recorded in increasing mzxid order per node, never twice.</para>
/// </remarks>
internal sealed partial class TrackedRoot : IWatchSubscriber, IAsyncDisposable
{
    private sealed class Known
    {
        public long Czxid;
        public long Mzxid;
        public int Aversion;
        public bool Deleted;
        public NodeVersionRecord? Record;
    }

    private readonly SubtreeTracker _tracker;
    private readonly IEnsembleSessions _sessions;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Known> _known = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _pending = new(StringComparer.Ordinal);
    private readonly Queue<string> _pendingOrder = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private volatile PathGlob[] _globs;
    private bool _resync = true;
    private IWatchSubscription? _subscription;
    private Task? _loop;
    private string _state = "starting";
    private DateTimeOffset? _lastScan;
    private long _recorded;

    public TrackedRoot(SubtreeTracker tracker, IEnsembleSessions sessions, string ensemble, string root, IReadOnlyList<string> globs, ILogger logger)
    {
        _tracker = tracker;
        _sessions = sessions;
        Ensemble = ensemble;
        Root = root;
        _globs = [.. globs.Select(PathGlob.Parse)];
        _logger = logger;
    }

    public string Ensemble { get; }
    public string Root { get; }

    public IReadOnlyList<string> Globs => [.. _globs.Select(g => g.Pattern)];

    public void SetGlobs(IReadOnlyList<string> globs)
    {
        _globs = [.. globs.Select(PathGlob.Parse)];
        RequestResync(); // a new glob's nodes need a baseline
    }

    public TrackedRootStatus Status
    {
        get
        {
            lock (_gate)
            {
                return new TrackedRootStatus(Ensemble, Root, Globs, _state, _known.Count(k => !k.Value.Deleted), _lastScan, _recorded);
            }
        }
    }

    public void Start(IWatchFanout hub)
    {
        _subscription = hub.Subscribe(Ensemble, Root, WatchKind.Subtree, this);
        _loop = Task.Run(RunAsync);
        _ = Task.Run(() => RereadWithoutPersistentWatchesAsync(hub));
    }

    /// <summary>Servers before 3.6 have no persistent watches: the hub then watches only the root, so the subtree is
    /// re-read periodically instead (changes in between are recorded as observed after a gap).</summary>
    private async Task RereadWithoutPersistentWatchesAsync(IWatchFanout hub)
    {
        try
        {
            using var timer = new PeriodicTimer(_tracker.Options.OneShotRereadInterval);
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                if (hub.GetServerWatches(Ensemble).Any(w => w.Path == Root && w.Mode == ServerWatchMode.OneShot))
                {
                    SetState("re-reading periodically (the server has no persistent watches)");
                    RequestResync();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private bool Matches(string path)
    {
        foreach (var g in _globs)
        {
            if (g.IsMatch(path))
            {
                return true;
            }
        }
        return false;
    }

    private bool CouldMatchBelow(string path)
    {
        foreach (var g in _globs)
        {
            if (g.CouldMatchAtOrBelow(path))
            {
                return true;
            }
        }
        return false;
    }

    private bool UnderRoot(string path)
        => Root == "/" || path == Root || (path.StartsWith(Root, StringComparison.Ordinal) && path.Length > Root.Length && path[Root.Length] == '/');

    /// <inheritdoc />
    public ValueTask OnWatchEventAsync(WatchNotification notification, CancellationToken ct)
    {
        if (notification.Change is WatchChange.Resync or WatchChange.ChildrenChanged)
        {
            // Resync: events may have been missed. ChildrenChanged reaches a subtree subscription only in one-shot mode
            // (servers before 3.6), where only the root is watched: re-read the subtree.
            RequestResync();
            return ValueTask.CompletedTask;
        }
        if (!UnderRoot(notification.Path) || !Matches(notification.Path))
        {
            return ValueTask.CompletedTask;
        }
        lock (_gate)
        {
            if (_pending.TryGetValue(notification.Path, out var n))
            {
                _pending[notification.Path] = n + notification.CoalescedCount;
            }
            else
            {
                _pending[notification.Path] = notification.CoalescedCount;
                _pendingOrder.Enqueue(notification.Path);
            }
        }
        _wake.Writer.TryWrite(true);
        return ValueTask.CompletedTask;
    }

    public void RequestResync()
    {
        lock (_gate)
        {
            _resync = true;
        }
        _wake.Writer.TryWrite(true);
    }

    private void SetState(string state)
    {
        lock (_gate)
        {
            _state = state;
        }
    }

    private async Task RunAsync()
    {
        var ct = _stop.Token;
        try
        {
            await LoadKnownAsync(ct).ConfigureAwait(false);
            await WaitForWatchAsync(ct).ConfigureAwait(false);
            _wake.Writer.TryWrite(true);
            while (await _wake.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                _wake.Reader.TryRead(out _);
                while (!ct.IsCancellationRequested)
                {
                    bool resync;
                    lock (_gate)
                    {
                        resync = _resync;
                        _resync = false;
                    }
                    if (resync)
                    {
                        if (!await TryScanAsync(ct).ConfigureAwait(false))
                        {
                            break; // wait for the next wake-up (the hub's resync after the reconnect, or the retry timer)
                        }
                        continue;
                    }
                    var batch = TakePending(_tracker.Options.EventReadConcurrency);
                    if (batch.Count == 0)
                    {
                        break;
                    }
                    await Task.WhenAll(batch.Select(p => ResolveAsync(p.Path, p.Count, ct))).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (ChannelClosedException)
        {
        }
        catch (Exception ex)
        {
            SetState($"stopped: {ex.Message}");
            LogLoopFailed(ex, Ensemble, Root);
        }
    }

    private async Task WaitForWatchAsync(CancellationToken ct)
    {
        while (true)
        {
            try
            {
                await _subscription!.Ready.WaitAsync(ct).ConfigureAwait(false);
                SetState("watching");
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // The hub keeps trying and sends a resync once the watch is registered; the scan then records what moved.
                SetState($"waiting for the ensemble: {ex.Message}");
                return;
            }
        }
    }

    private List<(string Path, int Count)> TakePending(int max)
    {
        var batch = new List<(string, int)>();
        lock (_gate)
        {
            while (batch.Count < max && _pendingOrder.TryDequeue(out var path))
            {
                if (_pending.Remove(path, out var count))
                {
                    batch.Add((path, count));
                }
            }
        }
        return batch;
    }

    /// <summary>Reads one node after its events and records what it finds.</summary>
    private async Task ResolveAsync(string path, int count, CancellationToken ct)
    {
        try
        {
            var client = await _sessions.GetClientAsync(Ensemble, ct).ConfigureAwait(false);
            DataResult data;
            try
            {
                data = await client.GetDataAsync(path, watch: false, ct).ConfigureAwait(false);
            }
            catch (NoNodeException)
            {
                RecordDeleted(path, count, NodeObservation.Event);
                return;
            }
            var acl = await ReadAclIfMovedAsync(client, path, data.Stat, ct).ConfigureAwait(false);
            Record(path, data.Data, data.Stat, acl, count, NodeObservation.Event);
        }
        catch (Exception ex) when (IsConnectionProblem(ex) && !ct.IsCancellationRequested)
        {
            // The re-read after the gap records the node's current version ("observed after a gap"); these events are
            // covered by it (their count is not carried over, so an event record's count is exactly the versions it stands for).
            RequestResyncLater();
        }
        catch (NoAuthException ex)
        {
            LogNoAuth(Ensemble, path, ex.Message);
        }
    }

    private void RequestResyncLater()
    {
        lock (_gate)
        {
            _resync = true;
        }
        _ = RetryLaterAsync(_stop.Token);
    }

    private static bool IsConnectionProblem(Exception ex)
        => ex is ConnectionLossException or SessionExpiredException or EnsembleUnavailableException or OperationTimeoutException or TimeoutException or ObjectDisposedException;

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        await _stop.CancelAsync().ConfigureAwait(false);
        _wake.Writer.TryComplete();
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Node history: tracking {Ensemble}:{Root} stopped")]
    private partial void LogLoopFailed(Exception ex, string ensemble, string root);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node history: {Ensemble}:{Path} is not readable with the dashboard's credentials ({Message}); its versions are not recorded")]
    private partial void LogNoAuth(string ensemble, string path, string message);
}
