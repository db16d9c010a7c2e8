using ZkDashboard.Sandbox;
using ZkDashboard.ZooKeeper.Admin;

namespace ZkDashboard.ZooKeeper.Tests.Admin;

/// <summary>
/// A real server whose whitelist allows only srvr (and ruok, which the sandbox needs to see the server start).
/// </summary>
[Collection(AdminEnsembleCollection.Name)]
public sealed class FourLetterWordDisabledLiveTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task MntrAsync_ThrowsDisabledNamingWhitelist_ServerWhitelistsOnlySrvrAndRuok()
    {
        await using var sandbox = await SandboxEnsemble.StartAsync(new SandboxOptions
        {
            Servers = 1,
            ExtraConfig = new Dictionary<string, string> { ["4lw.commands.whitelist"] = "srvr,ruok" },
        }).WaitAsync(Bound);
        var hostPort = sandbox.Servers[0].HostPort;
        var client = new FourLetterWordClient(TimeSpan.FromSeconds(15));

        var srvr = await client.SrvrAsync(hostPort).WaitAsync(Bound);
        var ex = await Assert.ThrowsAsync<FourLetterWordDisabledException>(() => client.MntrAsync(hostPort).WaitAsync(Bound));
        var cons = await Assert.ThrowsAsync<FourLetterWordDisabledException>(() => client.ConsAsync(hostPort).WaitAsync(Bound));

        Assert.Contains(srvr.Mode, new[] { "standalone", "leader" });
        Assert.Equal("mntr", ex.Word);
        Assert.Equal(hostPort, ex.HostPort);
        Assert.Contains("4lw.commands.whitelist", ex.Message, StringComparison.Ordinal);
        Assert.Contains(hostPort, ex.Message, StringComparison.Ordinal);
        Assert.Equal("cons", cons.Word);
        Assert.True(await client.RuokAsync(hostPort).WaitAsync(Bound));
    }
}
