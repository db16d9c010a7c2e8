using ZkDashboard.Core.Health;

namespace ZkDashboard.Core.Tests.Health;

/// <summary>Parsers over replies recorded from ZooKeeper 3.8.0 (the live paths are covered by the sandbox tests).</summary>
public sealed class FourLetterWordParsersTests
{
    [Fact]
    public void ParseSrvr_ReadsModeZxidAndLatency()
    {
        const string reply = "Zookeeper version: 3.8.0-abc, built on 2024-12-29 17:54 UTC\nLatency min/avg/max: 0/1.5/7\nReceived: 2\nSent: 1\nConnections: 3\nOutstanding: 4\nZxid: 0x100000003\nMode: leader\nNode count: 5\n";
        var srvr = FourLetterWordParsers.ParseSrvr(reply);
        Assert.Equal("leader", srvr.Mode);
        Assert.Equal(0x100000003L, srvr.Zxid);
        Assert.Equal((0d, 1.5d, 7d), (srvr.LatencyMin!.Value, srvr.LatencyAvg!.Value, srvr.LatencyMax!.Value));
        Assert.Equal(4, srvr.Outstanding);
        Assert.Equal(5, srvr.NodeCount);
        Assert.StartsWith("3.8.0", srvr.Version, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseConf_ReadsServersRolesAndServerId()
    {
        const string reply = "clientPort=2181\nserverId=2\nserver.1=127.0.0.1:2888:3888:participant;0.0.0.0:2181\nserver.2=127.0.0.1:2889:3889:participant;0.0.0.0:2182\nserver.3=127.0.0.1:2890:3890:observer;0.0.0.0:2183\nversion=100000000\n";
        var conf = FourLetterWordParsers.ParseConf(reply);
        Assert.Equal(2, conf.ServerId);
        Assert.Equal([1, 2, 3], conf.Servers.Select(s => s.Id));
        Assert.Equal(2, conf.Servers.Count(s => s.IsVoter));
        Assert.Equal("0.0.0.0:2183", conf.Servers[2].ClientAddress);
    }

    [Fact]
    public void ParseMntrAndWchsAndCons_ReadValues()
    {
        var mntr = FourLetterWordParsers.ParseMntr("zk_version\t3.8.0-x, built on 2024\nzk_server_state\tfollower\nzk_avg_latency\t0.5\nzk_znode_count\t42\n");
        Assert.Equal("follower", mntr["zk_server_state"]);
        var numeric = FourLetterWordParsers.Numeric(mntr);
        Assert.Equal(42, numeric["zk_znode_count"]);
        Assert.False(numeric.ContainsKey("zk_version"));

        var wchs = FourLetterWordParsers.ParseWchs("2 connections watching 7 paths\nTotal watches:9\n");
        Assert.Equal((2L, 7L, 9L), (wchs.Connections!.Value, wchs.Paths!.Value, wchs.TotalWatches!.Value));
        Assert.Equal(2, FourLetterWordParsers.CountConnections(" /127.0.0.1:50044[0](queued=0,recved=1,sent=0)\n /127.0.0.1:50045[1](queued=0)\n\n"));
    }

    [Fact]
    public void AlertConditions_FlagThresholdsAndDisabledWords()
    {
        var servers = new[]
        {
            new ServerHealth { HostPort = "a:1", Status = ServerStatus.Up, Mode = "leader", Zxid = 5000, LatencyAvg = 500, Outstanding = 99, OpenFileDescriptors = 95, MaxFileDescriptors = 100 },
            new ServerHealth { HostPort = "b:1", Status = ServerStatus.Up, Mode = "follower", Zxid = 10, DisabledCommands = ["cons"] },
            new ServerHealth { HostPort = "c:1", Status = ServerStatus.Unreachable, Error = "refused" },
        };
        var health = EnsembleHealthBuilder.Build("e", servers, DateTimeOffset.UnixEpoch, TimeSpan.Zero);
        var kinds = EnsembleHealthBuilder.Conditions(health, new HealthThresholds()).Select(c => (c.Server, c.Kind)).ToHashSet();

        Assert.Equal("a:1", health.Leader);
        Assert.Equal(4990, health.Servers[1].ZxidLag);
        Assert.Equal(3, health.Quorum.Voters);
        Assert.Equal(0, health.Quorum.FailuresToleratedNow);
        Assert.Contains(("a:1", AlertKind.LatencyHigh), kinds);
        Assert.Contains(("a:1", AlertKind.OutstandingHigh), kinds);
        Assert.Contains(("a:1", AlertKind.FdUsageHigh), kinds);
        Assert.Contains(("b:1", AlertKind.ZxidLagHigh), kinds);
        Assert.Contains(("b:1", AlertKind.FourLetterWordsDisabled), kinds);
        Assert.Contains(("c:1", AlertKind.ServerUnreachable), kinds);
        Assert.DoesNotContain(kinds, k => k.Kind is AlertKind.NoQuorum or AlertKind.NoLeader);
    }

    [Theory]
    [InlineData(0x1_0000_0010L, 0x1_0000_0004L, 12)]
    [InlineData(0x2_0000_0003L, 0x1_0000_0050L, 3)]
    [InlineData(0x2_0000_0000L, 0x1_0000_0050L, 0)]
    [InlineData(0x1_0000_0003L, 0x2_0000_0001L, 0)]
    public void ZxidLag_CountsTransactions_AcrossEpochs(long leader, long server, long expected)
        => Assert.Equal(expected, EnsembleHealthBuilder.ZxidLag(leader, server));

    [Fact]
    public void AlertTracker_RaisesKeepsAndResolves_WithTimestamps()
    {
        var tracker = new AlertTracker(10);
        var t0 = DateTimeOffset.UnixEpoch;
        var cond = new EnsembleHealthBuilder.AlertCondition("a:1", AlertKind.ServerUnreachable, AlertSeverity.Critical, "down");
        var first = Assert.Single(tracker.Apply("e", [cond], t0));
        var second = Assert.Single(tracker.Apply("e", [cond], t0.AddSeconds(5)));
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(t0.AddSeconds(5), second.LastSeenAt);
        Assert.Empty(tracker.Apply("e", [], t0.AddSeconds(10)));
        var resolved = Assert.Single(tracker.History("e"));
        Assert.Equal(t0, resolved.RaisedAt);
        Assert.Equal(t0.AddSeconds(10), resolved.ResolvedAt);
        Assert.False(resolved.IsActive);
    }
}
