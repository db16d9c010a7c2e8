using ZkDashboard.Core.Diagnostics;
using ZkDashboard.Core.Metrics;

namespace ZkDashboard.Core.Tests.Watches;

public sealed class DashboardMetricsTests
{
    [Fact]
    public void Contribute_Figures_WrittenInPrometheusText()
    {
        var metrics = new DashboardMetrics();
        metrics.SessionOpened();
        metrics.SubscriptionAdded();
        metrics.SubscriptionAdded();
        metrics.ServerWatchAdded();
        metrics.EventReceived();
        metrics.Coalesced(41);
        var writer = new PrometheusTextWriter();
        new DashboardMetricsContributor(metrics).Contribute(writer);
        var text = writer.ToString();
        Assert.Contains("zkdashboard_sessions_open 1", text);
        Assert.Contains("zkdashboard_subscriptions 2", text);
        Assert.Contains("zkdashboard_server_watches 1", text);
        Assert.Contains("zkdashboard_watch_events_total 1", text);
        Assert.Contains("zkdashboard_coalesced_events_total 41", text);
        Assert.Contains("# TYPE zkdashboard_coalesced_events_total counter", text);
    }
}
