using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Health;
using ZkDashboard.Core.Tests.Support;

namespace ZkDashboard.Core.Tests.Health;

public sealed class HealthMonitorRegistryTests
{
    private static readonly ActingUser Admin = new("alice", ["admin"], null);

    [Fact]
    public async Task PollNowAsync_RaisesUnreachableNoQuorumNoLeader_AndRemovalResolvesThem()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        await using var host = await HealthTestHost.StartAsync(new() { ["ZkDashboard:Health:CommandTimeout"] = "00:00:01" }, startPolling: false);
        var registry = host.Services.GetRequiredService<IEnsembleRegistry>();
        await registry.AddAsync(EnsembleDefinition.Create("gone", $"127.0.0.1:{port}"), Admin, new EnsembleSaveOptions(SkipReachabilityCheck: true));

        var health = await host.Monitor.PollNowAsync("gone");
        Assert.NotNull(health);
        Assert.Equal(EnsembleStatus.Down, health.Status);
        Assert.Equal(ServerStatus.Unreachable, Assert.Single(health.Servers).Status);
        Assert.Contains($"127.0.0.1:{port} is unreachable", health.Servers[0].Error, StringComparison.Ordinal);
        Assert.Equal([AlertKind.NoQuorum, AlertKind.NoLeader, AlertKind.ServerUnreachable], health.ActiveAlerts.Select(a => a.Kind));
        Assert.Equal(3, host.Monitor.ActiveAlerts.Count);

        await registry.RemoveAsync("gone", Admin);
        Assert.Null(host.Monitor.Get("gone"));
        Assert.Empty(host.Monitor.ActiveAlerts);
        Assert.All(host.Monitor.GetAlertHistory("gone"), a => Assert.NotNull(a.ResolvedAt));
        Assert.Equal(3, host.Monitor.GetAlertHistory("gone").Count);
        Assert.Null(await host.Monitor.PollNowAsync("gone"));
    }

    [Fact]
    public async Task AlertHistory_SurvivesRestart_AndAlertsStillHoldingContinueWithTheirAcknowledgement()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        using var store = new StoreTestHost();
        var config = new Dictionary<string, string?>
        {
            ["ZkDashboard:Ensembles:0:Name"] = "gone",
            ["ZkDashboard:Ensembles:0:ConnectString"] = $"127.0.0.1:{port}",
            ["ZkDashboard:Health:CommandTimeout"] = "00:00:01",
        };
        IReadOnlyList<HealthAlert> before;
        var until = DateTimeOffset.UtcNow.AddHours(2);
        await using (var first = await HealthTestHost.StartAsync(config, startPolling: false, store: store))
        {
            var health = await first.Monitor.PollNowAsync("gone");
            before = health!.ActiveAlerts;
            Assert.Equal(3, before.Count);
            // What IEnsembleHealthOperations.AcknowledgeAlertAsync / SilenceAlertAsync do after the access check.
            var monitor = first.Services.GetRequiredService<HealthMonitor>();
            Assert.NotNull(monitor.AnnotateAlert("gone", before[0].Id, a => a with { AcknowledgedBy = Admin.Name, AcknowledgedAt = DateTimeOffset.UtcNow }));
            Assert.NotNull(monitor.AnnotateAlert("gone", before[1].Id, a => a with { SilencedUntil = until }));
        }

        await using var second = await HealthTestHost.StartAsync(config, startPolling: false, store: store);
        var afterRestart = await second.Monitor.PollNowAsync("gone");

        var problems = store.Logs.Lines.Where(l => l.Contains("Could not store", StringComparison.Ordinal) || l.Contains("Could not load the stored", StringComparison.Ordinal)).ToArray();
        Assert.True(problems.Length == 0, string.Join("\n", problems));
        // The conditions still hold: the same alerts (ids, raise times) stay active, with the acknowledgement and the silence.
        Assert.Equal(before.Select(b => (b.Id, b.Kind, b.RaisedAt)), afterRestart!.ActiveAlerts.Select(a => (a.Id, a.Kind, a.RaisedAt)));
        Assert.Equal("alice", afterRestart.ActiveAlerts[0].AcknowledgedBy);
        Assert.Null(afterRestart.ActiveAlerts[0].SilencedUntil);
        Assert.Equal(until.ToUnixTimeMilliseconds(), afterRestart.ActiveAlerts[1].SilencedUntil?.ToUnixTimeMilliseconds());
        Assert.Null(afterRestart.ActiveAlerts[2].AcknowledgedBy);

        // Once the ensemble goes, they resolve and a new alert gets a later id.
        var registry = second.Services.GetRequiredService<IEnsembleRegistry>();
        await registry.AddAsync(EnsembleDefinition.Create("gone2", $"127.0.0.1:{port}"), Admin, new EnsembleSaveOptions(SkipReachabilityCheck: true));
        var other = await second.Monitor.PollNowAsync("gone2");
        Assert.All(other!.ActiveAlerts, a => Assert.True(a.Id > before.Max(b => b.Id)));
    }

    [Fact]
    public async Task AlertsLeftActive_OfAnEnsembleNoLongerConfigured_AreClosedAtRestart()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        using var store = new StoreTestHost();
        var config = new Dictionary<string, string?>
        {
            ["ZkDashboard:Ensembles:0:Name"] = "gone",
            ["ZkDashboard:Ensembles:0:ConnectString"] = $"127.0.0.1:{port}",
            ["ZkDashboard:Health:CommandTimeout"] = "00:00:01",
        };
        IReadOnlyList<HealthAlert> before;
        await using (var first = await HealthTestHost.StartAsync(config, startPolling: false, store: store))
        {
            before = (await first.Monitor.PollNowAsync("gone"))!.ActiveAlerts;
        }

        config["ZkDashboard:Ensembles:0:Name"] = "renamed";
        await using var second = await HealthTestHost.StartAsync(config, startPolling: false, store: store);
        await second.Monitor.PollNowAsync("renamed");

        var restored = second.Monitor.GetAlertHistory("gone").OrderBy(a => a.Id).ToArray();
        Assert.Equal(before.Select(b => b.Id), restored.Select(a => a.Id));
        Assert.All(restored, a => Assert.NotNull(a.ResolvedAt));
        Assert.DoesNotContain(second.Monitor.ActiveAlerts, a => a.Ensemble == "gone");
    }
}
