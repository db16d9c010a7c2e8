using System.Text;
using ZkDashboard.ZooKeeper.Protocol;
using ZkDashboard.ZooKeeper.Protocol.Records;
using static ZkDashboard.ZooKeeper.Tests.Unit.Bytes;

namespace ZkDashboard.ZooKeeper.Tests.Unit;

/// <summary>Each jute record against bytes worked out by hand from zookeeper.jute.</summary>
public sealed class SerializationTests
{
    private const string WorldAnyoneAll = "0000001f 00000005 776f726c64 00000006 616e796f6e65";

    [Fact]
    public void RequestHeader_WritesXidThenType_BigEndian()
    {
        using var buffer = new FrameBuffer(16);
        var w = new JuteWriter(buffer);
        new RequestHeader(5, OpCode.GetData).Write(ref w);
        Assert.Equal(Norm("00000005 00000004"), ToHex(buffer.WrittenSpan));
    }

    [Fact]
    public void Frame_PrefixesBodyLength_ForPing()
    {
        using var buffer = new FrameBuffer(16);
        var start = buffer.BeginFrame();
        var w = new JuteWriter(buffer);
        new RequestHeader(Xids.Ping, OpCode.Ping).Write(ref w);
        Assert.Equal(8, buffer.EndFrame(start));
        Assert.Equal(Norm("00000008 fffffffe 0000000b"), ToHex(buffer.WrittenSpan));
    }

    [Fact]
    public void ConnectRequest_WritesAllFieldsAndReadOnlyFlag()
    {
        using var buffer = new FrameBuffer(16);
        var w = new JuteWriter(buffer);
        new ConnectRequest(0, 0x10, 30000, 0x1234, new byte[16], true).Write(ref w);
        Assert.Equal(Norm("00000000 0000000000000010 00007530 0000000000001234 00000010" + new string('0', 32) + " 01"), ToHex(buffer.WrittenSpan));
    }

    [Fact]
    public void ConnectResponse_ReadsFieldsAndOptionalReadOnly()
    {
        var bytes = Hex("00000000 00001770 0000000000000abc 00000002 0102 01");
        var r = new JuteReader(bytes);
        var resp = ConnectResponse.Read(ref r);
        Assert.Equal(6000, resp.TimeOut);
        Assert.Equal(0xabc, resp.SessionId);
        Assert.Equal(new byte[] { 1, 2 }, resp.Passwd);
        Assert.True(resp.ReadOnly);

        var old = Hex("00000000 00001770 0000000000000abc 00000000");
        var r2 = new JuteReader(old);
        Assert.False(ConnectResponse.Read(ref r2).ReadOnly);
    }

    [Fact]
    public void GetDataRequest_WritesPathAndWatchFlag() =>
        Assert.Equal(Norm("00000002 2f61 01"), Write(new GetDataRequest("/a", true)));

    [Fact]
    public void ExistsRequest_WritesPathAndWatchFlag() =>
        Assert.Equal(Norm("00000002 2f61 00"), Write(new ExistsRequest("/a", false)));

    [Fact]
    public void GetChildren2Request_WritesPathAndWatchFlag() =>
        Assert.Equal(Norm("00000002 2f61 01"), Write(new GetChildren2Request("/a", true)));

    [Fact]
    public void DeleteRequest_WritesPathAndVersion() =>
        Assert.Equal(Norm("00000003 2f6162 00000003"), Write(new DeleteRequest("/ab", 3)));

    [Fact]
    public void SetDataRequest_WritesPathDataVersion() =>
        Assert.Equal(Norm("00000002 2f61 00000002 0102 ffffffff"), Write(new SetDataRequest("/a", new byte[] { 1, 2 }, -1)));

    [Fact]
    public void CreateRequest_WritesAclAndFlags_ForEphemeral()
    {
        var req = new CreateRequest("/a", "x"u8.ToArray(), Acls.OpenUnsafe, CreateMode.Ephemeral, 0);
        Assert.Equal(OpCode.Create2, req.OpCode);
        Assert.Equal(Norm("00000002 2f61 00000001 78 00000001" + WorldAnyoneAll + "00000001"), Write(req));
    }

    [Fact]
    public void CreateRequest_AppendsTtlAndUsesCreateTtl_ForTtlModes()
    {
        var req = new CreateRequest("/a", default, Acls.OpenUnsafe, CreateMode.PersistentSequentialWithTtl, 1000);
        Assert.Equal(OpCode.CreateTtl, req.OpCode);
        Assert.Equal(Norm("00000002 2f61 00000000 00000001" + WorldAnyoneAll + "00000006 00000000000003e8"), Write(req));
    }

    [Fact]
    public void CreateRequest_UsesCreateContainer_ForContainer()
    {
        var req = new CreateRequest("/a", default, Acls.OpenUnsafe, CreateMode.Container, 0);
        Assert.Equal(OpCode.CreateContainer, req.OpCode);
        Assert.EndsWith("00000004", Write(req), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CreateMode.Persistent, 0)]
    [InlineData(CreateMode.Ephemeral, 1)]
    [InlineData(CreateMode.PersistentSequential, 2)]
    [InlineData(CreateMode.EphemeralSequential, 3)]
    [InlineData(CreateMode.Container, 4)]
    [InlineData(CreateMode.PersistentWithTtl, 5)]
    [InlineData(CreateMode.PersistentSequentialWithTtl, 6)]
    public void CreateMode_ToFlag_MatchesZooKeeper(CreateMode mode, int flag) => Assert.Equal(flag, mode.ToFlag());

    [Fact]
    public void SetAclRequest_WritesAclVectorAndVersion()
    {
        var acl = new[] { new Acl(Perms.Read | Perms.Admin, new Id("ip", "10.0.0.0/8")) };
        Assert.Equal(Norm("00000002 2f61 00000001 00000011 00000002 6970 0000000a 31302e302e302e302f38 00000007"), Write(new SetAclRequest("/a", acl, 7)));
    }

    [Fact]
    public void GetAclRequest_WritesPath() => Assert.Equal(Norm("00000002 2f61"), Write(new GetAclRequest("/a")));

    [Fact]
    public void SyncRequest_WritesPath() => Assert.Equal(Norm("00000002 2f61"), Write(new SyncRequest("/a")));

    [Fact]
    public void AddWatchRequest_WritesPathAndMode() =>
        Assert.Equal(Norm("00000002 2f61 00000001"), Write(new AddWatchRequest("/a", AddWatchMode.PersistentRecursive)));

    [Fact]
    public void RemoveWatchesRequest_WritesPathAndType()
    {
        var req = new WatchesRequest(OpCode.RemoveWatches, "/a", WatcherType.Any);
        Assert.Equal(OpCode.RemoveWatches, req.OpCode);
        Assert.Equal(Norm("00000002 2f61 00000003"), Write(req));
    }

    [Fact]
    public void ReconfigRequest_WritesNullStringsAsMinusOne() =>
        Assert.Equal(Norm("00000001 61 ffffffff ffffffff ffffffffffffffff"), Write(new ReconfigRequest("a", null, null, -1)));

    [Fact]
    public void AuthPacket_WritesTypeSchemeAuth() =>
        Assert.Equal(Norm("00000000 00000006 646967657374 00000003 613a62"), Write(new AuthPacket(0, "digest", "a:b"u8.ToArray())));

    [Fact]
    public void SetWatches2_WritesFiveVectors() =>
        Assert.Equal(Norm("0000000000000009 00000001 00000002 2f61 00000000 00000000 00000000 00000001 00000001 2f"),
            Write(new SetWatches2(9, ["/a"], [], [], [], ["/"])));

    [Fact]
    public void GetEphemeralsAndAllChildrenNumber_WritePath()
    {
        Assert.Equal(Norm("00000001 2f"), Write(new GetEphemeralsRequest("/")));
        Assert.Equal(Norm("00000002 2f61"), Write(new GetAllChildrenNumberRequest("/a")));
    }

    [Fact]
    public void MultiRequest_WritesHeadersAndTerminator()
    {
        var req = new MultiRequest([Op.Check("/a", 2), Op.Delete("/b", -1)], false, Chroot.None);
        Assert.Equal(OpCode.Multi, req.OpCode);
        Assert.Equal(Norm(
            "0000000d 00 ffffffff 00000002 2f61 00000002" +
            "00000002 00 ffffffff 00000002 2f62 ffffffff" +
            "ffffffff 01 ffffffff"), Write(req));
    }

    [Fact]
    public void MultiRequest_PrefixesChroot_InEveryOp()
    {
        var req = new MultiRequest([Op.GetData("/a")], true, new Chroot("/c"));
        Assert.Equal(OpCode.MultiRead, req.OpCode);
        Assert.Equal(Norm("00000004 00 ffffffff 00000004 2f632f61 00 ffffffff 01 ffffffff"), Write(req));
    }

    private static readonly string StatHex =
        "0000000000000001 0000000000000002 0000000000000003 0000000000000004 00000005 00000006 00000007 0000000000000008 00000009 0000000a 000000000000000b";

    private static readonly Stat ExpectedStat = new(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);

    [Fact]
    public void Stat_ReadsElevenFieldsInJuteOrder()
    {
        var r = new JuteReader(Hex(StatHex));
        Assert.Equal(ExpectedStat, r.ReadStat());
        Assert.Equal(0, r.Remaining);
    }

    [Fact]
    public void Stat_RoundTrips()
    {
        using var buffer = new FrameBuffer(16);
        var w = new JuteWriter(buffer);
        w.WriteStat(ExpectedStat);
        Assert.Equal(Norm(StatHex), ToHex(buffer.WrittenSpan));
    }

    [Fact]
    public void ReplyHeader_ReadsXidZxidErr()
    {
        var r = new JuteReader(Hex("00000007 0000000000000100 ffffff9b"));
        Assert.Equal(new ReplyHeader(7, 256, ErrorCode.NoNode), ReplyHeader.Read(ref r));
    }

    [Fact]
    public void WatcherEvent_ReadsTypeStatePath()
    {
        var r = new JuteReader(Hex("00000003 00000003 00000002 2f61"));
        Assert.Equal(new WatcherEvent(EventType.NodeDataChanged, KeeperState.SyncConnected, "/a"), WatcherEvent.Read(ref r));
    }

    [Fact]
    public void GetDataResponse_ReadsDataAndStat()
    {
        var r = new JuteReader(Hex("00000002 6869" + StatHex));
        var result = new GetDataRequest("/a", false).ReadReply(ref r, Chroot.None);
        Assert.Equal("hi", Encoding.UTF8.GetString(result.Data));
        Assert.Equal(ExpectedStat, result.Stat);
    }

    [Fact]
    public void GetDataResponse_ReadsNullDataAsEmpty()
    {
        var r = new JuteReader(Hex("ffffffff" + StatHex));
        Assert.Empty(new GetDataRequest("/a", false).ReadReply(ref r, Chroot.None).Data);
    }

    [Fact]
    public void Create2Response_StripsChroot()
    {
        var r = new JuteReader(Hex("00000006 2f632f612d31" + StatHex));
        var result = new CreateRequest("/c/a-1", default, Acls.OpenUnsafe, CreateMode.Persistent, 0).ReadReply(ref r, new Chroot("/c"));
        Assert.Equal("/a-1", result.Path);
    }

    [Fact]
    public void GetChildren2Response_ReadsNamesAndStat()
    {
        var r = new JuteReader(Hex("00000002 00000001 78 00000002 7979" + StatHex));
        var result = new GetChildren2Request("/", false).ReadReply(ref r, Chroot.None);
        Assert.Equal(["x", "yy"], result.Children);
        Assert.Equal(ExpectedStat, result.Stat);
    }

    [Fact]
    public void GetAclResponse_ReadsAclAndStat()
    {
        var r = new JuteReader(Hex("00000001" + WorldAnyoneAll + StatHex));
        var result = new GetAclRequest("/").ReadReply(ref r, Chroot.None);
        Assert.Equal(Acls.OpenUnsafe, result.Acl);
    }

    [Fact]
    public void MultiResponse_ReadsEachResultType()
    {
        var hex =
            "00000001 00 00000000 00000002 2f61" +            // create -> CreateResponse
            "0000000f 00 00000000 00000002 2f62" + StatHex +   // create2 -> Create2Response
            "00000005 00 00000000" + StatHex +                 // setData
            "00000002 00 00000000" +                           // delete
            "0000000d 00 00000000" +                           // check
            "ffffffff 00 ffffff9b ffffff9b" +                  // error NoNode
            "ffffffff 01 ffffffff";
        var ops = Enumerable.Range(0, 6).Select(_ => (Op)Op.Check("/a")).ToList();
        var r = new JuteReader(Hex(hex));
        var results = new MultiRequest(ops, false, Chroot.None).ReadReply(ref r, Chroot.None);
        Assert.Equal(new CreateOpResult("/a", null), results[0]);
        Assert.Equal(new CreateOpResult("/b", ExpectedStat), results[1]);
        Assert.Equal(new SetDataOpResult(ExpectedStat), results[2]);
        Assert.IsType<DeleteOpResult>(results[3]);
        Assert.IsType<CheckOpResult>(results[4]);
        Assert.Equal(new ErrorOpResult(ErrorCode.NoNode), results[5]);
    }

    [Fact]
    public void WhoAmIResponse_ReadsClientInfos()
    {
        var r = new JuteReader(Hex("00000001 00000002 6970 00000009 3132372e302e302e31"));
        Assert.Equal([new ClientIdentity("ip", "127.0.0.1")], new WhoAmIRequest().ReadReply(ref r, Chroot.None));
    }

    [Fact]
    public void JuteReader_Throws_WhenStringLengthExceedsFrame()
    {
        var ex = Assert.Throws<ZooKeeperProtocolException>(() =>
        {
            var r = new JuteReader(Hex("7fffffff 41"));
            r.ReadString();
        });
        Assert.Contains("Malformed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JuteReader_Throws_WhenVectorCountIsAbsurd()
    {
        Assert.Throws<ZooKeeperProtocolException>(() =>
        {
            var r = new JuteReader(Hex("10000000 00000001 41"));
            r.ReadStringVector();
        });
    }

    [Fact]
    public void JuteReader_Throws_WhenTruncated()
    {
        Assert.Throws<ZooKeeperProtocolException>(() =>
        {
            var r = new JuteReader(Hex("000000"));
            r.ReadInt();
        });
    }

    [Fact]
    public void JuteWriter_WritesUtf8_ForNonAsciiPaths() =>
        Assert.Equal(Norm("00000003 2fc3a9 00"), Write(new ExistsRequest("/é", false)));
}
