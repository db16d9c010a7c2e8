using ZkDashboard.Core.Health;

namespace ZkDashboard.Web.Hubs;

/// <summary>Health snapshots for the hub, from the health monitor.</summary>
public sealed class HealthMonitorHubSource(IHealthMonitor monitor) : IHubHealthSource
{
    /// <inheritdoc />
    public IDisposable Subscribe(string? ensemble, Func<object, Task> onSnapshot)
    {
        ArgumentNullException.ThrowIfNull(onSnapshot);
        // The monitor calls back on its poller thread: hand the send off so polling never waits on a client.
        return monitor.Subscribe(snapshot =>
        {
            if (ensemble is null || string.Equals(snapshot.Ensemble, ensemble, StringComparison.Ordinal))
            {
                _ = Task.Run(() => onSnapshot(snapshot));
            }
        });
    }
}
