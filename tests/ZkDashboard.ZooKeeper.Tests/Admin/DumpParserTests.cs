using ZkDashboard.ZooKeeper.Admin;

namespace ZkDashboard.ZooKeeper.Tests.Admin;

/// <summary><c>dump</c> replies captured from ZooKeeper 3.8.0 (a 3-server demo sandbox: leader and follower), and hand-made edge cases.</summary>
public sealed class DumpParserTests
{
    [Fact]
    public void ParseDump_ReadsSessionSetsEphemeralsAndConnections_FromLeader()
    {
        var dump = FourLetterWordParsers.ParseDump(CapturedReplies.Read("dump-leader.txt"), "zk3:2181");

        Assert.True(dump.FromLeaderTracker);
        Assert.Equal(10, dump.Sessions.Count);
        var first = dump.Sessions[0];
        Assert.Equal(0x1000024a0b10001L, first.SessionId);
        Assert.Equal("0x1000024a0b10001", first.SessionIdHex);
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 7, 48, 49, TimeSpan.Zero), first.ExpiresAt);
        Assert.Equal("Thu Dec 03 07:48:49 UTC 2026", first.ExpiresAtText);
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 7, 48, 53, TimeSpan.Zero), dump.Sessions.Single(s => s.SessionId == 0x1000024a0b10000L).ExpiresAt);
        Assert.Equal(9, dump.Ephemerals.Count);
        Assert.Equal(["/controller", "/brokers/ids/1"], dump.EphemeralsOf(0x3000024a1d50000L));
        Assert.Equal(["/s4/s4/process/Task-0000000000", "/s4/s4/process/Task-0000000001", "/s4/s4/process/Task-0000000002"], dump.EphemeralsOf(0x2000024a5de0000L));
        Assert.Equal(["/demo/election/checkout-leader/n_0000000000"], dump.EphemeralsOf(0x2000024a5de0001L));
        Assert.Empty(dump.EphemeralsOf(0x1000024a0b10000L));
        Assert.Equal(5, dump.Connections.Count);
        Assert.Equal(new DumpedConnection("127.0.0.1:38562", 0x3000024a1d50003L), dump.Connections[0]);
        Assert.Contains(new DumpedConnection("127.0.0.1:57624", 0), dump.Connections);
    }

    [Fact]
    public void ParseDump_ReadsGlobalSessionsWithTimeouts_FromFollower()
    {
        var dump = FourLetterWordParsers.ParseDump(CapturedReplies.Read("dump-follower.txt"), "zk1:2181");

        Assert.False(dump.FromLeaderTracker);
        Assert.Equal(10, dump.Sessions.Count);
        Assert.All(dump.Sessions, s => Assert.Equal(20000, s.TimeoutMs));
        Assert.All(dump.Sessions, s => Assert.Null(s.ExpiresAt));
        Assert.Equal(0x1000024a0b10000L, dump.Sessions[0].SessionId);
        Assert.Equal(9, dump.Ephemerals.Count);
        Assert.Equal(["/brokers/ids/2"], dump.EphemeralsOf(0x1000024a0b10001L));
    }

    [Fact]
    public void ParseDump_KeepsDateText_WhenZoneIsNotUtc_AndReadsPre36ReplyWithoutConnections()
    {
        const string reply = "SessionTracker dump:\nSession Sets (1)/(1):\n1 expire at Thu Dec 03 08:48:44 CET 2026:\n\t0xff00000000000001\n"
                             + "ephemeral nodes dump:\nSessions with Ephemerals (1):\n0xff00000000000001:\n\t/a b/日本\n";

        var dump = FourLetterWordParsers.ParseDump(reply);

        var session = Assert.Single(dump.Sessions);
        Assert.Equal(unchecked((long)0xff00000000000001UL), session.SessionId);
        Assert.Null(session.ExpiresAt);
        Assert.Equal("Thu Dec 03 08:48:44 CET 2026", session.ExpiresAtText);
        Assert.Equal(["/a b/日本"], dump.EphemeralsOf(session.SessionId));
        Assert.Empty(dump.Connections);
    }

    [Theory]
    [InlineData("SessionTracker dump:\nSession Sets (1)/(1):\n\t0x1\n", "under an 'expire at' line")]
    [InlineData("ephemeral nodes dump:\nSessions with Ephemerals (1):\nnot-a-session:\n", "'0x<session id>:'")]
    [InlineData("ephemeral nodes dump:\nSessions with Ephemerals (1):\n0x1:\n\tno-slash\n", "ephemeral node path")]
    [InlineData("Connections dump:\nConnections Sets (1)/(1):\n1 expire at Thu Dec 03 08:48:44 UTC 2026:\n\tip: x\n", "'ip: /<address> sessionId: 0x<id>'")]
    public void ParseDump_Throws_WithWhatIsWrong_OnMalformedLines(string reply, string expected)
    {
        var ex = Assert.Throws<FourLetterWordFormatException>(() => FourLetterWordParsers.ParseDump(reply, "zk1:2181"));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("zk1:2181", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseDump_Throws_WhenWordIsNotWhitelisted()
        => Assert.Throws<FourLetterWordDisabledException>(() => FourLetterWordParsers.ParseDump("dump" + FourLetterWords.NotWhitelistedSuffix, "zk1:2181"));
}
