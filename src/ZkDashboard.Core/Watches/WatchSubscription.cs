using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Diagnostics;
using ZkDashboard.Core.Metrics;

namespace ZkDashboard.Core.Watches;

/// <summary>
/// A subscription and its delivery queue: bounded, coalesced by path, drained on the thread pool one
/// notification at a time (see the delivery policy on <see cref="IWatchFanout"/>).
/// </summary>
internal sealed class WatchSubscription : IWatchSubscription
{
    private readonly IWatchSubscriber _subscriber;
    private readonly int _capacity;
    private readonly DashboardMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Action<WatchSubscription> _onDispose;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, WatchNotification> _pending = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _draining;
    private bool _overflowed;
    private int _maxPending;
    private long _delivered;
    private int _disposed;

    public WatchSubscription(string ensemble, string path, WatchKind kind, IWatchSubscriber subscriber, int capacity,
        DashboardMetrics metrics, ILogger logger, Action<WatchSubscription> onDispose)
    {
        Ensemble = ensemble;
        Path = path;
        Kind = kind;
        _subscriber = subscriber;
        _capacity = Math.Max(1, capacity);
        _metrics = metrics;
        _logger = logger;
        _onDispose = onDispose;
        // Observed for subscribers that never await Ready: the hub already logs why registration failed (and retries).
        _ready.Task.Observe(logger, $"registering the watch of {ensemble}:{path} ({kind}); the hub retries", LogLevel.Debug);
    }

    public string Ensemble { get; }
    public string Path { get; }
    public WatchKind Kind { get; }
    public Task Ready => _ready.Task;
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;
    public int PendingCount { get { lock (_gate) { return _pending.Count; } } }
    public int MaxPendingObserved => Volatile.Read(ref _maxPending);
    public long Delivered => Interlocked.Read(ref _delivered);

    internal void MarkReady() => _ready.TrySetResult();

    internal void MarkFailed(Exception ex) => _ready.TrySetException(ex);

    /// <summary>Queues a notification; never blocks beyond a short lock.</summary>
    internal void Post(WatchNotification n)
    {
        bool schedule;
        lock (_gate)
        {
            if (IsDisposed)
            {
                return;
            }
            if (_overflowed)
            {
                var marker = _pending[Path];
                _pending[Path] = marker with { CoalescedCount = marker.CoalescedCount + n.CoalescedCount, Timestamp = n.Timestamp };
                _metrics.Coalesced(n.CoalescedCount);
            }
            else if (_pending.TryGetValue(n.Path, out var previous))
            {
                _pending[n.Path] = n with { CoalescedCount = previous.CoalescedCount + n.CoalescedCount };
                _metrics.Coalesced(n.CoalescedCount);
            }
            else if (_pending.Count >= _capacity)
            {
                var total = n.CoalescedCount + _pending.Values.Sum(p => p.CoalescedCount);
                _pending.Clear();
                _order.Clear();
                _overflowed = true;
                _pending[Path] = new WatchNotification(Ensemble, Path, Kind, Path, WatchChange.Resync, null, total, n.Timestamp);
                _order.Enqueue(Path);
                _metrics.Overflowed();
                _metrics.Coalesced(total - 1);
            }
            else
            {
                _pending[n.Path] = n;
                _order.Enqueue(n.Path);
                if (_pending.Count > _maxPending)
                {
                    Volatile.Write(ref _maxPending, _pending.Count);
                }
            }
            schedule = !_draining;
            _draining = true;
        }
        if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.DrainAsync().Observe(s._logger, $"delivering notifications of {s.Ensemble}:{s.Path}"), this, preferLocal: false);
        }
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            WatchNotification next;
            lock (_gate)
            {
                if (_order.Count == 0 || IsDisposed)
                {
                    _draining = false;
                    return;
                }
                var path = _order.Dequeue();
                if (!_pending.Remove(path, out next!))
                {
                    continue;
                }
                if (_overflowed && path == Path && next.Change == WatchChange.Resync)
                {
                    _overflowed = false;
                }
            }
            try
            {
                await _subscriber.OnWatchEventAsync(next, _cts.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _delivered);
                _metrics.Delivered();
            }
            catch (OperationCanceledException) when (_cts.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _metrics.SubscriberFailed();
                _logger.LogWarning(ex, "Watch subscriber of {Ensemble}:{Path} ({Kind}) failed on {Change} {EventPath}",
                    Ensemble, Path, Kind, next.Change, next.Path);
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _cts.Cancel();
        lock (_gate)
        {
            _pending.Clear();
            _order.Clear();
        }
        _ready.TrySetCanceled();
        _onDispose(this);
    }
}
