namespace ZkDashboard.Core.Health;

internal sealed partial class HealthMonitor
{
    /// <summary>
    /// Changes an active alert (acknowledge, silence) and republishes the ensemble's snapshot with it, so every open page
    /// shows the change at once. Null when the alert is not active on that ensemble.
    /// </summary>
    internal HealthAlert? AnnotateAlert(string ensemble, long alertId, Func<HealthAlert, HealthAlert> change)
    {
        var updated = _alerts.Annotate(ensemble, alertId, change);
        if (updated is null)
        {
            return null;
        }
        _alertStore?.Enqueue(updated);
        if (_ensembles.TryGetValue(ensemble, out var state) && state.Latest is { } latest)
        {
            var republished = latest with { ActiveAlerts = latest.ActiveAlerts.Select(a => a.Id == alertId ? updated : a).ToArray() };
            state.Latest = republished;
            Publish(republished);
        }
        return updated;
    }
}
