using ZkDashboard.Sandbox;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper.Admin;

namespace ZkDashboard.ZooKeeper.Tests.Admin;

/// <summary>Every four-letter word against the real 3-server sandbox ensemble.</summary>
[Collection(AdminEnsembleCollection.Name)]
public sealed class FourLetterWordLiveTests(EnsembleFixture fx)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly FourLetterWordClient _client = new(TimeSpan.FromSeconds(15));

    private IReadOnlyList<SandboxServer> Servers => fx.Ensemble.Servers;

    [Fact]
    public async Task RuokAsync_ReturnsTrue_EveryServer()
    {
        foreach (var s in Servers)
        {
            Assert.True(await _client.RuokAsync(s.HostPort).WaitAsync(Bound), s.HostPort);
        }
    }

    [Fact]
    public async Task SrvrAsync_ReportsOneLeaderAndTwoFollowers_ThreeServerEnsemble()
    {
        await fx.Ensemble.WaitForQuorumAsync(Bound);
        var stats = new List<ServerStats>();
        foreach (var s in Servers)
        {
            stats.Add(await _client.SrvrAsync(s.HostPort).WaitAsync(Bound));
        }

        Assert.Equal(["follower", "follower", "leader"], stats.Select(x => x.Mode).Order(StringComparer.Ordinal));
        Assert.All(stats, x => Assert.StartsWith("3.", x.Version, StringComparison.Ordinal));
        Assert.All(stats, x => Assert.True(x.Epoch > 0, "epoch of a quorum server is positive"));
        Assert.All(stats, x => Assert.True(x.NodeCount >= 4, "at least /, /zookeeper, /zookeeper/quota, /zookeeper/config"));
        var leader = Assert.Single(stats, x => x.Mode == "leader");
        Assert.NotNull(leader.ProposalSizes);
    }

    [Fact]
    public async Task StatAsync_ListsTheFourLetterConnectionItself_AnyServer()
    {
        var stat = await _client.StatAsync(Servers[0].HostPort).WaitAsync(Bound);
        Assert.NotEmpty(stat.Clients);
        Assert.Contains(stat.Clients, c => c.RemoteHost is "127.0.0.1" or "0:0:0:0:0:0:0:1");
        Assert.True(stat.Connections >= 1);
    }

    [Fact]
    public async Task MntrAsync_ReportsLeaderOnlyMetrics_Leader()
    {
        var leader = await fx.Ensemble.WaitForLeaderAsync(Bound);
        await fx.Ensemble.WaitForQuorumAsync(Bound);
        var m = await _client.MntrAsync(leader.HostPort).WaitAsync(Bound);

        Assert.Equal("leader", m.ServerState);
        Assert.Equal(2, m.Followers);
        Assert.Equal(2, m.SyncedFollowers);
        Assert.Equal(3, m.QuorumSize);
        Assert.True(m.ZnodeCount >= 4);
        Assert.NotNull(m.AvgLatency);
        Assert.NotNull(m.P99Latency);
        Assert.True(m.OpenFileDescriptorCount > 0);
        Assert.True(m.Raw.Count > 100, $"3.8 prints hundreds of keys, got {m.Raw.Count}: the reply was read to EOF");
    }

    [Fact]
    public async Task MntrAsync_ParsesEveryReply_TwentyConcurrentCallsAcrossServers()
    {
        var calls = Enumerable.Range(0, 20).Select(i => _client.MntrAsync(Servers[i % Servers.Count].HostPort)).ToArray();
        var results = await Task.WhenAll(calls).WaitAsync(Bound);
        Assert.All(results, m => Assert.True(m.Raw.Count > 100));
        Assert.All(results, m => Assert.Contains(m.ServerState, new[] { "leader", "follower" }));
    }

    [Fact]
    public async Task MntrAsync_HasNoLeaderOnlyMetrics_Follower()
    {
        await fx.Ensemble.WaitForQuorumAsync(Bound);
        var leader = await fx.Ensemble.WaitForLeaderAsync(Bound);
        var follower = Servers.First(s => s.Id != leader.Id);
        var m = await _client.MntrAsync(follower.HostPort).WaitAsync(Bound);
        Assert.Equal("follower", m.ServerState);
        Assert.Null(m.Followers);
    }

    [Fact]
    public async Task ConfAsync_ListsThreeVotersAndOwnId_EveryServer()
    {
        foreach (var s in Servers)
        {
            var c = await _client.ConfAsync(s.HostPort).WaitAsync(Bound);
            Assert.Equal(s.Id, c.ServerId);
            Assert.Equal(s.ClientPort, c.ClientPort);
            Assert.NotNull(c.TickTime);
            Assert.False(string.IsNullOrEmpty(c.DataDir));
            Assert.Equal(3, c.Members.Count);
            Assert.All(c.Members, m => Assert.True(m.IsVoter));
            Assert.Equal(Servers.Select(x => (long)x.Id).Order(), c.Members.Select(m => m.Id));
        }
    }

    [Fact]
    public async Task ConsAsync_ListsSessionOpenedByPeerClient_ServerItIsConnectedTo()
    {
        var server = Servers[1];
        await using var kazoo = await KazooSessionHolder.StartAsync(server.HostPort, EnsembleFixture.NewChrootName(), Bound);

        var cons = await _client.ConsAsync(server.HostPort).WaitAsync(Bound);

        var c = Assert.Single(cons, x => x.SessionId == kazoo.SessionId);
        Assert.Equal(kazoo.SessionIdHex, c.SessionIdHex);
        Assert.True(c.SessionTimeoutMs > 0);
        Assert.True(c.Received > 0);
        Assert.NotNull(c.Established);
        Assert.NotNull(c.LastZxid);
        Assert.Contains(cons, x => x.SessionId is null); // the 4lw connection itself
    }

    [Fact]
    public async Task WchcAndWchp_ShowDataWatchOfPeerClient_ServerItIsConnectedTo()
    {
        var server = Servers[2];
        var path = EnsembleFixture.NewChrootName();
        await using var kazoo = await KazooSessionHolder.StartAsync(server.HostPort, path, Bound);

        var bySession = await _client.WchcAsync(server.HostPort).WaitAsync(Bound);
        var byPath = await _client.WchpAsync(server.HostPort).WaitAsync(Bound);
        var summary = await _client.WchsAsync(server.HostPort).WaitAsync(Bound);

        Assert.Contains(path, bySession[kazoo.SessionIdHex]);
        Assert.Contains(kazoo.SessionIdHex, byPath[path]);
        Assert.True(summary.Connections >= 1);
        Assert.True(summary.WatchedPaths >= 1);
        Assert.True(summary.TotalWatches >= 1);
    }

    [Fact]
    public async Task EnviAsync_ReportsJavaAndZooKeeperVersion_AnyServer()
    {
        var env = await _client.EnviAsync(Servers[0].HostPort).WaitAsync(Bound);
        Assert.StartsWith("3.", env["zookeeper.version"], StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(env["java.version"]));
    }

    [Fact]
    public async Task DirsAsync_ReportsNonNegativeSizes_AnyServer()
    {
        var d = await _client.DirsAsync(Servers[0].HostPort).WaitAsync(Bound);
        Assert.True(d.DataDirSize >= 0);
        Assert.True(d.LogDirSize >= 0);
    }

    [Fact]
    public async Task IsReadOnlyAsync_ReturnsFalse_ServerWithQuorum()
    {
        await fx.Ensemble.WaitForQuorumAsync(Bound);
        Assert.False(await _client.IsReadOnlyAsync(Servers[0].HostPort).WaitAsync(Bound));
    }

    [Fact]
    public async Task SendAsync_ReturnsSameTextAsSandbox_Srvr()
    {
        var ours = await _client.SendAsync(Servers[0].HostPort, "conf").WaitAsync(Bound);
        var sandbox = await Servers[0].SendFourLetterWordAsync("conf").WaitAsync(Bound);
        Assert.Equal(sandbox, ours);
    }
}
