using System.Text;
using ZkDashboard.Testing;

namespace ZkDashboard.ZooKeeper.Tests.Ensemble;

[Collection(EnsembleCollection.Name)]
public sealed class OperationTests(EnsembleFixture fx) : IAsyncLifetime
{
    private ChrootScope _scope = null!;
    private ZooKeeperClient _zk = null!;

    public async Task InitializeAsync()
    {
        _scope = await ChrootScope.CreateAsync(fx.ConnectString, EnsembleFixture.NewChrootName());
        _zk = await _scope.ConnectAsync();
    }

    public async Task DisposeAsync() => await _scope.DisposeAsync();

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task CreateAsync_ReturnsPathAndStat_ForPersistent()
    {
        var r = await _zk.CreateAsync("/p", B("hello"), Acls.OpenUnsafe);
        Assert.Equal("/p", r.Path);
        Assert.Equal(5, r.Stat.DataLength);
        Assert.Equal(0, r.Stat.Version);
        Assert.Equal(0, r.Stat.EphemeralOwner);
        var d = await _zk.GetDataAsync("/p");
        Assert.Equal("hello", Encoding.UTF8.GetString(d.Data));
        Assert.Equal(r.Stat, d.Stat);
        var root = await _scope.Root.ExistsAsync(_scope.Chroot + "/p");
        Assert.Equal(r.Stat, root);
    }

    [Fact]
    public async Task CreateAsync_SequentialModes_AppendTenDigitCounter()
    {
        await _zk.CreateAsync("/seq", default, Acls.OpenUnsafe);
        var a = await _zk.CreateAsync("/seq/n-", default, Acls.OpenUnsafe, CreateMode.PersistentSequential);
        var b = await _zk.CreateAsync("/seq/n-", default, Acls.OpenUnsafe, CreateMode.EphemeralSequential);
        var c = await _zk.CreateAsync("/seq/", default, Acls.OpenUnsafe, CreateMode.PersistentSequential);
        Assert.Equal("/seq/n-0000000000", a.Path);
        Assert.Equal("/seq/n-0000000001", b.Path);
        Assert.Equal("/seq/0000000002", c.Path);
        Assert.Equal(_zk.SessionId, b.Stat.EphemeralOwner);
    }

    [Fact]
    public async Task CreateAsync_Ephemeral_IsOwnedAndGoneAfterClose()
    {
        var other = await _scope.ConnectAsync();
        var r = await other.CreateAsync("/eph", default, Acls.OpenUnsafe, CreateMode.Ephemeral);
        Assert.Equal(other.SessionId, r.Stat.EphemeralOwner);
        Assert.Equal(["/eph"], await other.GetEphemeralsAsync());
        await Assert.ThrowsAsync<NoChildrenForEphemeralsException>(() => other.CreateAsync("/eph/x", default, Acls.OpenUnsafe));
        await other.CloseAsync();
        Assert.Equal(ConnectionState.Closed, other.State);
        await _zk.SyncAsync("/");
        Assert.Null(await _zk.ExistsAsync("/eph"));
    }

    [Fact]
    public async Task CreateAsync_Container_And_Ttl_Modes()
    {
        var c = await _zk.CreateAsync("/cont", default, Acls.OpenUnsafe, CreateMode.Container);
        Assert.Equal("/cont", c.Path);
        var t = await _zk.CreateAsync("/ttl", default, Acls.OpenUnsafe, CreateMode.PersistentWithTtl, ttl: 60_000);
        Assert.Equal("/ttl", t.Path);
        var ts = await _zk.CreateAsync("/ttls-", default, Acls.OpenUnsafe, CreateMode.PersistentSequentialWithTtl, ttl: 60_000);
        Assert.Matches(@"^/ttls-\d{10}$", ts.Path);
        Assert.NotNull(await _zk.ExistsAsync(ts.Path));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _zk.CreateAsync("/ttl0", default, Acls.OpenUnsafe, CreateMode.PersistentWithTtl, ttl: 0));
    }

    [Fact]
    public async Task CreateAsync_ThrowsTypedErrors_NamingThePath()
    {
        await _zk.CreateAsync("/dup", default, Acls.OpenUnsafe);
        var exists = await Assert.ThrowsAsync<NodeExistsException>(() => _zk.CreateAsync("/dup", default, Acls.OpenUnsafe));
        Assert.Equal("/dup", exists.Path);
        var noParent = await Assert.ThrowsAsync<NoNodeException>(() => _zk.CreateAsync("/missing/child", default, Acls.OpenUnsafe));
        Assert.Contains("/missing", noParent.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidPathException>(() => _zk.CreateAsync("/bad/", default, Acls.OpenUnsafe));
    }

    [Fact]
    public async Task DeleteAsync_ChecksVersion_AndChildren()
    {
        await _zk.CreateAsync("/d", default, Acls.OpenUnsafe);
        await _zk.CreateAsync("/d/c", default, Acls.OpenUnsafe);
        await Assert.ThrowsAsync<NotEmptyException>(() => _zk.DeleteAsync("/d"));
        var bad = await Assert.ThrowsAsync<BadVersionException>(() => _zk.DeleteAsync("/d/c", 5));
        Assert.Equal(5, bad.ExpectedVersion);
        await _zk.DeleteAsync("/d/c", 0);
        await _zk.DeleteAsync("/d");
        Assert.Null(await _zk.ExistsAsync("/d"));
        await Assert.ThrowsAsync<NoNodeException>(() => _zk.DeleteAsync("/d"));
    }

    [Fact]
    public async Task SetDataAsync_BumpsVersion_AndRefusesStaleVersion()
    {
        await _zk.CreateAsync("/s", B("1"), Acls.OpenUnsafe);
        var s1 = await _zk.SetDataAsync("/s", B("22"), 0);
        Assert.Equal(1, s1.Version);
        Assert.Equal(2, s1.DataLength);
        var ex = await Assert.ThrowsAsync<BadVersionException>(() => _zk.SetDataAsync("/s", B("3"), 0));
        Assert.Contains("/s", ex.Message, StringComparison.Ordinal);
        Assert.Equal("22", Encoding.UTF8.GetString((await _zk.GetDataAsync("/s")).Data));
        await Assert.ThrowsAsync<NoNodeException>(() => _zk.SetDataAsync("/nope", B("x")));
    }

    [Fact]
    public async Task GetChildrenAsync_ReturnsNamesAndStat_AndCounts()
    {
        await _zk.CreateAsync("/k", default, Acls.OpenUnsafe);
        foreach (var n in new[] { "a", "b", "c" }) await _zk.CreateAsync("/k/" + n, default, Acls.OpenUnsafe);
        await _zk.CreateAsync("/k/a/x", default, Acls.OpenUnsafe);
        var r = await _zk.GetChildrenAsync("/k");
        Assert.Equal(["a", "b", "c"], r.Children.Order());
        Assert.Equal(3, r.Stat.NumChildren);
        Assert.Equal(4, await _zk.GetAllChildrenNumberAsync("/k"));
        var rootChildren = await _zk.GetChildrenAsync("/");
        Assert.Contains("k", rootChildren.Children);
    }

    [Fact]
    public async Task AclOperations_SetAndGet_WithVersions_AndEnforceDigest()
    {
        var alice = Id.Digest("alice", "secret");
        await _zk.CreateAsync("/secure", B("s"), [new Acl(Perms.All, alice)]);
        var ex = await Assert.ThrowsAsync<NoAuthException>(() => _zk.GetDataAsync("/secure"));
        Assert.Contains("/secure", ex.Message, StringComparison.Ordinal);
        await _zk.AddAuthAsync("digest", AuthInfo.Digest("alice", "secret").Auth);
        Assert.Equal("s", Encoding.UTF8.GetString((await _zk.GetDataAsync("/secure")).Data));
        var acl = await _zk.GetAclAsync("/secure");
        Assert.Equal([new Acl(Perms.All, alice)], acl.Acl);
        Assert.Equal(0, acl.Stat.Aversion);
        var newAcl = new[] { new Acl(Perms.Read, Id.AnyoneUnsafe), new Acl(Perms.All, alice), new Acl(Perms.Read, Id.Ip("10.0.0.0/8")) };
        var stat = await _zk.SetAclAsync("/secure", newAcl, 0);
        Assert.Equal(1, stat.Aversion);
        await Assert.ThrowsAsync<BadVersionException>(() => _zk.SetAclAsync("/secure", Acls.OpenUnsafe, 0));
        Assert.Equal(newAcl, (await _zk.GetAclAsync("/secure")).Acl);
        await Assert.ThrowsAsync<InvalidAclException>(() => _zk.SetAclAsync("/secure", [new Acl(Perms.All, new Id("digest", "no-colon"))]));
    }

    [Fact]
    public async Task CreatorAll_UsesTheSessionsAuth()
    {
        var c = await _scope.ConnectAsync(o => o with { Auth = [AuthInfo.Digest("bob", "pw")] });
        await c.CreateAsync("/bobs", default, Acls.CreatorAll);
        Assert.Equal([new Acl(Perms.All, Id.Digest("bob", "pw"))], (await c.GetAclAsync("/bobs")).Acl);
        await Assert.ThrowsAsync<NoAuthException>(() => _zk.SetDataAsync("/bobs", B("x")));
        var who = await c.WhoAmIAsync();
        Assert.Contains(new ClientIdentity("digest", "bob"), who);
    }

    [Fact]
    public async Task AddAuthAsync_WithUnknownScheme_EndsInAuthFailed()
    {
        var c = await _scope.ConnectAsync();
        var log = new EventLog(c);
        await Assert.ThrowsAsync<AuthFailedException>(() => c.AddAuthAsync("nosuchscheme", "x"u8.ToArray()));
        await log.WaitForAsync(l => l.AllEvents.Any(e => e.State == KeeperState.AuthFailed), what: "AuthFailed event");
        Assert.Equal(ConnectionState.AuthFailed, c.State);
        await Assert.ThrowsAsync<AuthFailedException>(() => c.GetDataAsync("/"));
    }

    [Fact]
    public async Task MultiAsync_AppliesAll_OrNothing()
    {
        var results = await _zk.MultiAsync([
            Op.Create("/m", B("a"), Acls.OpenUnsafe),
            Op.Create("/m/s-", default, Acls.OpenUnsafe, CreateMode.PersistentSequential),
            Op.SetData("/m", B("b"), 0),
            Op.Check("/m", 1),
        ]);
        Assert.Equal("/m", Assert.IsType<CreateOpResult>(results[0]).Path);
        Assert.Equal("/m/s-0000000000", Assert.IsType<CreateOpResult>(results[1]).Path);
        Assert.Equal(1, Assert.IsType<SetDataOpResult>(results[2]).Stat.Version);
        Assert.IsType<CheckOpResult>(results[3]);

        var ex = await Assert.ThrowsAsync<MultiOperationException>(() => _zk.MultiAsync([
            Op.Create("/m/new", default, Acls.OpenUnsafe),
            Op.Check("/m", 7),
            Op.Delete("/m/s-0000000000"),
        ]));
        Assert.Equal(ErrorCode.BadVersion, ex.Code);
        Assert.Equal(1, ex.FailedOpIndex);
        Assert.Equal("/m", ex.Path);
        Assert.Equal(3, ex.Results.Count);
        Assert.Null(await _zk.ExistsAsync("/m/new"));
        Assert.NotNull(await _zk.ExistsAsync("/m/s-0000000000"));
    }

    [Fact]
    public async Task MultiReadAsync_ReturnsPerOpResults()
    {
        await _zk.CreateAsync("/mr", B("x"), Acls.OpenUnsafe);
        await _zk.CreateAsync("/mr/c", default, Acls.OpenUnsafe);
        var r = await _zk.MultiReadAsync([Op.GetData("/mr"), Op.GetChildren("/mr"), Op.GetData("/mr/none")]);
        Assert.Equal(B("x"), Assert.IsType<GetDataOpResult>(r[0]).Data);
        Assert.Equal(["c"], Assert.IsType<GetChildrenOpResult>(r[1]).Children);
        Assert.Equal(ErrorCode.NoNode, Assert.IsType<ErrorOpResult>(r[2]).Code);
    }

    [Fact]
    public async Task SyncAsync_ThenRead_SeesOtherClientsWrite()
    {
        var writer = await _scope.ConnectAsync();
        await writer.CreateAsync("/sync", B("v1"), Acls.OpenUnsafe);
        await _zk.SyncAsync("/sync");
        Assert.Equal(B("v1"), (await _zk.GetDataAsync("/sync")).Data);
    }

    [Fact]
    public async Task GetConfigAsync_ReturnsEnsembleMembers()
    {
        var cfg = await _zk.GetConfigAsync();
        var text = Encoding.UTF8.GetString(cfg.Data);
        Assert.Contains("server.", text, StringComparison.Ordinal);
    }

    private static (List<string> Members, long Version) ParseConfig(DataResult config)
    {
        var lines = Encoding.UTF8.GetString(config.Data).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var members = lines.Where(l => l.StartsWith("server.", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var version = Convert.ToInt64(lines.Single(l => l.StartsWith("version=", StringComparison.Ordinal))["version=".Length..], 16);
        return (members, version);
    }

    [Fact]
    public async Task ReconfigAsync_NeedsSuperUser_ChecksVersion_IncrementalAndNot()
    {
        var admin = await _scope.ConnectAsync(o => o with { Auth = [AuthInfo.Digest(ZkDashboard.Sandbox.SandboxEnsemble.SuperUser, fx.Ensemble.SuperPassword)] });
        var (members, version) = ParseConfig(await admin.GetConfigAsync());
        await Assert.ThrowsAsync<NoAuthException>(() => _zk.ReconfigAsync(null, null, string.Join(",", members), version));
        Assert.Equal(3, members.Count);
        await Assert.ThrowsAsync<BadVersionException>(() => admin.ReconfigAsync(null, null, string.Join(",", members), version + 1));

        var (m1, v1) = ParseConfig(await admin.ReconfigAsync(null, null, string.Join(",", members), version));
        Assert.Equal(members, m1);
        Assert.True(v1 > version, $"config version {v1:x} after {version:x}");

        var (m2, v2) = ParseConfig(await admin.ReconfigAsync(members[^1], null, null, v1));
        Assert.Equal(members, m2);
        Assert.True(v2 > v1);
        await fx.Ensemble.WaitForQuorumAsync(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task GetChildrenAsync_ListsNodeWith100kChildren()
    {
        await _zk.CreateAsync("/big", default, Acls.OpenUnsafe);
        const int total = 100_000;
        var pending = new List<Task>();
        for (var i = 0; i < total; i += 1000)
        {
            var ops = Enumerable.Range(i, 1000).Select(j => (Op)Op.Create($"/big/child-{j:D8}", default, Acls.OpenUnsafe)).ToList();
            pending.Add(_zk.MultiAsync(ops));
            if (pending.Count >= 8)
            {
                await Task.WhenAll(pending);
                pending.Clear();
            }
        }
        await Task.WhenAll(pending);
        var r = await _zk.GetChildrenAsync("/big");
        Assert.Equal(total, r.Children.Count);
        Assert.Equal(total, r.Stat.NumChildren);
        Assert.Contains("child-00099999", r.Children);

        var small = await _scope.ConnectAsync(o => o with { MaxReplyLength = 1024 * 1024 });
        var ex = await Assert.ThrowsAsync<ReplyTooLargeException>(() => small.GetChildrenAsync("/big"));
        Assert.Contains("MaxReplyLength", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(await small.ExistsAsync("/big"));

        for (var i = 0; i < total; i += 1000)
        {
            var ops = Enumerable.Range(i, 1000).Select(j => (Op)Op.Delete($"/big/child-{j:D8}")).ToList();
            pending.Add(_zk.MultiAsync(ops));
            if (pending.Count >= 8)
            {
                await Task.WhenAll(pending);
                pending.Clear();
            }
        }
        await Task.WhenAll(pending);
    }
}
