using Microsoft.AspNetCore.SignalR;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Boundary;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Watches;
using ZkDashboard.Web.Auth;

namespace ZkDashboard.Web.Hubs;

/// <summary>
/// The event stream at <c>/hubs/zk</c> (SignalR, JSON or MessagePack hub protocol). Clients call
/// <c>Subscribe(ensemble, path, kind)</c> (kind: Data, Children or Subtree) and receive <c>watchEvent</c>
/// messages (<see cref="WatchEventMessage"/>); <c>SubscribeHealth(ensemble?)</c> streams <c>healthSnapshot</c>
/// messages when a health source is registered, for the ensembles the caller may read. Every subscription is
/// checked by the access policy for the connection's user (refusals are audited and answered with the reason).
/// Until sign-in lands it only accepts local (loopback) requests; others get 403.
/// </summary>
public sealed class ZkHub(HubSubscriptions subscriptions, IUserWatches watches, IUserEnsembles ensembles) : Hub
{
    /// <summary>The hub's route.</summary>
    public const string Route = "/hubs/zk";

    /// <summary>Client method receiving watch events.</summary>
    public const string WatchEventMethod = "watchEvent";

    /// <summary>Client method receiving health snapshots.</summary>
    public const string HealthSnapshotMethod = "healthSnapshot";

    /// <summary>Subscribes this connection to (ensemble, path, kind); returns the subscription id.</summary>
    public async Task<string> Subscribe(string ensemble, string path, string kind)
    {
        if (!Enum.TryParse<WatchKind>(kind, ignoreCase: true, out var k) || !Enum.IsDefined(k))
        {
            throw new HubException($"Unknown watch kind '{kind}'. Use Data, Children or Subtree.");
        }
        IWatchSubscription sub;
        var id = Guid.NewGuid().ToString("N");
        try
        {
            sub = await watches.SubscribeAsync(User, ensemble, path, k, new HubWatchSubscriber(subscriptions, Context.ConnectionId, id), Context.ConnectionAborted)
                .ConfigureAwait(false);
        }
        catch (AccessDeniedException ex)
        {
            throw new HubException(ex.Reason);
        }
        catch (UnknownEnsembleException ex)
        {
            throw new HubException(ex.Message);
        }
        catch (ZooKeeper.InvalidPathException ex)
        {
            throw new HubException(ex.Message);
        }
        catch (ArgumentException ex)
        {
            throw new HubException(ex.Message);
        }
        subscriptions.Add(Context.ConnectionId, id, sub);
        try
        {
            await sub.Ready.WaitAsync(TimeSpan.FromSeconds(30), Context.ConnectionAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Kept: the hub re-registers when the ensemble is back and sends a Resync event.
            await Clients.Caller.SendAsync(WatchEventMethod, WatchEventMessage.Pending(id, ensemble, path, k, ex.Message)).ConfigureAwait(false);
        }
        return id;
    }

    /// <summary>Ends one subscription of this connection. Returns false when it was not found.</summary>
    public bool Unsubscribe(string subscriptionId) => subscriptions.Remove(Context.ConnectionId, subscriptionId);

    /// <summary>Streams health snapshots (all ensembles when <paramref name="ensemble"/> is null); returns the subscription id.</summary>
    /// <remarks>With no ensemble, the ensembles the caller may read when subscribing are streamed.</remarks>
    public async Task<string> SubscribeHealth(string? ensemble)
    {
        var source = subscriptions.HealthSource
            ?? throw new HubException("Health snapshots are not available on this server (no health monitor registered).");
        IReadOnlyList<string> names;
        try
        {
            names = ensemble is null
                ? [.. (await ensembles.ListAsync(User, Context.ConnectionAborted).ConfigureAwait(false)).Select(d => d.Name)]
                : [(await ensembles.RequireReadableAsync(User, ensemble, Context.ConnectionAborted).ConfigureAwait(false)).Name];
        }
        catch (UnknownEnsembleException ex)
        {
            throw new HubException(ex.Message);
        }
        var id = Guid.NewGuid().ToString("N");
        var connectionId = Context.ConnectionId;
        var subs = names.Select(n => source.Subscribe(n, snapshot => subscriptions.SendAsync(connectionId, HealthSnapshotMethod, snapshot))).ToList();
        subscriptions.Add(connectionId, id, new CompositeDisposable(subs));
        return id;
    }

    /// <summary>The connection's user (cookie or API token), mapped like the circuits' <see cref="ICurrentUser"/>.</summary>
    private ActingUser User => ZkPrincipals.ToActingUser(Context.User, Context.GetHttpContext()?.Connection.RemoteIpAddress,
        Context.GetHttpContext()?.Request.Headers.UserAgent.ToString(), "hub:" + Context.ConnectionId);

    private sealed class CompositeDisposable(IReadOnlyList<IDisposable> parts) : IDisposable
    {
        public void Dispose()
        {
            foreach (var p in parts)
            {
                p.Dispose();
            }
        }
    }

    /// <inheritdoc />
    public override Task OnDisconnectedAsync(Exception? exception)
    {
        subscriptions.RemoveAll(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}
