using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Diagnostics;
using ZkDashboard.Core.Health;
using ZkDashboard.Core.Metrics;
using ZkDashboard.Core.Tests.Support;

namespace ZkDashboard.Core.Tests.Metrics;

public sealed class PrometheusTextWriterTests
{
    [Fact]
    public void ToString_EscapesLabelsAndHelp_AndGroupsFamilies()
    {
        var w = new PrometheusTextWriter();
        w.Gauge("zk_up", "Up.\nSecond line \\ backslash", 1, ("server", "a\"b\\c\nd"));
        w.Counter("zk-events.total", "Events.", 12.5, ("ensemble", "x"));
        w.Gauge("zk_up", "ignored", 0, ("server", "plain"));
        w.Gauge("zk_nan", "NaN value.", double.NaN);

        var families = PrometheusTextParser.Parse(w.ToString());

        var up = families["zk_up"];
        Assert.Equal("gauge", up.Type);
        Assert.Equal("Up.\nSecond line \\ backslash", up.Help);
        Assert.Equal(["a\"b\\c\nd", "plain"], up.Samples.Select(s => s.Labels["server"]));
        var events = families["zk_events_total"];
        Assert.Equal("counter", events.Type);
        Assert.Equal(12.5, Assert.Single(events.Samples).Value);
        Assert.True(double.IsNaN(families["zk_nan"].Samples[0].Value));
    }

    [Fact]
    public void SanitizeName_ReplacesInvalidCharacters()
    {
        Assert.Equal("_9lives_x:y", PrometheusTextWriter.SanitizeName("9lives-x:y"));
        Assert.Equal("a_b", PrometheusTextWriter.SanitizeLabelName("a:b"));
    }
}

public sealed class DashboardFiguresExportTests
{
    [Fact]
    public async Task Render_IncludesDashboardFigures_WhenDashboardMetricsIsRegistered()
    {
        using var store = new StoreTestHost();
        await using var sp = store.Build(configure: (s, c) =>
        {
            // What AddZkDashboardSessions registers for /metrics.
            s.AddSingleton<DashboardMetrics>();
            s.AddSingleton<IMetricsContributor, DashboardMetricsContributor>();
            s.AddZkDashboardHealth(c);
        });
        var metrics = sp.GetRequiredService<DashboardMetrics>();
        metrics.SessionOpened();
        metrics.SubscriptionAdded();
        metrics.SubscriptionAdded();
        metrics.Coalesced(7);

        var text = sp.GetRequiredService<ZkMetricsExporter>().Render();
        var families = PrometheusTextParser.Parse(text);

        Assert.Equal(1, families["zkdashboard_sessions_open"].Samples.Single().Value);
        Assert.Equal(2, families["zkdashboard_subscriptions"].Samples.Single().Value);
        Assert.Equal("counter", families["zkdashboard_coalesced_events_total"].Type);
        Assert.Equal(7, families["zkdashboard_coalesced_events_total"].Samples.Single().Value);
        Assert.Contains("zkdashboard_watch_events_per_second", families.Keys);
        Assert.Contains("zkdashboard_server_watches", families.Keys);
    }
}
