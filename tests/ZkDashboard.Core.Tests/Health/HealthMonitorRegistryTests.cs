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
    public async Task AlertHistory_SurvivesRestart_AndActiveAlertsAreClosed()
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
        };
        IReadOnlyList<HealthAlert> before;
        await using (var first = await HealthTestHost.StartAsync(config, startPolling: false, store: store))
        {
            var health = await first.Monitor.PollNowAsync("gone");
            before = health!.ActiveAlerts;
            Assert.Equal(3, before.Count);
        }

        await using var second = await HealthTestHost.StartAsync(config, startPolling: false, store: store);
        var afterRestart = await second.Monitor.PollNowAsync("gone");
        var history = second.Monitor.GetAlertHistory("gone");

        // The three alerts of the first run come back resolved (closed at restart) with their ids and raise times...
        var problems = store.Logs.Lines.Where(l => l.Contains("Could not store", StringComparison.Ordinal) || l.Contains("Could not load the stored", StringComparison.Ordinal)).ToArray();
        Assert.True(problems.Length == 0, string.Join("\n", problems));
        var restored = history.Where(a => before.Any(b => b.Id == a.Id)).OrderBy(a => a.Id).ToArray();
        Assert.Equal(before.Select(b => (b.Id, b.Kind, b.RaisedAt)), restored.Select(a => (a.Id, a.Kind, a.RaisedAt)));
        Assert.All(restored, a => Assert.NotNull(a.ResolvedAt));
        // ...and the conditions that still hold are raised again as new alerts with later ids.
        Assert.Equal(3, afterRestart!.ActiveAlerts.Count);
        Assert.All(afterRestart.ActiveAlerts, a => Assert.True(a.Id > before.Max(b => b.Id)));
    }
}
