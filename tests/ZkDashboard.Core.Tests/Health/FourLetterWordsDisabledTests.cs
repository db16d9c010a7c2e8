using System.Net;
using System.Net.Sockets;
using System.Text;
using ZkDashboard.Core.Health;
using ZkDashboard.Core.Tests.Support;
using ZkDashboard.Sandbox;

namespace ZkDashboard.Core.Tests.Health;

public sealed class FourLetterWordsDisabledTests
{
    private static async Task<(SandboxEnsemble Ensemble, HealthTestHost Host)> StartAsync(string whitelist)
    {
        var ensemble = await SandboxEnsemble.StartAsync(new SandboxOptions
        {
            Servers = 1,
            ExtraConfig = new Dictionary<string, string> { ["4lw.commands.whitelist"] = whitelist },
        });
        var host = await HealthTestHost.StartAsync(new()
        {
            ["ZkDashboard:Ensembles:0:Name"] = "locked",
            ["ZkDashboard:Ensembles:0:ConnectString"] = ensemble.ConnectString,
        }, startPolling: false);
        return (ensemble, host);
    }

    // The sandbox itself needs ruok (start) and srvr (quorum check); everything else the monitor polls is refused.
    [Fact]
    public async Task Poll_ReportsDisabledWordsAndAlert_WhenOnlySrvrIsWhitelisted()
    {
        var (ensemble, host) = await StartAsync("srvr,ruok");
        await using var _ = ensemble;
        await using var __ = host;

        var health = await host.Monitor.PollNowAsync("locked");
        Assert.NotNull(health);
        var server = Assert.Single(health.Servers);
        Assert.Equal(ServerStatus.Up, server.Status);
        Assert.True(server.IsLeader, server.Mode);
        Assert.NotNull(server.Zxid);
        Assert.Equal(["mntr", "conf", "cons", "wchs", "isro"], server.DisabledCommands);
        Assert.True(server.Ruok);
        Assert.Equal(health.Servers[0].HostPort, health.Leader);
        Assert.Equal((1, 1, 0), (health.Quorum.Voters, health.Quorum.QuorumSize, health.Quorum.FailuresTolerated));
        var alert = Assert.Single(health.ActiveAlerts);
        Assert.Equal(AlertKind.FourLetterWordsDisabled, alert.Kind);
        Assert.Contains("enable `4lw.commands.whitelist`", alert.Message, StringComparison.Ordinal);
        Assert.Contains("mntr", alert.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A server that refuses both mntr and srvr cannot be started by the sandbox (it needs srvr to see a quorum), so this
    /// one case uses a loopback fake answering every word but ruok with ZooKeeper's refusal text (checked against the
    /// real server in the test above).
    /// </summary>
    [Fact]
    public async Task Poll_ReportsFourLetterWordsDisabledState_WhenNeitherMntrNorSrvrIsAllowed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var cts = new CancellationTokenSource();
        var fake = Task.Run(async () =>
        {
            while (!cts.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(cts.Token);
                var stream = client.GetStream();
                var buffer = new byte[4];
                var read = 0;
                while (read < 4)
                {
                    var n = await stream.ReadAsync(buffer.AsMemory(read), cts.Token);
                    if (n == 0)
                    {
                        break;
                    }
                    read += n;
                }
                var word = Encoding.ASCII.GetString(buffer, 0, read);
                var reply = word == "ruok" ? "imok" : word + " is not executed because it is not in the whitelist.\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(reply), cts.Token);
            }
        });
        var hostPort = "127.0.0.1:" + ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var host = await HealthTestHost.StartAsync(new()
        {
            ["ZkDashboard:Ensembles:0:Name"] = "locked",
            ["ZkDashboard:Ensembles:0:ConnectString"] = hostPort,
        }, startPolling: false);

        var health = await host.Monitor.PollNowAsync("locked");
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fake);
        Assert.NotNull(health);
        var server = Assert.Single(health.Servers);
        Assert.Equal(ServerStatus.FourLetterWordsDisabled, server.Status);
        Assert.True(server.Ruok);
        Assert.Contains("enable `4lw.commands.whitelist`", server.Error, StringComparison.Ordinal);
        Assert.Equal(EnsembleStatus.Unknown, health.Status);
        Assert.Contains(health.ActiveAlerts, a => a.Kind == AlertKind.FourLetterWordsDisabled);
        Assert.DoesNotContain(health.ActiveAlerts, a => a.Kind is AlertKind.ServerUnreachable or AlertKind.NoQuorum or AlertKind.NoLeader);
    }
}
