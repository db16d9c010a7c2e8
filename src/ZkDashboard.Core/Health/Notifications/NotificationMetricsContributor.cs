using ZkDashboard.Core.Metrics;

namespace ZkDashboard.Core.Health.Notifications;

/// <summary>Delivery counters of every notification channel on /metrics (zkdashboard_notifications_*).</summary>
internal sealed class NotificationMetricsContributor(IAlertNotifications notifications) : IMetricsContributor
{
    public void Contribute(PrometheusTextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var c in notifications.Channels)
        {
            var labels = new[] { ("channel", c.Name), ("type", c.Type.ToString().ToLowerInvariant()) };
            writer.Counter("zkdashboard_notifications_sent_total", "Alert notifications delivered.", c.Sent, labels);
            writer.Counter("zkdashboard_notifications_failed_total", "Alert notifications given up after their retries (or refused as not retryable).", c.Failed, labels);
            writer.Counter("zkdashboard_notifications_retries_total", "Delivery attempts that failed and were retried.", c.Retries, labels);
            writer.Counter("zkdashboard_notifications_dropped_total", "Alert notifications dropped because the channel's queue was full.", c.Dropped, labels);
            writer.Gauge("zkdashboard_notifications_queued", "Alert notifications waiting for delivery.", c.Queued, labels);
            writer.Gauge("zkdashboard_notifications_last_success_timestamp_seconds", "Unix time of the last delivery (0: none yet).",
                c.LastSuccessAt?.ToUnixTimeMilliseconds() / 1000.0 ?? 0, labels);
            writer.Gauge("zkdashboard_notifications_last_error_timestamp_seconds", "Unix time of the last failed attempt (0: none yet).",
                c.LastErrorAt?.ToUnixTimeMilliseconds() / 1000.0 ?? 0, labels);
        }
    }
}
