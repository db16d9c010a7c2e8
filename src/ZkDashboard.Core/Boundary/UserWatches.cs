using ZkDashboard.Core.Access;
using ZkDashboard.Core.Watches;

namespace ZkDashboard.Core.Boundary;

/// <summary>
/// Watch subscriptions for a person: checked with <see cref="AccessAction.Watch"/> (and read) and filtered per event,
/// so a subtree or children subscription never delivers events of nodes the person may not see. Each subscription is
/// its subscriber's own and is ended by disposing it.
/// </summary>
public interface IUserWatches
{
    /// <summary>
    /// Subscribes; throws <see cref="AccessDeniedException"/> (audited) when <paramref name="user"/> may not watch
    /// <paramref name="path"/>. Children and subtree subscriptions are also allowed where the person may only browse
    /// (something below is readable); their events are then limited to what the person may see.
    /// </summary>
    Task<IWatchSubscription> SubscribeAsync(ActingUser user, string ensemble, string path, WatchKind kind, IWatchSubscriber subscriber, CancellationToken ct = default);
}

internal sealed class UserWatches(IWatchFanout hub, BoundaryGuard guard) : IUserWatches
{
    public async Task<IWatchSubscription> SubscribeAsync(ActingUser user, string ensemble, string path, WatchKind kind, IWatchSubscriber subscriber, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        var op = new OperationContext(user, ensemble, ZkOperationKind.Watch, path);
        var watch = await guard.Policy.CanAsync(user, ensemble, AccessAction.Watch, path, ct).ConfigureAwait(false);
        var scope = await guard.Policy.GetReadScopeAsync(user, ensemble, path, ct).ConfigureAwait(false);
        var allowed = watch.Allowed && (scope.HasFlag(ReadScope.Node) || (kind != WatchKind.Data && scope.HasFlag(ReadScope.Browse)));
        if (!allowed && kind != WatchKind.Data && scope.HasFlag(ReadScope.Browse))
        {
            // Browsing down to a readable subtree: watching the way there is allowed when the person may watch below.
            allowed = await MayWatchBelowAsync(user, ensemble, path, ct).ConfigureAwait(false);
        }
        if (!allowed)
        {
            var reason = watch.Allowed
                ? (await guard.Policy.CanAsync(user, ensemble, AccessAction.Read, path, ct).ConfigureAwait(false)).Reason
                : watch.Reason;
            await guard.DeniedAsync(op, reason).ConfigureAwait(false);
            throw new AccessDeniedException(op, reason);
        }
        var filtered = scope.HasFlag(ReadScope.Subtree) || (kind == WatchKind.Data && scope.HasFlag(ReadScope.Node))
            ? subscriber
            : new FilteringSubscriber(subscriber, guard.Policy, user);
        return hub.Subscribe(ensemble, path, kind, filtered);
    }

    private async ValueTask<bool> MayWatchBelowAsync(ActingUser user, string ensemble, string path, CancellationToken ct)
        => await guard.Policy.CanAtOrBelowAsync(user, ensemble, AccessAction.Watch, path, ct).ConfigureAwait(false);

    /// <summary>Drops notifications for nodes the person may not see (resync notices pass: they carry no node data).</summary>
    private sealed class FilteringSubscriber(IWatchSubscriber inner, IAccessPolicy policy, ActingUser user) : IWatchSubscriber
    {
        public async ValueTask OnWatchEventAsync(WatchNotification notification, CancellationToken ct)
        {
            if (notification.Change != WatchChange.Resync
                && !(await policy.GetReadScopeAsync(user, notification.Ensemble, notification.Path, ct).ConfigureAwait(false)).HasFlag(ReadScope.Browse))
            {
                return;
            }
            await inner.OnWatchEventAsync(notification, ct).ConfigureAwait(false);
        }
    }
}
