using ZkDashboard.ZooKeeper.Internal;
using ZkDashboard.ZooKeeper.Protocol;
using ZkDashboard.ZooKeeper.Protocol.Records;

namespace ZkDashboard.ZooKeeper.Tests.Unit;

public sealed class DigestAuthTests
{
    // Values from kazoo.security.make_digest_acl_credential and hashlib.
    [Theory]
    [InlineData("alice", "secret", "alice:aYXlLOpEooaV1cRAvUL1fp9Qt7E=")]
    [InlineData("user", "password", "user:tpUq/4Pn5A64fVZyQ0gOJ8ZWqkY=")]
    [InlineData("super", "superpw", "super:g9oN2HttPfn8MMWJZ2r45Np/LIA=")]
    public void MakeDigestId_MatchesZooKeeperDigest(string user, string password, string expected)
    {
        Assert.Equal(expected, DigestAuth.MakeDigestId(user, password));
        Assert.Equal(new Id("digest", expected), Id.Digest(user, password));
    }

    [Fact]
    public void AuthInfoDigest_EncodesUserColonPassword() =>
        Assert.Equal("alice:secret"u8.ToArray(), AuthInfo.Digest("alice", "secret").Auth.ToArray());
}

public sealed class ConnectStringTests
{
    [Fact]
    public void Parse_ReadsHostsPortsAndChroot()
    {
        var cs = ConnectString.Parse("h1:1,h2,[::1]:3/app/x");
        Assert.Equal([new HostEndpoint("h1", 1), new HostEndpoint("h2", 2181), new HostEndpoint("::1", 3)], cs.Hosts);
        Assert.Equal("/app/x", cs.Chroot);
    }

    [Fact]
    public void Parse_TreatsSlashAloneAsNoChroot() => Assert.Null(ConnectString.Parse("h:1/").Chroot);

    [Theory]
    [InlineData("")]
    [InlineData("h:0")]
    [InlineData("h:x")]
    [InlineData("h:1/a/")]
    [InlineData("/app")]
    public void Parse_Refuses_BadConnectStrings(string s) => Assert.Throws<ArgumentException>(() => ConnectString.Parse(s));

    [Fact]
    public void Chroot_MapsPathsBothWays()
    {
        var c = new Chroot("/app");
        Assert.Equal("/app", c.ToServer("/"));
        Assert.Equal("/app/a", c.ToServer("/a"));
        Assert.Equal("/", c.ToClient("/app"));
        Assert.Equal("/a", c.ToClient("/app/a"));
        Assert.Equal("/apple", c.ToClient("/apple"));
        Assert.False(c.Contains("/apple"));
        Assert.True(c.Contains("/app/x"));
    }
}

public sealed class WatchManagerTests
{
    [Fact]
    public void Materialize_FiresOneShotDataWatchOnce()
    {
        var w = new WatchManager();
        w.OnReply(WatchRegistration.Data, "/a", ErrorCode.Ok);
        Assert.True(w.Materialize(EventType.NodeDataChanged, "/a"));
        Assert.False(w.Materialize(EventType.NodeDataChanged, "/a"));
    }

    [Fact]
    public void OnReply_RegistersExistWatch_OnNoNode_AndNothingForFailedGetData()
    {
        var w = new WatchManager();
        w.OnReply(WatchRegistration.Exists, "/a", ErrorCode.NoNode);
        w.OnReply(WatchRegistration.Data, "/b", ErrorCode.NoNode);
        Assert.True(w.Materialize(EventType.NodeCreated, "/a"));
        Assert.False(w.Materialize(EventType.NodeCreated, "/b"));
    }

    [Fact]
    public void Materialize_ChildWatch_FiresOnChildrenChangedAndDelete()
    {
        var w = new WatchManager();
        w.OnReply(WatchRegistration.Child, "/a", ErrorCode.Ok);
        Assert.False(w.Materialize(EventType.NodeDataChanged, "/a"));
        Assert.True(w.Materialize(EventType.NodeChildrenChanged, "/a"));
        w.OnReply(WatchRegistration.Child, "/a", ErrorCode.Ok);
        Assert.True(w.Materialize(EventType.NodeDeleted, "/a"));
    }

    [Fact]
    public void Materialize_Recursive_SeesSubtreeButNotChildEvents()
    {
        var w = new WatchManager();
        w.AddPersistent("/r", AddWatchMode.PersistentRecursive);
        Assert.True(w.Materialize(EventType.NodeCreated, "/r/x/y"));
        Assert.True(w.Materialize(EventType.NodeDataChanged, "/r/x/y"));
        Assert.False(w.Materialize(EventType.NodeChildrenChanged, "/r/x"));
        Assert.False(w.Materialize(EventType.NodeCreated, "/rx"));
    }

    [Fact]
    public void Remove_ReturnsRemovalEvents_PerKind()
    {
        var w = new WatchManager();
        w.OnReply(WatchRegistration.Data, "/a", ErrorCode.Ok);
        w.OnReply(WatchRegistration.Child, "/a", ErrorCode.Ok);
        w.AddPersistent("/a", AddWatchMode.Persistent);
        var events = w.Remove("/a", WatcherType.Any, KeeperState.SyncConnected);
        Assert.Equal([EventType.DataWatchRemoved, EventType.ChildWatchRemoved, EventType.PersistentWatchRemoved], events.Select(e => e.Type));
        Assert.Equal(0, w.Count);
    }

    [Fact]
    public void SetWatches2Chunk_KeepsEveryPacketUnder128KB_AndLosesNothing()
    {
        var data = Enumerable.Range(0, 5000).Select(i => $"/data/{i:D40}").ToList();
        var child = Enumerable.Range(0, 3000).Select(i => $"/child/{i:D40}").ToList();
        var chunks = SetWatches2.Chunk(42, data, [], child, ["/p"], ["/r"]);
        Assert.True(chunks.Count > 1);
        foreach (var c in chunks)
        {
            Assert.Equal(42, c.RelativeZxid);
            Assert.True(Bytes.Write(c).Length / 2 <= WireConstants.SetWatchesMaxBytes + 64);
        }
        Assert.Equal(data, chunks.SelectMany(c => c.DataWatches));
        Assert.Equal(child, chunks.SelectMany(c => c.ChildWatches));
        Assert.Equal(["/p"], chunks.SelectMany(c => c.PersistentWatches));
        Assert.Equal(["/r"], chunks.SelectMany(c => c.PersistentRecursiveWatches));
    }

    [Fact]
    public void ErrorMapper_NamesPathAndVersion_ForBadVersion()
    {
        var ex = Assert.IsType<BadVersionException>(ErrorMapper.Map(new SetDataRequest("/cfg", default, 3), ErrorCode.BadVersion, "/cfg"));
        Assert.Equal(3, ex.ExpectedVersion);
        Assert.Contains("version 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("/cfg", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorMapper_ExplainsDisabledTtl()
    {
        var ex = ErrorMapper.Map(new CreateRequest("/t", default, Acls.OpenUnsafe, CreateMode.PersistentWithTtl, 5), ErrorCode.Unimplemented, "/t");
        Assert.Contains("zookeeper.extendedTypesEnabled", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ZooKeeperExceptionCreate_MapsEveryCodeToItsType()
    {
        foreach (var code in Enum.GetValues<ErrorCode>().Where(c => c != ErrorCode.Ok))
        {
            var ex = ZooKeeperException.Create(code, "/p", "read");
            Assert.Equal(code, ex.Code);
            Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        }
        Assert.IsType<NoNodeException>(ZooKeeperException.Create(ErrorCode.NoNode, "/a/b"));
        Assert.Equal("/a/b does not exist.", ZooKeeperException.Create(ErrorCode.NoNode, "/a/b").Message);
    }
}
