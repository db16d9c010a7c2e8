using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using ZkDashboard.Core.Access;
using ZkDashboard.Testing;
using ZkDashboard.Web.Api.V1;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Tests.Api.V1;

/// <summary>/api/v1 nodes, ACLs, copy/move and jobs on the real host against a real sandbox, with viewer, operator and admin tokens and anonymous.</summary>
[Collection(ApiEnsembleCollection.Name)]
public sealed class NodeEndpointTests(EnsembleFixture fx) : IAsyncLifetime
{
    private readonly string _chroot = EnsembleFixture.NewChrootName();
    private ApiHost _host = null!;
    private HttpClient _viewer = null!;
    private HttpClient _operator = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _host = await ApiHost.StartAsync(fx, _chroot);
        _viewer = await _host.ClientAsync("vera", "viewers", "viewer");
        _operator = await _host.ClientAsync("otto", "operators", "operator");
        _admin = await _host.ClientAsync("ada", "admins", "admin");
        await using var zk = await _host.ZooKeeperAsync();
        await zk.CreateAsync("/cfg", "hello"u8.ToArray(), Acls.OpenUnsafe);
        await zk.CreateAsync("/bin", new byte[] { 0xff, 0x00, 0xfe }, Acls.OpenUnsafe);
    }

    public async Task DisposeAsync()
    {
        _viewer.Dispose();
        _operator.Dispose();
        _admin.Dispose();
        await _host.DisposeAsync();
    }

    private static string Node(string path, string ensemble = "local") => $"/api/v1/ensembles/{ensemble}/nodes{path}";

    private static HttpRequestMessage Put(string path, string body, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, Node(path)) { Content = new StringContent(body, Encoding.UTF8, "text/plain") };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return request;
    }

    private IEnumerable<AuditRecord> AuditOf(string user, ZkOperationKind kind, string path)
        => _host.Audit.Records.Where(r => r.Operation.User.Name == user && r.Operation.Kind == kind && r.Operation.Path == path);

    [Fact]
    public async Task GetNode_EachRole_ReadsDataStatAclWithETagAndAuditsTheRead()
    {
        foreach (var (client, name) in new[] { (_viewer, "vera"), (_operator, "otto"), (_admin, "ada") })
        {
            using var response = await client.GetAsync(Node("/cfg"));
            var node = await response.JsonAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("\"0\"", response.Headers.ETag?.Tag);
            Assert.Equal("hello", node.GetProperty("data").GetString());
            Assert.Equal("utf8", node.GetProperty("encoding").GetString());
            Assert.Equal(5, node.GetProperty("stat").GetProperty("dataLength").GetInt32());
            Assert.Equal("cdrwa", node.GetProperty("acl")[0].GetProperty("perms").GetString());
            Assert.Contains(AuditOf(name, ZkOperationKind.Read, "/cfg"), r => r.Outcome == AuditOutcome.Succeeded);
        }
        using var binary = await _viewer.GetAsync(Node("/bin"));
        var bin = await binary.JsonAsync();
        Assert.Equal("base64", bin.GetProperty("encoding").GetString());
        Assert.Equal(new byte[] { 0xff, 0x00, 0xfe }, Convert.FromBase64String(bin.GetProperty("data").GetString()!));

        using var anonymous = _host.Anonymous();
        using var refused = await anonymous.GetAsync(Node("/cfg"));
        var problem = await refused.ProblemAsync(401, ApiProblems.Unauthenticated);
        Assert.DoesNotContain("hello", problem.ToString(), StringComparison.Ordinal);
        using var badToken = new HttpRequestMessage(HttpMethod.Get, Node("/cfg"));
        badToken.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "zkd_not-a-token");
        using var badTokenResponse = await anonymous.SendAsync(badToken);
        Assert.Contains("revoked", (await badTokenResponse.ProblemAsync(401, ApiProblems.Unauthenticated)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetNode_UserWithoutBinding_Gets403NamingTheActionAndIsAudited()
    {
        using var stranger = await _host.ClientAsync("stan", "strangers", "admin");

        using var response = await stranger.GetAsync(Node("/cfg"));

        var problem = await response.ProblemAsync(403, ApiProblems.AccessDenied);
        Assert.Equal("read", problem.GetProperty("action").GetString());
        Assert.Contains(AuditOf("stan", ZkOperationKind.Read, "/cfg"), r => r.Outcome == AuditOutcome.Denied);
    }

    [Fact]
    public async Task SetData_WithIfMatch_OperatorWritesViewerIsRefusedAndBothAreAudited()
    {
        await using (var zk = await _host.ZooKeeperAsync())
        {
            await zk.CreateAsync("/set", "v0"u8.ToArray(), Acls.OpenUnsafe);
        }

        using var denied = await _viewer.SendAsync(Put("/set", "by viewer", "\"0\""));
        var problem = await denied.ProblemAsync(403, ApiProblems.AccessDenied);
        Assert.Equal("setData", problem.GetProperty("action").GetString());
        Assert.Contains(AuditOf("vera", ZkOperationKind.SetData, "/set"), r => r.Outcome == AuditOutcome.Denied);

        using var written = await _operator.SendAsync(Put("/set", "v1", "\"0\""));
        Assert.Equal(HttpStatusCode.OK, written.StatusCode);
        Assert.Equal("\"1\"", written.Headers.ETag?.Tag);
        Assert.Contains(AuditOf("otto", ZkOperationKind.SetData, "/set"), r => r.Outcome == AuditOutcome.Succeeded);

        using var stale = await _operator.SendAsync(Put("/set", "lost update", "\"0\""));
        var conflict = await stale.ProblemAsync(412, ApiProblems.VersionConflict);
        Assert.Equal(1, conflict.GetProperty("currentVersion").GetInt32());
        Assert.Equal("\"1\"", stale.Headers.ETag?.Tag);

        using var missing = await _operator.SendAsync(Put("/set", "blind", null));
        await missing.ProblemAsync(428, ApiProblems.PreconditionRequired);
        using var notNumber = await _operator.SendAsync(Put("/set", "x", "\"one\""));
        var invalid = await notNumber.ProblemAsync(400, ApiProblems.Validation);
        Assert.True(invalid.GetProperty("errors").TryGetProperty("If-Match", out _));

        using var any = await _admin.SendAsync(Put("/set", "v2 by admin", "*"));
        Assert.Equal(HttpStatusCode.OK, any.StatusCode);
        await using var check = await _host.ZooKeeperAsync();
        var now = await check.GetDataAsync("/set");
        Assert.Equal("v2 by admin", Encoding.UTF8.GetString(now.Data)); // the stale and the blind writes changed nothing
        Assert.Equal(2, now.Stat.Version);
    }

    [Fact]
    public async Task SetData_JsonBase64AndLimits_DecodesOrNamesTheField()
    {
        await using (var zk = await _host.ZooKeeperAsync())
        {
            await zk.CreateAsync("/json", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        }
        using var json = new HttpRequestMessage(HttpMethod.Put, Node("/json")) { Content = JsonContent.Create(new { data = Convert.ToBase64String([1, 2, 3]), encoding = "base64" }) };
        json.Headers.TryAddWithoutValidation("If-Match", "\"0\"");
        using var ok = await _operator.SendAsync(json);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        await using (var zk = await _host.ZooKeeperAsync())
        {
            Assert.Equal(new byte[] { 1, 2, 3 }, (await zk.GetDataAsync("/json")).Data);
        }

        using var badEncoding = new HttpRequestMessage(HttpMethod.Put, Node("/json")) { Content = JsonContent.Create(new { data = "x", encoding = "rot13" }) };
        badEncoding.Headers.TryAddWithoutValidation("If-Match", "*");
        Assert.True((await (await _operator.SendAsync(badEncoding)).ProblemAsync(400, ApiProblems.Validation)).GetProperty("errors").TryGetProperty("encoding", out _));

        using var tooLarge = new HttpRequestMessage(HttpMethod.Put, Node("/json")) { Content = new ByteArrayContent(new byte[NodeEndpoints.MaxDataBytes + 1]) };
        tooLarge.Headers.TryAddWithoutValidation("If-Match", "*");
        var large = await (await _operator.SendAsync(tooLarge)).ProblemAsync(413, ApiProblems.DataTooLarge);
        Assert.Equal("data", large.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Paths_BadCharacterOrEncodedSlash_AreRefusedNamingThePath()
    {
        using var bad = await _viewer.GetAsync(Node("/a%EF%BF%B0b"));
        var problem = await bad.ProblemAsync(400, ApiProblems.Validation);
        Assert.Contains("U+FFF0", problem.GetProperty("errors").GetProperty("path")[0].GetString(), StringComparison.Ordinal);
        using var slash = await _viewer.GetAsync(Node("/a%2Fb"));
        await slash.ProblemAsync(400, ApiProblems.Validation);
        using var missing = await _viewer.GetAsync(Node("/does-not-exist"));
        await missing.ProblemAsync(404, ApiProblems.NoNode);
        using var unknownEnsemble = await _viewer.GetAsync(Node("/cfg", "nope"));
        await unknownEnsemble.ProblemAsync(404, ApiProblems.UnknownEnsemble);
        using var unknownEndpoint = await _viewer.GetAsync("/api/v1/nothing-here");
        await unknownEndpoint.ProblemAsync(404, ApiProblems.UnknownEndpoint);
    }

    [Fact]
    public async Task Create_ModesAclsAndParents_CreatesWhatWasAskedOrNamesTheField()
    {
        using var denied = await _viewer.PostAsJsonAsync(Node("/made/deep"), new { data = "x", makeParents = true });
        Assert.Equal("create", (await denied.ProblemAsync(403, ApiProblems.AccessDenied)).GetProperty("action").GetString());
        Assert.Contains(AuditOf("vera", ZkOperationKind.Create, "/made"), r => r.Outcome == AuditOutcome.Denied);

        using var created = await _operator.PostAsJsonAsync(Node("/made/deep"), new
        {
            data = "x",
            makeParents = true,
            acl = new[] { new { scheme = "world", id = "anyone", perms = "rw" } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/v1/ensembles/local/nodes/made/deep", created.Headers.Location?.OriginalString);
        Assert.Contains(AuditOf("otto", ZkOperationKind.Create, "/made/deep"), r => r.Outcome == AuditOutcome.Succeeded);
        Assert.Contains(AuditOf("otto", ZkOperationKind.Create, "/made"), r => r.Outcome == AuditOutcome.Succeeded);

        using var sequential = await _operator.PostAsJsonAsync(Node("/made/item-"), new { mode = "persistentSequential" });
        var seq = await sequential.JsonAsync();
        Assert.Matches("^/made/item-[0-9]{10}$", seq.GetProperty("path").GetString());

        using var exists = await _operator.PostAsJsonAsync(Node("/made/deep"), new { data = "again" });
        await exists.ProblemAsync(409, ApiProblems.NodeExists);
        using var ephemeral = await _operator.PostAsJsonAsync(Node("/made/e"), new { mode = "ephemeral" });
        Assert.Contains("shared", (await ephemeral.ProblemAsync(400, ApiProblems.Validation)).GetProperty("errors").GetProperty("mode")[0].GetString(), StringComparison.Ordinal);
        using var unknownMode = await _operator.PostAsJsonAsync(Node("/made/u"), new { mode = "forever" });
        Assert.Contains("allowed", (await unknownMode.ProblemAsync(400, ApiProblems.Validation)).GetProperty("errors").GetProperty("mode")[0].GetString(), StringComparison.Ordinal);
        using var ttlMissing = await _operator.PostAsJsonAsync(Node("/made/t"), new { mode = "ttl" });
        Assert.True((await ttlMissing.ProblemAsync(400, ApiProblems.Validation)).GetProperty("errors").TryGetProperty("ttlMs", out _));
        using var badPerms = await _operator.PostAsJsonAsync(Node("/made/p"), new { acl = new[] { new { scheme = "world", id = "anyone", perms = "rx" } } });
        Assert.True((await badPerms.ProblemAsync(400, ApiProblems.Validation)).GetProperty("errors").TryGetProperty("acl[0].perms", out _));

        // The oracle: kazoo sees the node with the ACL asked for.
        var kazoo = await PeerClients.KazooAsync("""
            import sys
            from kazoo.client import KazooClient
            zk = KazooClient(hosts=sys.argv[1]); zk.start()
            data, stat = zk.get('/made/deep'); acl, _ = zk.get_acls('/made/deep')
            print(data.decode(), acl[0].perms, acl[0].id.scheme)
            zk.stop()
            """, _host.ConnectString);
        Assert.Equal("x 3 world", kazoo.StdOut.Trim());
    }

    [Fact]
    public async Task Delete_SingleAndRecursive_WithIfMatchAndJobs()
    {
        await using (var zk = await _host.ZooKeeperAsync())
        {
            await zk.CreateAsync("/del", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
            await zk.CreateAsync("/tree", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
            for (var i = 0; i < 30; i++)
            {
                await zk.CreateAsync($"/tree/n{i}", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
            }
        }
        using var noIfMatch = await _operator.DeleteAsync(Node("/del"));
        await noIfMatch.ProblemAsync(428, ApiProblems.PreconditionRequired);
        using var viewerDelete = new HttpRequestMessage(HttpMethod.Delete, Node("/del"));
        viewerDelete.Headers.TryAddWithoutValidation("If-Match", "\"0\"");
        Assert.Equal("delete", (await (await _viewer.SendAsync(viewerDelete)).ProblemAsync(403, ApiProblems.AccessDenied)).GetProperty("action").GetString());

        using var wrongVersion = new HttpRequestMessage(HttpMethod.Delete, Node("/del"));
        wrongVersion.Headers.TryAddWithoutValidation("If-Match", "\"7\"");
        Assert.Equal(0, (await (await _operator.SendAsync(wrongVersion)).ProblemAsync(412, ApiProblems.VersionConflict)).GetProperty("currentVersion").GetInt32());
        using var delete = new HttpRequestMessage(HttpMethod.Delete, Node("/del"));
        delete.Headers.TryAddWithoutValidation("If-Match", "\"0\"");
        Assert.Equal(HttpStatusCode.NoContent, (await _operator.SendAsync(delete)).StatusCode);
        Assert.Contains(AuditOf("otto", ZkOperationKind.Delete, "/del"), r => r.Outcome == AuditOutcome.Succeeded);

        using var notEmpty = new HttpRequestMessage(HttpMethod.Delete, Node("/tree"));
        notEmpty.Headers.TryAddWithoutValidation("If-Match", "*");
        Assert.Contains("recursive=true", (await (await _operator.SendAsync(notEmpty)).ProblemAsync(409, ApiProblems.NotEmpty)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var viewerRecursive = new HttpRequestMessage(HttpMethod.Delete, Node("/tree") + "?recursive=true");
        viewerRecursive.Headers.TryAddWithoutValidation("If-Match", "*");
        Assert.Equal("deleteRecursive", (await (await _viewer.SendAsync(viewerRecursive)).ProblemAsync(403, ApiProblems.AccessDenied)).GetProperty("action").GetString());
        Assert.Contains(AuditOf("vera", ZkOperationKind.DeleteRecursive, "/tree"), r => r.Outcome == AuditOutcome.Denied);

        using var recursive = new HttpRequestMessage(HttpMethod.Delete, Node("/tree") + "?recursive=true");
        recursive.Headers.TryAddWithoutValidation("If-Match", "*");
        using var accepted = await _operator.SendAsync(recursive);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var location = accepted.Headers.Location!.OriginalString;
        Assert.StartsWith("/api/v1/jobs/", location, StringComparison.Ordinal);
        var job = await FinishedAsync(_operator, location);
        Assert.Equal("Succeeded", job.GetProperty("state").GetString());
        Assert.Equal(31, job.GetProperty("done").GetInt64());
        Assert.Contains(AuditOf("otto", ZkOperationKind.DeleteRecursive, "/tree"), r => r.Outcome == AuditOutcome.Succeeded);

        // Someone else's job: hidden from a viewer, visible to an admin; unknown ids are a 404.
        await (await _viewer.GetAsync(location)).ProblemAsync(403, ApiProblems.JobAccessDenied);
        Assert.Equal(HttpStatusCode.OK, (await _admin.GetAsync(location)).StatusCode);
        await (await _operator.GetAsync("/api/v1/jobs/no-such-job")).ProblemAsync(404, ApiProblems.UnknownJob);
        var id = location["/api/v1/jobs/".Length..];
        Assert.Contains((await (await _operator.GetAsync("/api/v1/jobs")).JsonAsync()).EnumerateArray(), j => j.GetProperty("id").GetString() == id);
        Assert.Contains((await (await _admin.GetAsync("/api/v1/jobs")).JsonAsync()).EnumerateArray(), j => j.GetProperty("id").GetString() == id);
        Assert.DoesNotContain((await (await _viewer.GetAsync("/api/v1/jobs")).JsonAsync()).EnumerateArray(), j => j.GetProperty("id").GetString() == id);
        using var cancelFinished = await _operator.DeleteAsync(location);
        Assert.Equal(HttpStatusCode.OK, cancelFinished.StatusCode);
        await using var check = await _host.ZooKeeperAsync();
        Assert.Null(await check.ExistsAsync("/tree"));
    }

    private static async Task<System.Text.Json.JsonElement> FinishedAsync(HttpClient client, string location)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            using var response = await client.GetAsync(location, cts.Token);
            var job = await response.JsonAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            if (job.GetProperty("state").GetString() != "Running")
            {
                return job;
            }
            await Task.Delay(50, cts.Token);
        }
    }

    [Fact]
    public async Task SetAcl_WithAclVersion_OperatorSetsViewerIsRefusedStaleIs412()
    {
        await using (var zk = await _host.ZooKeeperAsync())
        {
            await zk.CreateAsync("/acl", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        }
        var body = new { acl = new[] { new { scheme = "world", id = "anyone", perms = "cdrwa" }, new { scheme = "ip", id = "10.0.0.1", perms = "r" } }, aclVersion = 0 };
        using var denied = await _viewer.PutAsJsonAsync("/api/v1/ensembles/local/acl/acl", body);
        Assert.Equal("setAcl", (await denied.ProblemAsync(403, ApiProblems.AccessDenied)).GetProperty("action").GetString());
        using var ok = await _operator.PutAsJsonAsync("/api/v1/ensembles/local/acl/acl", body);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(1, (await ok.JsonAsync()).GetProperty("stat").GetProperty("aversion").GetInt32());
        Assert.Contains(AuditOf("otto", ZkOperationKind.SetAcl, "/acl"), r => r.Outcome == AuditOutcome.Succeeded);
        using var stale = await _operator.PutAsJsonAsync("/api/v1/ensembles/local/acl/acl", body);
        Assert.Equal(1, (await stale.ProblemAsync(412, ApiProblems.VersionConflict)).GetProperty("currentVersion").GetInt32());
        using var noVersion = await _operator.PutAsJsonAsync("/api/v1/ensembles/local/acl/acl", new { acl = body.acl });
        Assert.True((await noVersion.ProblemAsync(400, ApiProblems.Validation)).GetProperty("errors").TryGetProperty("aclVersion", out _));
        await using var check = await _host.ZooKeeperAsync();
        Assert.Equal(2, (await check.GetAclAsync("/acl")).Acl.Count);
    }

    [Fact]
    public async Task CopyAndMove_AsJobs_CopyTheSubtreeAndRefuseViewers()
    {
        await using (var zk = await _host.ZooKeeperAsync())
        {
            await zk.CreateAsync("/src", "root"u8.ToArray(), Acls.OpenUnsafe);
            await zk.CreateAsync("/src/a", "a"u8.ToArray(), Acls.OpenUnsafe);
        }
        using var denied = await _viewer.PostAsJsonAsync("/api/v1/ensembles/local/copy", new { from = "/src", to = "/dst" });
        // A viewer lacks both copyMove at the source and create at the target; the policy names the first it checks.
        Assert.Contains((await denied.ProblemAsync(403, ApiProblems.AccessDenied)).GetProperty("action").GetString(), new[] { "copyMove", "create" });
        Assert.Contains(_host.Audit.Records, r => r.Operation.User.Name == "vera" && r.Outcome == AuditOutcome.Denied && r.Operation.Path is "/src" or "/dst");
        using var dryRun = await _operator.PostAsJsonAsync("/api/v1/ensembles/local/copy", new { from = "/src", to = "/dst", dryRun = true });
        Assert.Equal(HttpStatusCode.OK, dryRun.StatusCode);
        Assert.Equal(2, (await dryRun.JsonAsync()).GetProperty("total").GetInt64());
        using var badPath = await _operator.PostAsJsonAsync("/api/v1/ensembles/local/copy", new { from = "src", to = "/dst" });
        Assert.True((await badPath.ProblemAsync(400, ApiProblems.Validation)).GetProperty("errors").TryGetProperty("from", out _));

        using var copy = await _operator.PostAsJsonAsync("/api/v1/ensembles/local/copy", new { from = "/src", to = "/dst" });
        Assert.Equal(HttpStatusCode.Accepted, copy.StatusCode);
        Assert.Equal("Succeeded", (await FinishedAsync(_operator, copy.Headers.Location!.OriginalString)).GetProperty("state").GetString());
        using var move = await _operator.PostAsJsonAsync("/api/v1/ensembles/local/move", new { from = "/dst", to = "/moved" });
        Assert.Equal(HttpStatusCode.Accepted, move.StatusCode);
        Assert.Equal("Succeeded", (await FinishedAsync(_operator, move.Headers.Location!.OriginalString)).GetProperty("state").GetString());
        Assert.Contains(AuditOf("otto", ZkOperationKind.Copy, "/src"), r => r.Outcome == AuditOutcome.Succeeded);

        await using var check = await _host.ZooKeeperAsync();
        Assert.Equal("a", Encoding.UTF8.GetString((await check.GetDataAsync("/moved/a")).Data));
        Assert.Null(await check.ExistsAsync("/dst"));
        Assert.NotNull(await check.ExistsAsync("/src/a"));
    }

    [Fact]
    public async Task Children_PagedWithCursor_ReturnsEveryChildOnceInOrder()
    {
        await using (var zk = await _host.ZooKeeperAsync())
        {
            await zk.CreateAsync("/kids", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
            for (var i = 0; i < 25; i++)
            {
                await zk.CreateAsync($"/kids/k{i:00}", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
            }
        }
        var seen = new List<string>();
        string? after = null;
        for (var page = 0; page < 10; page++)
        {
            using var response = await _viewer.GetAsync(Node("/kids") + "?children=true&limit=10&sort=name" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after)));
            var body = await response.JsonAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(25, body.GetProperty("total").GetInt32());
            seen.AddRange(body.GetProperty("children").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));
            after = body.GetProperty("next").GetString();
            if (after is null)
            {
                break;
            }
        }
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"k{i:00}"), seen);
        using var badLimit = await _viewer.GetAsync(Node("/kids") + "?children=true&limit=0");
        Assert.True((await badLimit.ProblemAsync(400, ApiProblems.Validation)).GetProperty("errors").TryGetProperty("limit", out _));
        using var badSort = await _viewer.GetAsync(Node("/kids") + "?children=true&sort=random");
        Assert.True((await badSort.ProblemAsync(400, ApiProblems.Validation)).GetProperty("errors").TryGetProperty("sort", out _));
        using var badBool = await _viewer.GetAsync(Node("/kids") + "?children=maybe");
        Assert.True((await badBool.ProblemAsync(400, ApiProblems.Validation)).GetProperty("errors").TryGetProperty("children", out _));
    }

    [Fact]
    public async Task Ensembles_HealthAndAlerts_ForEachRole()
    {
        foreach (var client in new[] { _viewer, _operator, _admin })
        {
            using var list = await client.GetAsync("/api/v1/ensembles");
            Assert.Contains((await list.JsonAsync()).EnumerateArray(), e => e.GetProperty("name").GetString() == "local");
            using var alerts = await client.GetAsync("/api/v1/ensembles/local/alerts");
            Assert.Equal(HttpStatusCode.OK, alerts.StatusCode);
        }
        var health = await Answers.Within(async () =>
        {
            using var r = await _viewer.GetAsync("/api/v1/ensembles/local/health");
            return r.StatusCode == HttpStatusCode.OK ? (object)await r.JsonAsync() : null;
        }, "the health monitor's first poll");
        Assert.Equal("local", ((System.Text.Json.JsonElement)health).GetProperty("ensemble").GetString());

        using var stranger = await _host.ClientAsync("sid", "strangers", "admin");
        Assert.Empty((await (await stranger.GetAsync("/api/v1/ensembles")).JsonAsync()).EnumerateArray());
        await (await stranger.GetAsync("/api/v1/ensembles/local/health")).ProblemAsync(403, ApiProblems.AccessDenied);
        await (await stranger.GetAsync("/api/v1/ensembles/local/alerts")).ProblemAsync(403, ApiProblems.AccessDenied);
        Assert.Contains(_host.Audit.Records, r => r.Operation.User.Name == "sid" && r.Outcome == AuditOutcome.Denied);
        using var anonymous = _host.Anonymous();
        await (await anonymous.GetAsync("/api/v1/ensembles")).ProblemAsync(401, ApiProblems.Unauthenticated);
    }

    [Fact]
    public async Task CookieRequest_WithoutAntiforgeryToken_IsRefusedAndWithItWrites()
    {
        await using (var zk = await _host.ZooKeeperAsync())
        {
            await zk.CreateAsync("/cookie", "c0"u8.ToArray(), Acls.OpenUnsafe);
        }
        var password = await _host.AccountWithPasswordAsync("carla", "operators");
        using var browser = _host.CookieClient();
        var login = await browser.GetStringAsync("/login");
        var token = System.Text.RegularExpressions.Regex.Match(login, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        using var signIn = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.UserName"] = "carla",
            ["Input.Password"] = password,
        }));
        Assert.True(signIn.StatusCode is not HttpStatusCode.BadRequest, $"sign-in: {signIn.StatusCode}");

        using var read = await browser.GetAsync(Node("/cookie"));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode); // signed in by the cookie; reads need no antiforgery token

        using var forged = await browser.SendAsync(Put("/cookie", "forged", "*"));
        await forged.ProblemAsync(400, ApiProblems.Antiforgery);

        var af = await (await browser.GetAsync("/api/v1/antiforgery")).JsonAsync();
        using var genuine = Put("/cookie", "genuine", "*");
        genuine.Headers.Add(af.GetProperty("headerName").GetString()!, af.GetProperty("token").GetString());
        using var written = await browser.SendAsync(genuine);
        Assert.Equal(HttpStatusCode.OK, written.StatusCode);
        await using var check = await _host.ZooKeeperAsync();
        Assert.Equal("genuine", Encoding.UTF8.GetString((await check.GetDataAsync("/cookie")).Data));
        Assert.Contains(AuditOf("carla", ZkOperationKind.SetData, "/cookie"), r => r.Outcome == AuditOutcome.Succeeded);
    }
}
