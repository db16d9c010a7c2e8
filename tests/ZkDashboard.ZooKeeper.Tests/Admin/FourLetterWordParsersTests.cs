using ZkDashboard.ZooKeeper.Admin;

namespace ZkDashboard.ZooKeeper.Tests.Admin;

public sealed class FourLetterWordParsersTests
{
    private const string Server = "10.1.2.3:2181";

    [Fact]
    public void ParseStat_ReadsEveryField_LeaderSrvr()
    {
        var s = FourLetterWordParsers.ParseStat(CapturedReplies.Read("srvr-leader.txt"), Server);
        Assert.StartsWith("3.8.0", s.Version, StringComparison.Ordinal);
        Assert.Equal("leader", s.Mode);
        Assert.False(s.IsReadOnly);
        Assert.Equal(0x100000007L, s.Zxid);
        Assert.Equal(1, s.Epoch);
        Assert.Equal(7, s.Counter);
        Assert.Equal(0, s.MinLatency);
        Assert.Equal(6.3846, s.AvgLatency, 4);
        Assert.Equal(26, s.MaxLatency);
        Assert.Equal(16, s.Received);
        Assert.Equal(16, s.Sent);
        Assert.Equal(2, s.Connections);
        Assert.Equal(0, s.Outstanding);
        Assert.Equal(7, s.NodeCount);
        Assert.Equal(new ProposalSizes(162, 36, 162), s.ProposalSizes);
        Assert.Empty(s.Clients);
    }

    [Theory]
    [InlineData("srvr-follower.txt", "follower", false)]
    [InlineData("srvr-standalone.txt", "standalone", false)]
    [InlineData("srvr-read-only.txt", "read-only", true)]
    public void ParseStat_ReadsModeAndReadOnly_OtherRoles(string file, string mode, bool readOnly)
    {
        var s = FourLetterWordParsers.ParseStat(CapturedReplies.Read(file), Server);
        Assert.Equal(mode, s.Mode);
        Assert.Equal(readOnly, s.IsReadOnly);
        Assert.Null(s.ProposalSizes);
    }

    [Fact]
    public void ParseStat_ListsClients_StatReply()
    {
        var s = FourLetterWordParsers.ParseStat(CapturedReplies.Read("stat-leader.txt"), Server, FourLetterWords.Stat);
        Assert.Equal(2, s.Clients.Count);
        var kazoo = s.Clients[1];
        Assert.Equal("127.0.0.1", kazoo.RemoteHost);
        Assert.Equal(53184, kazoo.RemotePort);
        Assert.Equal(13, kazoo.Received);
        Assert.Equal(14, kazoo.Sent);
        Assert.Null(kazoo.SessionId);
        Assert.Equal("leader", s.Mode);
        Assert.Equal(17, s.Received);
    }

    [Fact]
    public void ParseStat_ThrowsNotServing_ServerWithoutQuorum()
    {
        var ex = Assert.Throws<FourLetterWordNotServingException>(
            () => FourLetterWordParsers.ParseStat(CapturedReplies.Read("srvr-not-serving.txt"), Server));
        Assert.Equal(Server, ex.HostPort);
        Assert.Contains(Server, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseStat_ThrowsFormat_TruncatedReply()
    {
        var text = CapturedReplies.Read("srvr-leader.txt");
        var cut = text[..text.IndexOf("Mode:", StringComparison.Ordinal)];
        var ex = Assert.Throws<FourLetterWordFormatException>(() => FourLetterWordParsers.ParseStat(cut, Server));
        Assert.Contains("Mode", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseMntr_ReadsTypedMetrics_Leader38()
    {
        var m = FourLetterWordParsers.ParseMntr(CapturedReplies.Read("mntr-leader.txt"), Server);
        Assert.Equal("leader", m.ServerState);
        Assert.Equal("leading - broadcast", m.PeerState);
        Assert.StartsWith("3.8.0", m.Version, StringComparison.Ordinal);
        Assert.Equal(6.3846, m.AvgLatency!.Value, 4);
        Assert.Equal(0, m.MinLatency);
        Assert.Equal(26, m.MaxLatency);
        Assert.Equal(7, m.ZnodeCount);
        Assert.Equal(2, m.WatchCount);
        Assert.Equal(0, m.EphemeralsCount);
        Assert.Equal(292, m.ApproximateDataSize);
        Assert.Equal(46, m.OpenFileDescriptorCount);
        Assert.Equal(20000, m.MaxFileDescriptorCount);
        Assert.Equal(2, m.Followers);
        Assert.Equal(2, m.SyncedFollowers);
        Assert.Equal(0, m.PendingSyncs);
        Assert.Equal(3, m.QuorumSize);
        Assert.Equal(2, m.NumAliveConnections);
        Assert.Equal(18, m.PacketsReceived);
        Assert.Equal(18, m.PacketsSent);
        Assert.Equal(0, m.OutstandingRequests);
        Assert.Equal(26, m.P99UpdateLatency);
        Assert.NotNull(m.P99ReadLatency);
        Assert.Equal(Math.Max(m.P99ReadLatency!.Value, 26), m.P99Latency);
        Assert.Equal(539, m.Raw.Count);
        Assert.Equal("0.8125", m.Raw["zk_avg_proposal_process_time"]);
        Assert.Equal(0.8125, m.GetNumber("avg_proposal_process_time"));
    }

    [Fact]
    public void ParseMntr_HasNoLeaderOnlyKeys_Follower()
    {
        var m = FourLetterWordParsers.ParseMntr(CapturedReplies.Read("mntr-follower.txt"), Server);
        Assert.Equal("follower", m.ServerState);
        Assert.Null(m.Followers);
        Assert.Null(m.SyncedFollowers);
        Assert.Null(m.PendingSyncs);
        Assert.Equal(502, m.Raw.Count);
    }

    [Fact]
    public void ParseMntr_ReadsLegacyKeys_ZooKeeper35Format()
    {
        // The 3.5 layout (integers, zk_followers, no summaries), as printed by 3.5.x leaders.
        const string text =
            "zk_version\t3.5.9-83df9301aa5c2a5d284a9940177808c01bc35cef, built on 01/06/2021 19:49 GMT\n" +
            "zk_avg_latency\t3\nzk_max_latency\t250\nzk_min_latency\t0\n" +
            "zk_packets_received\t1000\nzk_packets_sent\t999\nzk_num_alive_connections\t4\n" +
            "zk_outstanding_requests\t0\nzk_server_state\tleader\nzk_znode_count\t42\nzk_watch_count\t5\n" +
            "zk_ephemerals_count\t3\nzk_approximate_data_size\t1234\nzk_open_file_descriptor_count\t60\n" +
            "zk_max_file_descriptor_count\t4096\nzk_fsync_threshold_exceed_count\t1\n" +
            "zk_followers\t4\nzk_synced_followers\t4\nzk_pending_syncs\t0\n" +
            "zk_last_proposal_size\t100\nzk_max_proposal_size\t200\nzk_min_proposal_size\t50\n";
        var m = FourLetterWordParsers.ParseMntr(text, Server);
        Assert.Equal(3, m.AvgLatency);
        Assert.Equal(4, m.Followers);
        Assert.Equal(4, m.SyncedFollowers);
        Assert.Equal(1, m.FsyncThresholdExceedCount);
        Assert.Null(m.P99Latency);
        Assert.Null(m.QuorumSize);
    }

    [Fact]
    public void ParseMntr_PrefersExplicitP99_WhenServerPrintsIt()
    {
        var m = FourLetterWordParsers.ParseMntr("zk_server_state\tfollower\nzk_p99_latency\t12.5\nzk_p99_readlatency\t3\n", Server);
        Assert.Equal(12.5, m.P99Latency);
        Assert.Equal(3, m.P99ReadLatency);
    }

    [Fact]
    public void ParseMntr_ThrowsFormat_ReplyCutMidLine()
    {
        var text = CapturedReplies.Read("mntr-leader.txt");
        var cut = text[..(text.Length / 2)];
        if (cut.EndsWith('\n'))
        {
            cut = cut[..^1];
        }

        var ex = Assert.Throws<FourLetterWordFormatException>(() => FourLetterWordParsers.ParseMntr(cut, Server));
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
        Assert.Equal(Server, ex.HostPort);
    }

    [Fact]
    public void ParseMntr_ThrowsDisabledNamingWhitelist_WordNotWhitelisted()
    {
        var ex = Assert.Throws<FourLetterWordDisabledException>(
            () => FourLetterWordParsers.ParseMntr(CapturedReplies.Read("mntr-disabled.txt"), Server));
        Assert.Equal("mntr", ex.Word);
        Assert.Contains("4lw.commands.whitelist", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Server, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseMntr_ReadsReadOnlyState_ReadOnlyServer()
    {
        var m = FourLetterWordParsers.ParseMntr(CapturedReplies.Read("mntr-read-only.txt"), Server);
        Assert.Equal("read-only", m.ServerState);
    }

    [Fact]
    public void ParseConf_ReadsSettingsAndMembership_QuorumServer()
    {
        var c = FourLetterWordParsers.ParseConf(CapturedReplies.Read("conf-quorum.txt"), Server);
        Assert.Equal(26383, c.ClientPort);
        Assert.Equal(-1, c.SecureClientPort);
        Assert.Equal("/tmp/admcap/d3/version-2", c.DataDir);
        Assert.Equal("/tmp/admcap/d3/version-2", c.DataLogDir);
        Assert.Equal(67109477, c.DataDirSize);
        Assert.Equal(200, c.TickTime);
        Assert.Equal(60, c.MaxClientCnxns);
        Assert.Equal(400, c.MinSessionTimeout);
        Assert.Equal(4000, c.MaxSessionTimeout);
        Assert.Equal(3, c.ServerId);
        Assert.Equal(10, c.InitLimit);
        Assert.Equal(5, c.SyncLimit);
        Assert.Equal(3, c.ElectionAlg);
        Assert.Equal(28383, c.ElectionPort);
        Assert.Equal(27383, c.QuorumPort);
        Assert.Equal(0, c.PeerType);
        Assert.Equal("0", c.ConfigVersion);
        Assert.True(c.IsQuorum);
        Assert.Equal([1L, 2L, 3L], c.Members.Select(m => m.Id));
        var m2 = c.Members[1];
        Assert.Equal("127.0.0.1", m2.Host);
        Assert.Equal(27382, m2.QuorumPort);
        Assert.Equal(28382, m2.ElectionPort);
        Assert.Equal(QuorumRole.Participant, m2.Role);
        Assert.True(m2.IsVoter);
        Assert.Null(m2.ClientPort);
        Assert.Equal("127.0.0.1:27382:28382:participant", c.Raw["server.2"]);
    }

    [Fact]
    public void ParseConf_HasNoMembers_Standalone()
    {
        var c = FourLetterWordParsers.ParseConf(CapturedReplies.Read("conf-standalone.txt"), Server);
        Assert.False(c.IsQuorum);
        Assert.Equal(26391, c.ClientPort);
        Assert.Equal(0, c.ServerId);
        Assert.Null(c.ConfigVersion);
    }

    [Theory]
    [InlineData("10.0.0.1:2888:3888:observer;0.0.0.0:2181", "10.0.0.1", 2888, 3888, QuorumRole.Observer, "0.0.0.0", 2181)]
    [InlineData("zk1.example.com:2888:3888;2181", "zk1.example.com", 2888, 3888, QuorumRole.Participant, null, 2181)]
    [InlineData("[2001:db8::1]:2888:3888:participant;[2001:db8::1]:2181", "2001:db8::1", 2888, 3888, QuorumRole.Participant, "2001:db8::1", 2181)]
    [InlineData("10.0.0.1:2888:3888|10.0.1.1:2888:3888:participant", "10.0.0.1", 2888, 3888, QuorumRole.Participant, null, null)]
    public void ParseQuorumMember_ReadsAddressRoleAndClientPort_DynamicConfigLines(
        string spec, string host, int quorumPort, int electionPort, QuorumRole role, string? clientHost, int? clientPort)
    {
        var m = FourLetterWordParsers.ParseQuorumMember("server.7", spec, Server);
        Assert.Equal(7, m.Id);
        Assert.Equal(host, m.Host);
        Assert.Equal(quorumPort, m.QuorumPort);
        Assert.Equal(electionPort, m.ElectionPort);
        Assert.Equal(role, m.Role);
        Assert.Equal(clientHost, m.ClientHost);
        Assert.Equal(clientPort, m.ClientPort);
    }

    [Fact]
    public void ParseQuorumMember_ThrowsFormat_MissingElectionPort()
    {
        var ex = Assert.Throws<FourLetterWordFormatException>(() => FourLetterWordParsers.ParseQuorumMember("server.1", "10.0.0.1:2888", Server));
        Assert.Contains("server.1=10.0.0.1:2888", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseCons_ReadsSessionFields_CapturedReply()
    {
        var list = FourLetterWordParsers.ParseCons(CapturedReplies.Read("cons.txt"), Server);
        Assert.Equal(2, list.Count);
        var self = list[0];
        Assert.Null(self.SessionId);
        Assert.Equal(56830, self.RemotePort);
        Assert.Equal(0, self.InterestOps);

        var c = list[1];
        Assert.Equal("127.0.0.1:53184", c.RemoteAddress);
        Assert.Equal("127.0.0.1", c.RemoteHost);
        Assert.Equal(53184, c.RemotePort);
        Assert.Equal(1, c.InterestOps);
        Assert.Equal(0, c.Queued);
        Assert.Equal(13, c.Received);
        Assert.Equal(14, c.Sent);
        Assert.Equal(0x3000004d9190000L, c.SessionId);
        Assert.Equal("0x3000004d9190000", c.SessionIdHex);
        Assert.Equal("PING", c.LastOperation);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795267473889), c.Established);
        Assert.Equal(4000, c.SessionTimeoutMs);
        Assert.Equal(9, c.LastCxid);
        Assert.Equal(0x100000007L, c.LastZxid);
        Assert.Equal(331088, c.LastResponse);
        Assert.Equal(1, c.LastLatency);
        Assert.Equal(0, c.MinLatency);
        Assert.Equal(6, c.AvgLatency);
        Assert.Equal(26, c.MaxLatency);
    }

    [Fact]
    public void ParseConnectionLine_ReadsIpv6AndNegativeZxid_WithoutCxid()
    {
        var c = FourLetterWordParsers.ParseConnectionLine(
            " /0:0:0:0:0:0:0:1:40404[1](queued=2,recved=3,sent=4,sid=0xffffffffffff0001,lop=NA,est=1700000000000,to=30000,lzxid=0xffffffffffffffff,lresp=0,llat=0,minlat=0,avglat=0,maxlat=0)");
        Assert.Equal("0:0:0:0:0:0:0:1", c.RemoteHost);
        Assert.Equal(40404, c.RemotePort);
        Assert.Equal(2, c.Queued);
        Assert.Equal(-1, c.LastZxid);
        Assert.Null(c.LastCxid);
        Assert.Equal(unchecked((long)0xffffffffffff0001UL), c.SessionId);
        Assert.Equal("NA", c.LastOperation);
    }

    [Fact]
    public void ParseConnectionLine_ThrowsFormat_LineCutBeforeClosingParen()
    {
        Assert.Throws<FourLetterWordFormatException>(
            () => FourLetterWordParsers.ParseConnectionLine(" /127.0.0.1:1[1](queued=0,recved=1,se"));
    }

    [Fact]
    public void ParseWchs_ReadsCounts_CapturedReply()
    {
        Assert.Equal(new WatchSummary(1, 2, 2), FourLetterWordParsers.ParseWchs(CapturedReplies.Read("wchs.txt"), Server));
    }

    [Fact]
    public void ParseWatchListing_GroupsBySession_Wchc()
    {
        var map = FourLetterWordParsers.ParseWatchListing(CapturedReplies.Read("wchc.txt"), FourLetterWords.Wchc, Server);
        var (session, paths) = Assert.Single(map);
        Assert.Equal("0x1000004d8ef0000", session);
        Assert.Equal(["/cap/a", "/cap/none"], paths);
    }

    [Fact]
    public void ParseWatchListing_GroupsByPath_Wchp()
    {
        var map = FourLetterWordParsers.ParseWatchListing(CapturedReplies.Read("wchp.txt"), FourLetterWords.Wchp, Server);
        Assert.Equal(["/cap/a", "/cap/none"], map.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["0x1000004d8ef0000"], map["/cap/a"]);
    }

    [Fact]
    public void ParseEnvi_KeepsValuesWithEquals_CapturedReply()
    {
        var env = FourLetterWordParsers.ParseEnvi(CapturedReplies.Read("envi.txt"), Server);
        Assert.Equal("17.0.15", env["java.version"]);
        Assert.StartsWith("3.8.0", env["zookeeper.version"], StringComparison.Ordinal);
        Assert.Equal("/tmp/admcap", env["user.dir"]);
        Assert.DoesNotContain("Environment:", env.Keys);
    }

    [Fact]
    public void ParseDirs_ReadsBothSizes_CapturedReply()
    {
        Assert.Equal(new DataDirSizes(67109477, 67109477), FourLetterWordParsers.ParseDirs(CapturedReplies.Read("dirs.txt"), Server));
    }

    [Fact]
    public void ParseIsro_MapsRoRwAndNull_CapturedReplies()
    {
        Assert.False(FourLetterWordParsers.ParseIsro(CapturedReplies.Read("isro-rw.txt"), Server));
        Assert.True(FourLetterWordParsers.ParseIsro(CapturedReplies.Read("isro-ro.txt"), Server));
        Assert.Throws<FourLetterWordNotServingException>(() => FourLetterWordParsers.ParseIsro(CapturedReplies.Read("isro-not-serving.txt"), Server));
    }

    [Fact]
    public void ParseRuok_TrueOnlyForImok()
    {
        Assert.True(FourLetterWordParsers.ParseRuok(CapturedReplies.Read("ruok.txt"), Server));
        Assert.False(FourLetterWordParsers.ParseRuok("", Server));
    }

    [Fact]
    public void IsDisabledReply_ExtractsWord_RefusalText()
    {
        Assert.True(FourLetterWordParsers.IsDisabledReply("wchc is not executed because it is not in the whitelist.\n", out var w));
        Assert.Equal("wchc", w);
        Assert.False(FourLetterWordParsers.IsDisabledReply("imok", out _));
    }
}
