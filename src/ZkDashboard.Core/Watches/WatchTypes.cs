using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Watches;

/// <summary>What a subscription watches.</summary>
public enum WatchKind
{
    /// <summary>The node itself: created, deleted, data changed.</summary>
    Data,
    /// <summary>The node's list of children.</summary>
    Children,
    /// <summary>The node and every descendant (created, deleted, data changed anywhere below).</summary>
    Subtree,
    /// <summary>
    /// The node's children with their stats, for a list that shows each child's size, mtime and child count:
    /// a child created, deleted or changed (with its stat), and a grandchild created or deleted (with a null
    /// <see cref="WatchNotification.Stat"/>: that child's child count changed; re-read it). Deeper changes are not
    /// delivered, and cost no read. One PERSISTENT_RECURSIVE server watch on the node (one-shot mode: the node's
    /// children only, as <see cref="Children"/>).
    /// </summary>
    ChildStats,
}

/// <summary>What happened to <see cref="WatchNotification.Path"/>.</summary>
public enum WatchChange
{
    /// <summary>The node was created.</summary>
    Created,
    /// <summary>The node was deleted (<see cref="WatchNotification.Stat"/> is null).</summary>
    Deleted,
    /// <summary>The node's data changed.</summary>
    DataChanged,
    /// <summary>The node's children changed.</summary>
    ChildrenChanged,
    /// <summary>
    /// Anything under the subscription may have changed and individual events are not available (after a
    /// reconnect or session expiry, or after the subscriber's queue overflowed). Re-read what you show.
    /// </summary>
    Resync,
}

/// <summary>
/// One (possibly coalesced) change delivered to a subscriber. <see cref="Stat"/> is read after the last
/// event it represents, so it holds the latest version known to the hub (null when the node does not exist).
/// </summary>
/// <param name="Ensemble">Ensemble name.</param>
/// <param name="SubscribedPath">The path the subscription was made on.</param>
/// <param name="Kind">The subscription's kind.</param>
/// <param name="Path">The node that changed (a descendant for subtree subscriptions, a child for children
/// subscriptions when the child's own event is known).</param>
/// <param name="Change">What happened (the latest of the coalesced events).</param>
/// <param name="Stat">The node's stat read after the change; null when it does not exist or for a resync notice.</param>
/// <param name="CoalescedCount">How many server events this notification stands for (1 when not coalesced).</param>
/// <param name="Timestamp">When the latest event was received.</param>
public sealed record WatchNotification(
    string Ensemble,
    string SubscribedPath,
    WatchKind Kind,
    string Path,
    WatchChange Change,
    Stat? Stat,
    int CoalescedCount,
    DateTimeOffset Timestamp);

/// <summary>Receives watch notifications. Called on a worker thread, one call at a time per subscription.</summary>
public interface IWatchSubscriber
{
    /// <summary>Handles one notification. A slow handler only delays its own subscription.</summary>
    ValueTask OnWatchEventAsync(WatchNotification notification, CancellationToken ct);
}

/// <summary>Builds subscribers from delegates.</summary>
public static class WatchSubscriber
{
    /// <summary>A subscriber calling <paramref name="handler"/>.</summary>
    public static IWatchSubscriber Create(Func<WatchNotification, CancellationToken, ValueTask> handler) => new Delegating(handler);

    /// <summary>A subscriber calling a synchronous <paramref name="handler"/>.</summary>
    public static IWatchSubscriber Create(Action<WatchNotification> handler)
        => new Delegating((n, _) => { handler(n); return ValueTask.CompletedTask; });

    private sealed class Delegating(Func<WatchNotification, CancellationToken, ValueTask> handler) : IWatchSubscriber
    {
        public ValueTask OnWatchEventAsync(WatchNotification notification, CancellationToken ct) => handler(notification, ct);
    }
}

/// <summary>A live subscription. Dispose it to unsubscribe; the server watch goes when its last subscriber does.</summary>
public interface IWatchSubscription : IDisposable
{
    /// <summary>Ensemble name.</summary>
    string Ensemble { get; }
    /// <summary>The watched path.</summary>
    string Path { get; }
    /// <summary>The kind.</summary>
    WatchKind Kind { get; }
    /// <summary>
    /// Completes once the server watch covering this subscription is registered (right away when another
    /// subscriber already holds it). Faults when it cannot be registered (for example the ensemble is
    /// unreachable); the hub keeps trying and sends a <see cref="WatchChange.Resync"/> once it succeeds.
    /// Subscribe, await this, then read the initial state: no change is lost in between.
    /// </summary>
    Task Ready { get; }
    /// <summary>Notifications queued for this subscriber now (at most the configured capacity).</summary>
    int PendingCount { get; }
    /// <summary>The largest <see cref="PendingCount"/> seen (proves the queue bound).</summary>
    int MaxPendingObserved { get; }
    /// <summary>Notifications delivered so far.</summary>
    long Delivered { get; }
}

/// <summary>
/// Watch fan-out: many viewers share one server watch per (ensemble, path). Subscriptions are keyed by
/// (ensemble, path, kind) and returned as <see cref="IDisposable"/>.
/// </summary>
/// <remarks>
/// <para><b>Server watches.</b> On servers 3.6+ the hub uses persistent watches (addWatch): a
/// <c>PERSISTENT</c> watch for data and children subscriptions, a <c>PERSISTENT_RECURSIVE</c> one when any
/// subtree subscription exists on the path. They are reference-counted: 100 viewers of one path cost one
/// watch, and the last unsubscribe removes it (removeWatches). On older servers (or with
/// <see cref="Sessions.SessionOptions.ForceOneShotWatches"/>) one-shot watches are re-armed by the read that
/// follows each trigger, so the final state is always read after the last change.</para>
/// <para><b>Versions.</b> Every event is resolved into the node's current stat by a read issued after it.
/// Events for a path whose read is in flight are merged, and one more read follows, so the last
/// notification always carries the final version.</para>
/// <para><b>Delivery policy.</b> Each subscription has its own bounded queue, keyed by path: a new event
/// for a path already queued replaces it (latest state wins) and adds to its <see cref="WatchNotification.CoalescedCount"/>.
/// When a queue holds <see cref="Sessions.SessionOptions.SubscriberQueueCapacity"/> distinct paths it is
/// collapsed into one <see cref="WatchChange.Resync"/> notice for the subscribed path. Handlers run on the
/// thread pool, one at a time per subscription; a slow or failing subscriber never blocks the client's I/O
/// loop or any other subscriber, and memory stays bounded whatever the event rate.</para>
/// <para><b>One-shot mode limits.</b> Without persistent watches, a subtree subscription watches only its
/// root's data and children (it is told when direct children come and go, not about deeper changes).</para>
/// <para><b>Ensemble names</b> compare case-insensitively; subscriptions and notifications carry the registry's
/// spelling, and subscribers of "MAIN" and "main" share one server watch.</para>
/// <para><b>Reconnects.</b> After a reconnect every watched path is re-read and changed ones are notified;
/// after a session expiry every server watch is registered again on the new session and every subscriber
/// gets a <see cref="WatchChange.Resync"/>.</para>
/// </remarks>
public interface IWatchFanout
{
    /// <summary>Subscribes <paramref name="subscriber"/> to changes of <paramref name="path"/> in <paramref name="ensemble"/>.</summary>
    IWatchSubscription Subscribe(string ensemble, string path, WatchKind kind, IWatchSubscriber subscriber);

    /// <summary>Server watches this hub holds for an ensemble (path and mode), for diagnostics.</summary>
    IReadOnlyList<ServerWatchInfo> GetServerWatches(string ensemble);
}

/// <summary>A server watch held by the hub.</summary>
public sealed record ServerWatchInfo(string Path, ServerWatchMode Mode, int Subscribers);

/// <summary>How a path is watched on the server.</summary>
public enum ServerWatchMode
{
    /// <summary>Not watched.</summary>
    None,
    /// <summary>addWatch PERSISTENT (data and children of the node).</summary>
    Persistent,
    /// <summary>addWatch PERSISTENT_RECURSIVE (the node and all descendants).</summary>
    PersistentRecursive,
    /// <summary>One-shot data and child watches, re-armed after each trigger (servers before 3.6).</summary>
    OneShot,
}
