using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Health;
using ZkDashboard.Core.Watches;

namespace ZkDashboard.Web.Hubs;

/// <summary>The subscriptions of every hub connection, disposed when the connection goes.</summary>
/// <remarks>Health snapshots come from a registered <see cref="IHubHealthSource"/>, else from the health
/// monitor when one is registered (<c>AddZkDashboardHealth</c>), in any registration order.</remarks>
public sealed class HubSubscriptions(IHubContext<ZkHub> hub, ILogger<HubSubscriptions> logger, IServiceProvider services) : IDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, IDisposable>> _byConnection = new(StringComparer.Ordinal);
    private readonly Lazy<IHubHealthSource?> _health = new(() =>
        services.GetService<IHubHealthSource>()
        ?? (services.GetService<IHealthMonitor>() is { } monitor ? new HealthMonitorHubSource(monitor) : null));

    internal IHubHealthSource? HealthSource => _health.Value;

    /// <summary>Subscriptions held for all connections.</summary>
    public int Count => _byConnection.Values.Sum(c => c.Count);

    internal void Add(string connectionId, string id, IDisposable subscription)
        => _byConnection.GetOrAdd(connectionId, _ => new ConcurrentDictionary<string, IDisposable>(StringComparer.Ordinal))[id] = subscription;

    internal bool Remove(string connectionId, string id)
    {
        if (_byConnection.TryGetValue(connectionId, out var subs) && subs.TryRemove(id, out var s))
        {
            s.Dispose();
            return true;
        }
        return false;
    }

    internal void RemoveAll(string connectionId)
    {
        if (_byConnection.TryRemove(connectionId, out var subs))
        {
            foreach (var s in subs.Values)
            {
                s.Dispose();
            }
        }
    }

    internal async Task SendAsync(string connectionId, string method, object message, CancellationToken ct = default)
    {
        try
        {
            await hub.Clients.Client(connectionId).SendAsync(method, message, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogDebug("Hub send to {Connection} failed: {Message}", connectionId, ex.Message);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var id in _byConnection.Keys)
        {
            RemoveAll(id);
        }
    }
}

/// <summary>Forwards one subscription's notifications to its hub connection (its own bounded queue keeps slow clients from affecting others).</summary>
internal sealed class HubWatchSubscriber(HubSubscriptions subscriptions, string connectionId, string subscriptionId) : IWatchSubscriber
{
    public ValueTask OnWatchEventAsync(WatchNotification notification, CancellationToken ct)
        => new(subscriptions.SendAsync(connectionId, ZkHub.WatchEventMethod, WatchEventMessage.From(subscriptionId, notification), ct));
}
