using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Health;
using ZkDashboard.Core.Metrics;
using ZkDashboard.Core.Tests.Sessions;
using ZkDashboard.Core.Tests.Support;
using ZkDashboard.Testing;

namespace ZkDashboard.Core.Tests.Metrics;

[Collection(SessionsEnsembleCollection.Name)]
public sealed class MetricsExporterTests(EnsembleFixture fx)
{
    [Fact]
    public async Task Render_ParsesAsPrometheusText_WithSeriesLabelledByEnsembleAndServer()
    {
        await using var host = await HealthTestHost.StartAsync(new()
        {
            ["ZkDashboard:Ensembles:0:Name"] = "fx",
            ["ZkDashboard:Ensembles:0:ConnectString"] = fx.ConnectString,
            ["ZkDashboard:Ensembles:1:Name"] = "broken",
            ["ZkDashboard:Ensembles:1:ConnectString"] = "127.0.0.1:99999",
        }, startPolling: false);
        var registry = host.Services.GetRequiredService<IEnsembleRegistry>();
        Assert.Equal(["fx"], registry.All.Select(e => e.Name));
        Assert.Contains(registry.ConfigurationErrors, e => e.Contains("port 99999 in '127.0.0.1:99999' is out of range", StringComparison.Ordinal));

        await host.Monitor.PollNowAsync("fx");
        var families = PrometheusTextParser.Parse(host.Services.GetRequiredService<ZkMetricsExporter>().Render());

        var servers = fx.Ensemble.Servers.Select(s => s.HostPort).Order().ToArray();
        var znodes = families["zookeeper_znode_count"];
        Assert.Equal("gauge", znodes.Type);
        Assert.Equal(servers, znodes.Samples.Select(s => s.Labels["server"]).Order());
        Assert.All(znodes.Samples, s => Assert.Equal("fx", s.Labels["ensemble"]));
        Assert.All(znodes.Samples, s => Assert.True(s.Value >= 4));
        Assert.Equal(3, families["zkdashboard_server_up"].Samples.Sum(s => s.Value));
        Assert.Equal(1, families["zkdashboard_server_is_leader"].Samples.Sum(s => s.Value));
        Assert.Equal(1, Assert.Single(families["zkdashboard_ensemble_quorum_ok"].Samples).Value);
        Assert.Equal(3, Assert.Single(families["zkdashboard_ensemble_voters"].Samples).Value);
        Assert.Contains("zookeeper_p99_readlatency", families.Keys);
        Assert.True(families["zkdashboard_health_history_bytes"].Samples[0].Value > 0);
    }

    [Fact]
    public async Task AddAsync_AcceptsReachableEnsemble_WithoutSkippingTheCheck()
    {
        await using var host = await HealthTestHost.StartAsync([], startPolling: false);
        var registry = host.Services.GetRequiredService<IEnsembleRegistry>();
        var check = await registry.CheckReachabilityAsync(EnsembleDefinition.Create("live", fx.ConnectString));
        Assert.All(check.Hosts, h => Assert.True(h.Reachable, h.Detail));

        await registry.AddAsync(EnsembleDefinition.Create("live", fx.ConnectString + "/app"), new ZkDashboard.Core.Access.ActingUser("a", ["admin"], null));
        var health = await host.Monitor.PollNowAsync("live");
        Assert.NotNull(health);
        Assert.Equal(3, health.Servers.Count);
        Assert.NotNull(health.Leader);
    }
}
