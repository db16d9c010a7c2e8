using ZkDashboard.Core.Watches;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Hubs;

/// <summary>A watch event as sent to hub clients (<c>watchEvent</c>).</summary>
/// <param name="SubscriptionId">The id <c>Subscribe</c> returned.</param>
/// <param name="Ensemble">Ensemble name.</param>
/// <param name="SubscribedPath">The subscribed path.</param>
/// <param name="Kind">Data, Children or Subtree.</param>
/// <param name="Path">The node that changed.</param>
/// <param name="Change">Created, Deleted, DataChanged, ChildrenChanged, Resync (re-read), or Pending (the
/// watch could not be registered yet; see <paramref name="Error"/>).</param>
/// <param name="Stat">The node's stat after the change (null when deleted or unknown).</param>
/// <param name="CoalescedCount">How many server events this message stands for.</param>
/// <param name="Timestamp">When the latest event arrived.</param>
/// <param name="Error">Why the watch is pending, when it is.</param>
public sealed record WatchEventMessage(string SubscriptionId, string Ensemble, string SubscribedPath, string Kind, string Path,
    string Change, Stat? Stat, int CoalescedCount, DateTimeOffset Timestamp, string? Error = null)
{
    internal static WatchEventMessage From(string id, WatchNotification n)
        => new(id, n.Ensemble, n.SubscribedPath, n.Kind.ToString(), n.Path, n.Change.ToString(), n.Stat, n.CoalescedCount, n.Timestamp);

    internal static WatchEventMessage Pending(string id, string ensemble, string path, WatchKind kind, string error)
        => new(id, ensemble, path, kind.ToString(), path, "Pending", null, 0, DateTimeOffset.UtcNow, error);
}

/// <summary>
/// Seam for health snapshots on the hub. Register an implementation (for example an adapter over the health
/// monitor) and <c>SubscribeHealth</c> streams its snapshots.
/// </summary>
public interface IHubHealthSource
{
    /// <summary>Calls <paramref name="onSnapshot"/> for every snapshot of <paramref name="ensemble"/> (all when null).</summary>
    IDisposable Subscribe(string? ensemble, Func<object, Task> onSnapshot);
}
