using ZkDashboard.Core.Metrics;

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
