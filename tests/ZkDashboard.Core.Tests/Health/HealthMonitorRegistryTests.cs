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
}
