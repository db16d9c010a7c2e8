using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ZkDashboard.Testing;

namespace ZkDashboard.ZooKeeper.Tests.Ensemble;

/// <summary>Our client against the peer clients (zkCli.sh, python3-kazoo), both ways.</summary>
[Collection(EnsembleCollection.Name)]
public sealed partial class InteropTests(EnsembleFixture fx) : IAsyncLifetime
{
    private ChrootScope _scope = null!;
    private ZooKeeperClient _zk = null!;

    public async Task InitializeAsync()
    {
        _scope = await ChrootScope.CreateAsync(fx.ConnectString, EnsembleFixture.NewChrootName());
        _zk = await _scope.ConnectAsync();
    }

    public async Task DisposeAsync() => await _scope.DisposeAsync();

    private string Full(string path) => _scope.Chroot + path;

    private async Task<string> ZkCliAsync(string command)
    {
        var r = await PeerClients.ZkCliAsync(fx.ConnectString, command);
        Assert.True(r.ExitCode == 0, $"zkCli '{command}' exited {r.ExitCode}: {r.StdErr}\n{r.StdOut}");
        return r.StdOut + "\n" + r.StdErr;
    }

    private const string KazooRead = """
        import sys, json
        from kazoo.client import KazooClient
        zk = KazooClient(hosts=sys.argv[1]); zk.start(timeout=30)
        if sys.argv[2] != "-":
            zk.add_auth("digest", sys.argv[2])
        out = {}
        for p in sys.argv[3:]:
            data, st = zk.get(p)
            acl, _ = zk.get_acls(p)
            out[p] = {"data": data.decode("utf-8"), "version": st.version, "owner": st.ephemeralOwner,
                      "czxid": st.czxid, "mzxid": st.mzxid, "pzxid": st.pzxid, "ctime": st.ctime, "mtime": st.mtime,
                      "cversion": st.cversion, "aversion": st.aversion, "dataLength": st.dataLength, "numChildren": st.numChildren,
                      "children": sorted(zk.get_children(p)),
                      "acl": [[a.perms, a.id.scheme, a.id.id] for a in acl]}
        print(json.dumps(out))
        zk.stop()
        """;

    private async Task<JsonElement> KazooReadAsync(string auth, params string[] paths)
    {
        var r = await PeerClients.KazooAsync(KazooRead, [fx.ConnectString, auth, .. paths.Select(Full)]);
        Assert.True(r.ExitCode == 0, $"kazoo exited {r.ExitCode}: {r.StdErr}");
        var line = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith('{'));
        return JsonDocument.Parse(line).RootElement;
    }

    [Fact]
    public async Task OurWrites_ReadIdentically_InKazoo()
    {
        var alice = Id.Digest("alice", "secret");
        await _zk.CreateAsync("/k", Encoding.UTF8.GetBytes("héllo wörld ☃"), [new Acl(Perms.Read | Perms.Write | Perms.Create, Id.AnyoneUnsafe), new Acl(Perms.All, alice)]);
        var seq = await _zk.CreateAsync("/k/e-", Encoding.UTF8.GetBytes("eph"), Acls.OpenUnsafe, CreateMode.EphemeralSequential);
        var stat = await _zk.SetDataAsync("/k", Encoding.UTF8.GetBytes("héllo wörld ☃!"));
        // The server masks digest hashes ("alice:x") unless the reader has ADMIN, so kazoo reads as alice.
        var json = await KazooReadAsync("alice:secret", "/k", seq.Path);
        var k = json.GetProperty(Full("/k"));
        Assert.Equal("héllo wörld ☃!", k.GetProperty("data").GetString());
        Assert.Equal(stat.Version, k.GetProperty("version").GetInt32());
        Assert.Equal(stat.Czxid, k.GetProperty("czxid").GetInt64());
        Assert.Equal(stat.Mzxid, k.GetProperty("mzxid").GetInt64());
        Assert.Equal(stat.Mtime, k.GetProperty("mtime").GetInt64());
        Assert.Equal(["e-0000000000"], k.GetProperty("children").EnumerateArray().Select(e => e.GetString()));
        var acl = k.GetProperty("acl").EnumerateArray().Select(a => (a[0].GetInt32(), a[1].GetString(), a[2].GetString())).ToList();
        Assert.Equal([(7, "world", "anyone"), (31, "digest", alice.Ident)], acl);
        var e = json.GetProperty(Full(seq.Path));
        Assert.Equal(_zk.SessionId, e.GetProperty("owner").GetInt64());
        Assert.Equal("eph", e.GetProperty("data").GetString());
    }

    [Fact]
    public async Task KazooWrites_ReadIdentically_InOurClient()
    {
        const string script = """
            import sys, json
            from kazoo.client import KazooClient
            from kazoo.security import make_digest_acl, make_digest_acl_credential
            zk = KazooClient(hosts=sys.argv[1]); zk.start(timeout=30)
            base = sys.argv[2]
            zk.create(base + "/kz", "dätä ✓".encode("utf-8"), acl=[make_digest_acl("carol", "pw", all=True)])
            p1 = zk.create(base + "/kz-", b"", sequence=True)
            p2 = zk.create(base + "/kz-", b"", sequence=True)
            print(json.dumps({"p1": p1, "p2": p2, "cred": make_digest_acl_credential("carol", "pw")}))
            zk.stop()
            """;
        var r = await PeerClients.KazooAsync(script, fx.ConnectString, _scope.Chroot);
        Assert.True(r.ExitCode == 0, r.StdErr);
        var json = JsonDocument.Parse(r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith('{'))).RootElement;
        Assert.Equal(DigestAuth.MakeDigestId("carol", "pw"), json.GetProperty("cred").GetString());
        Assert.Equal(Full("/kz-0000000001"), json.GetProperty("p1").GetString());
        var children = (await _zk.GetChildrenAsync("/")).Children.Order().ToList();
        Assert.Equal(["kz", "kz-0000000001", "kz-0000000002"], children);
        await Assert.ThrowsAsync<NoAuthException>(() => _zk.GetDataAsync("/kz"));
        await _zk.AddAuthAsync("digest", AuthInfo.Digest("carol", "pw").Auth);
        Assert.Equal([new Acl(Perms.All, Id.Digest("carol", "pw"))], (await _zk.GetAclAsync("/kz")).Acl);
        Assert.Equal("dätä ✓", Encoding.UTF8.GetString((await _zk.GetDataAsync("/kz")).Data));
    }

    [Fact]
    public async Task Stat_MatchesZkCliStat_FieldByField()
    {
        await _zk.CreateAsync("/st", Encoding.UTF8.GetBytes("abc"), Acls.OpenUnsafe);
        await _zk.CreateAsync("/st/c", default, Acls.OpenUnsafe);
        await _zk.SetDataAsync("/st", Encoding.UTF8.GetBytes("abcd"));
        await _zk.SetAclAsync("/st", Acls.OpenUnsafe);
        var eph = await _zk.CreateAsync("/st/e", default, Acls.OpenUnsafe, CreateMode.Ephemeral);
        foreach (var path in new[] { "/st", eph.Path })
        {
            var ours = (await _zk.ExistsAsync(path))!;
            var fields = ParseStat(await ZkCliAsync("stat " + Full(path)));
            Assert.Equal(Hex(ours.Czxid), fields["cZxid"]);
            Assert.Equal(Hex(ours.Mzxid), fields["mZxid"]);
            Assert.Equal(Hex(ours.Pzxid), fields["pZxid"]);
            Assert.Equal(ours.Cversion.ToString(CultureInfo.InvariantCulture), fields["cversion"]);
            Assert.Equal(ours.Version.ToString(CultureInfo.InvariantCulture), fields["dataVersion"]);
            Assert.Equal(ours.Aversion.ToString(CultureInfo.InvariantCulture), fields["aclVersion"]);
            Assert.Equal(Hex(ours.EphemeralOwner), fields["ephemeralOwner"]);
            Assert.Equal(ours.DataLength.ToString(CultureInfo.InvariantCulture), fields["dataLength"]);
            Assert.Equal(ours.NumChildren.ToString(CultureInfo.InvariantCulture), fields["numChildren"]);
            Assert.Equal(JavaDate(ours.Ctime, fields["ctime"]), fields["ctime"]);
            Assert.Equal(JavaDate(ours.Mtime, fields["mtime"]), fields["mtime"]);
        }
    }

    [Fact]
    public async Task OurWrites_ReadIdentically_InZkCli()
    {
        await _zk.CreateAsync("/cli", Encoding.UTF8.GetBytes("plain-text-42"), [new Acl(Perms.Read | Perms.Create, Id.AnyoneUnsafe), new Acl(Perms.All, Id.Digest("alice", "secret"))]);
        var get = await ZkCliAsync("get " + Full("/cli"));
        Assert.Contains("plain-text-42", get, StringComparison.Ordinal);
        var acl = (await ZkCliAsync("addauth digest alice:secret\ngetAcl " + Full("/cli"))).Replace("\r", "", StringComparison.Ordinal);
        Assert.True(acl.Contains("'world,'anyone\n: cr", StringComparison.Ordinal), acl);
        Assert.True(acl.Contains("'digest,'" + DigestAuth.MakeDigestId("alice", "secret") + "\n: cdrwa", StringComparison.Ordinal), acl);
    }

    [Fact]
    public async Task ZkCliWrites_ReadIdentically_InOurClient()
    {
        await _zk.CreateAsync("/z", default, Acls.OpenUnsafe);
        var created = await ZkCliAsync($"create -s {Full("/z/q-")} from-cli");
        Assert.Contains(Full("/z/q-0000000000"), created, StringComparison.Ordinal);
        await ZkCliAsync($"setAcl {Full("/z")} digest:{DigestAuth.MakeDigestId("dave", "pw")}:cdrwa");
        await _zk.AddAuthAsync("digest", AuthInfo.Digest("dave", "pw").Auth);
        var d = await _zk.GetDataAsync("/z/q-0000000000");
        Assert.Equal("from-cli", Encoding.UTF8.GetString(d.Data));
        Assert.Equal([new Acl(Perms.All, Id.Digest("dave", "pw"))], (await _zk.GetAclAsync("/z")).Acl);
    }

    private static string Hex(long v) => "0x" + v.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>Formats our ms timestamp like java.util.Date.toString() in the zone zkCli printed.</summary>
    private static string JavaDate(long ms, string theirs)
    {
        var zone = theirs.Split(' ')[^2];
        var t = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        if (zone is "UTC" or "GMT") return t.ToString("ddd MMM dd HH:mm:ss", CultureInfo.InvariantCulture) + " " + zone + " " + t.ToString("yyyy", CultureInfo.InvariantCulture);
        return theirs; // another JVM zone: the zxids and counters above still pin the Stat down
    }

    private static Dictionary<string, string> ParseStat(string output)
    {
        var fields = new Dictionary<string, string>();
        foreach (Match m in StatLine().Matches(output)) fields[m.Groups[1].Value] = m.Groups[2].Value.Trim();
        return fields;
    }

    [GeneratedRegex(@"^(cZxid|ctime|mZxid|mtime|pZxid|cversion|dataVersion|aclVersion|ephemeralOwner|dataLength|numChildren) = (.*)$", RegexOptions.Multiline)]
    private static partial Regex StatLine();
}
