using ZkDashboard.Core.Metrics;

namespace ZkDashboard.Core.Metrics;

/// <summary>Adds the dashboard's own figures (<see cref="DashboardMetrics"/>) to <c>/metrics</c>.</summary>
public sealed class DashboardMetricsContributor(DashboardMetrics metrics) : IMetricsContributor
{
    /// <inheritdoc />
    public void Contribute(PrometheusTextWriter writer)
    {
        var m = metrics.Snapshot();
        writer.Gauge("zkdashboard_sessions_open", "Open ZooKeeper sessions (one shared session per ensemble in use).", m.SessionsOpen);
        writer.Gauge("zkdashboard_subscriptions", "Live watch subscriptions (viewers).", m.Subscriptions);
        writer.Gauge("zkdashboard_server_watches", "Watches held on servers (one per watched path, however many viewers).", m.ServerWatches);
        writer.Counter("zkdashboard_watch_events_total", "Watch events received from servers.", m.EventsReceived);
        writer.Gauge("zkdashboard_watch_events_per_second", "Watch events received per second (recent average).", m.EventsPerSecond);
        writer.Counter("zkdashboard_notifications_delivered_total", "Notifications handed to subscribers.", m.NotificationsDelivered);
        writer.Counter("zkdashboard_coalesced_events_total", "Events merged into an already queued notification of the same path.", m.CoalescedEvents);
        writer.Counter("zkdashboard_queue_overflows_total", "Subscriber queues collapsed into a resync notice at their bound.", m.QueueOverflows);
        writer.Counter("zkdashboard_subscriber_errors_total", "Subscriber callbacks that threw.", m.SubscriberErrors);
        writer.Counter("zkdashboard_resyncs_total", "Resyncs after reconnects and session expiries.", m.Resyncs);
    }
}
