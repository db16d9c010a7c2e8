using System.Diagnostics;

namespace ZkDashboard.Core.Metrics;

/// <summary>
/// The dashboard's own figures (sessions, subscriptions, server watches, events, coalescing), exported on
/// <c>/metrics</c>. Thread-safe; counters only go through <see cref="Interlocked"/>.
/// </summary>
public sealed class DashboardMetrics
{
    private long _sessionsOpen;
    private long _subscriptions;
    private long _serverWatches;
    private long _eventsReceived;
    private long _notificationsDelivered;
    private long _coalescedEvents;
    private long _queueOverflows;
    private long _subscriberErrors;
    private long _resyncs;
    private readonly Lock _rateGate = new();
    private long _rateWindowStartTicks = Stopwatch.GetTimestamp();
    private long _rateWindowStartCount;
    private double _eventsPerSecond;

    /// <summary>Open ZooKeeper sessions (one per ensemble in use).</summary>
    public long SessionsOpen => Interlocked.Read(ref _sessionsOpen);
    /// <summary>Live subscriptions (viewers).</summary>
    public long Subscriptions => Interlocked.Read(ref _subscriptions);
    /// <summary>Watches registered on servers (one per watched path, however many viewers).</summary>
    public long ServerWatches => Interlocked.Read(ref _serverWatches);
    /// <summary>Watch events received from servers since start.</summary>
    public long EventsReceived => Interlocked.Read(ref _eventsReceived);
    /// <summary>Notifications handed to subscribers since start.</summary>
    public long NotificationsDelivered => Interlocked.Read(ref _notificationsDelivered);
    /// <summary>Events merged into an already queued notification of the same path (never delivered on their own).</summary>
    public long CoalescedEvents => Interlocked.Read(ref _coalescedEvents);
    /// <summary>Times a subscriber's queue reached its bound and was collapsed into a resync notice.</summary>
    public long QueueOverflows => Interlocked.Read(ref _queueOverflows);
    /// <summary>Subscriber callbacks that threw.</summary>
    public long SubscriberErrors => Interlocked.Read(ref _subscriberErrors);
    /// <summary>Resyncs after reconnects and expiries.</summary>
    public long Resyncs => Interlocked.Read(ref _resyncs);

    /// <summary>Watch events per second received, averaged over the last few seconds.</summary>
    public double EventsPerSecond
    {
        get
        {
            lock (_rateGate)
            {
                var now = Stopwatch.GetTimestamp();
                var elapsed = Stopwatch.GetElapsedTime(_rateWindowStartTicks, now);
                if (elapsed >= TimeSpan.FromSeconds(5))
                {
                    var count = EventsReceived;
                    _eventsPerSecond = (count - _rateWindowStartCount) / elapsed.TotalSeconds;
                    _rateWindowStartCount = count;
                    _rateWindowStartTicks = now;
                }
                return _eventsPerSecond;
            }
        }
    }

    internal void SessionOpened() => Interlocked.Increment(ref _sessionsOpen);
    internal void SessionClosed() => Interlocked.Decrement(ref _sessionsOpen);
    internal void SubscriptionAdded() => Interlocked.Increment(ref _subscriptions);
    internal void SubscriptionRemoved() => Interlocked.Decrement(ref _subscriptions);
    internal void ServerWatchAdded() => Interlocked.Increment(ref _serverWatches);
    internal void ServerWatchRemoved() => Interlocked.Decrement(ref _serverWatches);
    internal void EventReceived() => Interlocked.Increment(ref _eventsReceived);
    internal void Delivered() => Interlocked.Increment(ref _notificationsDelivered);
    internal void Coalesced(long count = 1) => Interlocked.Add(ref _coalescedEvents, count);
    internal void Overflowed() => Interlocked.Increment(ref _queueOverflows);
    internal void SubscriberFailed() => Interlocked.Increment(ref _subscriberErrors);
    internal void Resynced() => Interlocked.Increment(ref _resyncs);

    /// <summary>All figures at once, for exporters.</summary>
    public DashboardMetricsSnapshot Snapshot() => new(SessionsOpen, Subscriptions, ServerWatches, EventsReceived,
        EventsPerSecond, NotificationsDelivered, CoalescedEvents, QueueOverflows, SubscriberErrors, Resyncs);
}

/// <summary>A point-in-time copy of <see cref="DashboardMetrics"/>.</summary>
public sealed record DashboardMetricsSnapshot(long SessionsOpen, long Subscriptions, long ServerWatches, long EventsReceived,
    double EventsPerSecond, long NotificationsDelivered, long CoalescedEvents, long QueueOverflows, long SubscriberErrors, long Resyncs);
