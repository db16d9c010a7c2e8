using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Diagnostics;

namespace ZkDashboard.Core.Metrics;

/// <summary>The dashboard's own figures (from <see cref="DashboardMetrics"/>, when the sessions services are registered) on /metrics.</summary>
internal sealed class DashboardMetricsContributor(IServiceProvider services) : IMetricsContributor
{
    public void Contribute(PrometheusTextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (services.GetService<DashboardMetrics>() is not { } metrics)
        {
            return;
        }
        var s = metrics.Snapshot();
        writer.Gauge("zkdashboard_sessions_open", "Open ZooKeeper sessions (one per ensemble in use).", s.SessionsOpen);
        writer.Gauge("zkdashboard_subscriptions", "Live watch subscriptions (viewers).", s.Subscriptions);
        writer.Gauge("zkdashboard_server_watches", "Watches registered on ZooKeeper servers (one per watched path and kind, however many viewers).", s.ServerWatches);
        writer.Counter("zkdashboard_watch_events_received_total", "Watch events received from ZooKeeper since start.", s.EventsReceived);
        writer.Gauge("zkdashboard_watch_events_per_second", "Watch events received per second (recent average).", s.EventsPerSecond);
        writer.Counter("zkdashboard_notifications_delivered_total", "Notifications handed to subscribers since start.", s.NotificationsDelivered);
        writer.Counter("zkdashboard_coalesced_events_total", "Events merged into an already queued notification for the same path.", s.CoalescedEvents);
        writer.Counter("zkdashboard_subscriber_queue_overflows_total", "Times a subscriber queue reached its bound and collapsed into a resync.", s.QueueOverflows);
        writer.Counter("zkdashboard_subscriber_errors_total", "Subscriber callbacks that threw.", s.SubscriberErrors);
        writer.Counter("zkdashboard_resyncs_total", "Resyncs after reconnects and session expiries.", s.Resyncs);
    }
}
