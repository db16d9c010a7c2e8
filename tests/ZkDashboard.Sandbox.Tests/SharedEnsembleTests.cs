using ZkDashboard.Testing;

namespace ZkDashboard.Sandbox.Tests;

[Collection(EnsembleCollection.Name)]
public sealed class SharedEnsembleTests(EnsembleFixture fx)
{
    [Fact]
    public async Task StartAsync_FormsQuorum_WithOneLeaderAndTwoFollowers()
    {
        await fx.Ensemble.WaitForQuorumAsync();
        var modes = new List<string?>();
        foreach (var server in fx.Ensemble.Servers)
        {
            var srvr = await server.SendFourLetterWordAsync("srvr");
            Assert.Contains("Zookeeper version: 3.8", srvr, StringComparison.Ordinal);
            modes.Add(await server.GetModeAsync());
        }

        Assert.Equal(1, modes.Count(m => m == "leader"));
        Assert.Equal(2, modes.Count(m => m == "follower"));
    }

    [Fact]
    public void ConnectString_ListsEveryServer_OnLoopback()
    {
        var parts = fx.ConnectString.Split(',');
        Assert.Equal(3, parts.Length);
        Assert.All(parts, p => Assert.StartsWith("127.0.0.1:", p, StringComparison.Ordinal));
        Assert.Equal(fx.Ensemble.Servers.Select(s => s.HostPort), parts);
    }
}
