using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Changes;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Store;
using ZkDashboard.Core.Tests.Sessions;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Changes;

/// <summary>
/// Four-eyes changes through the real boundary on the sandbox ensemble, with the real policy, a real SQLite store and a
/// capturing audit sink; the node is checked with kazoo (another client), not with our own.
/// </summary>
[Collection(SessionsEnsembleCollection.Name)]
public sealed class ChangeRequestsTests(EnsembleFixture fx) : IDisposable
{
    private const string Main = SessionsHarness.Main;
    private const string Checkout = "/configs/checkout";
    private static readonly ActingUser Olga = new("olga", ["operators"], "10.0.0.5");
    private static readonly ActingUser Ada = new("ada", ["admins"], "10.0.0.6");
    private static readonly ActingUser Carl = new("carl", ["careful-admins"], null);
    private static readonly ActingUser Vera = new("vera", ["viewers"], null);
    private readonly string _db = Path.Combine(Path.GetTempPath(), $"zkd-changes-{Guid.NewGuid():N}.db");

    private Task<SessionsHarness> StartAsync() => SessionsHarness.StartAsync(fx, v =>
    {
        v["ZkDashboard:Store:SqlitePath"] = _db;
        v["ZkDashboard:Access:Bindings:0:Subject"] = "group:admins";
        v["ZkDashboard:Access:Bindings:0:Role"] = "admin";
        v["ZkDashboard:Access:Bindings:1:Subject"] = "group:operators";
        v["ZkDashboard:Access:Bindings:1:Role"] = "operator";
        v["ZkDashboard:Access:Bindings:1:RequireApproval:0"] = Checkout;
        v["ZkDashboard:Access:Bindings:2:Subject"] = "group:careful-admins";
        v["ZkDashboard:Access:Bindings:2:Role"] = "admin";
        v["ZkDashboard:Access:Bindings:2:RequireApproval:0"] = "/configs/**";
        v["ZkDashboard:Access:Bindings:3:Subject"] = "group:viewers";
        v["ZkDashboard:Access:Bindings:3:Role"] = "viewer";
    }, (services, configuration) =>
    {
        services.AddZkDashboardStore(configuration);
        services.AddZkDashboardChanges();
    });

    private static IChangeRequests Changes(SessionsHarness h) => h.Services.GetRequiredService<IChangeRequests>();

    private static async Task SeedAsync(SessionsHarness h, string data = "v1")
    {
        await h.Ops.CreateAsync(ActingUser.System, Main, new CreateNodeRequest("/configs", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe));
        await h.Ops.CreateAsync(ActingUser.System, Main, new CreateNodeRequest(Checkout, Encoding.UTF8.GetBytes(data), Acls.OpenUnsafe));
    }

    /// <summary>The node as kazoo sees it: (data, version), or null when it does not exist.</summary>
    private static async Task<(string Data, int Version)?> KazooGetAsync(SessionsHarness h, string path)
    {
        const string script = """
            import sys
            from kazoo.client import KazooClient
            from kazoo.exceptions import NoNodeError
            zk = KazooClient(hosts=sys.argv[1]); zk.start(timeout=30)
            try:
                zk.sync(sys.argv[2])
                data, stat = zk.get(sys.argv[2])
                print("%d|%s" % (stat.version, data.decode("utf-8")))
            except NoNodeError:
                print("NONODE")
            zk.stop()
            """;
        var r = await PeerClients.KazooAsync(script, h.ConnectString, h.Chroot + path);
        Assert.True(r.ExitCode == 0, r.StdErr);
        var line = r.StdOut.Trim();
        if (line == "NONODE")
        {
            return null;
        }
        var bar = line.IndexOf('|', StringComparison.Ordinal);
        return (line[(bar + 1)..], int.Parse(line[..bar], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task KazooSetAsync(SessionsHarness h, string path, string data)
    {
        const string script = """
            import sys
            from kazoo.client import KazooClient
            zk = KazooClient(hosts=sys.argv[1]); zk.start(timeout=30)
            zk.set(sys.argv[2], sys.argv[3].encode("utf-8"))
            zk.stop()
            """;
        var r = await PeerClients.KazooAsync(script, h.ConnectString, h.Chroot + path, data);
        Assert.True(r.ExitCode == 0, r.StdErr);
    }

    [Fact]
    public async Task SetDataAsync_OperatorOnApprovalPath_StoredAsRequestNodeUnchanged()
    {
        await using var h = await StartAsync();
        await SeedAsync(h);
        var submitted = await Assert.ThrowsAsync<ChangeRequestSubmittedException>(() => h.Ops.SetDataAsync(Olga, Main, Checkout, "v2"u8.ToArray(), 0));
        Assert.StartsWith($"Submitted for approval as request #{submitted.Request.Id}:", submitted.Message, StringComparison.Ordinal);

        Assert.Equal(("v1", 0), await KazooGetAsync(h, Checkout));
        var r = await Changes(h).GetAsync(Olga, submitted.Request.Id);
        Assert.NotNull(r);
        Assert.Equal(ChangeRequestState.Pending, r.State);
        Assert.Equal(ChangeOperation.SetData, r.Operation);
        Assert.Equal(0, r.BaseVersion);
        Assert.Equal("v1", Encoding.UTF8.GetString(r.BaseData!));
        Assert.Equal("v2", Encoding.UTF8.GetString(r.ProposedData!));
        Assert.Equal(("olga", "local"), (r.Author, r.AuthorProvider));
        // The API shows states and operations by name.
        var json = System.Text.Json.JsonSerializer.Serialize(r);
        Assert.Contains("\"State\":\"Pending\"", json, StringComparison.Ordinal);
        Assert.Contains("\"Operation\":\"SetData\"", json, StringComparison.Ordinal);

        var record = Assert.Single(h.Audit.Records, a => a.OperationName == "ChangeRequest");
        Assert.Equal(AuditOutcome.Succeeded, record.Outcome);
        Assert.Equal("olga", record.Operation.User.Name);
        Assert.Equal(ZkOperationKind.SetData, record.Operation.Kind);
        Assert.Equal("v1", Encoding.UTF8.GetString(record.Change!.DataBefore!.Value.Span));
        Assert.Equal("v2", Encoding.UTF8.GetString(record.Change.DataAfter!.Value.Span));
        Assert.Equal(0, record.Change.ExpectedVersion);
        Assert.DoesNotContain(h.Audit.Records, a => a.Operation.Kind == ZkOperationKind.SetData && a.OperationName is null && a.Outcome == AuditOutcome.Succeeded);

        // A stale expected version is refused like the write itself would be, and nothing is stored.
        await Assert.ThrowsAsync<BadVersionException>(() => h.Ops.SetDataAsync(Olga, Main, Checkout, "v3"u8.ToArray(), 7));
        Assert.Single(await Changes(h).ListAsync(Ada, new ChangeRequestQuery { Ensemble = Main, Path = Checkout }));
        // Elsewhere the operator writes directly.
        await h.Ops.CreateAsync(Olga, Main, new CreateNodeRequest("/configs/cart", "c"u8.ToArray(), Acls.OpenUnsafe));
        Assert.Equal(("c", 0), await KazooGetAsync(h, "/configs/cart"));
    }

    [Fact]
    public async Task ApproveAsync_SelfApproval_RefusedForOperatorAndAdmin_ThenAppliedByOtherAdmin()
    {
        await using var h = await StartAsync();
        await SeedAsync(h);
        var byOlga = (await Assert.ThrowsAsync<ChangeRequestSubmittedException>(() => h.Ops.SetDataAsync(Olga, Main, Checkout, "v2"u8.ToArray(), -1))).Request;

        var self = await Assert.ThrowsAsync<AccessDeniedException>(() => Changes(h).ApproveAsync(Olga, byOlga.Id, "lgtm"));
        Assert.Contains("nobody may approve their own change", self.Reason, StringComparison.Ordinal);
        var viewer = await Assert.ThrowsAsync<AccessDeniedException>(() => Changes(h).ApproveAsync(Vera, byOlga.Id, null));
        Assert.Contains("approveChanges needs admin", viewer.Reason, StringComparison.Ordinal);
        Assert.Equal(2, h.Audit.Records.Count(a => a.OperationName == "Approval" && a.Outcome == AuditOutcome.Denied));

        // An admin whose binding requires approval there cannot approve their own request either.
        await h.Ops.SetDataAsync(Ada, Main, "/configs", "parent"u8.ToArray(), -1);
        var byCarl = (await Assert.ThrowsAsync<ChangeRequestSubmittedException>(() => h.Ops.SetDataAsync(Carl, Main, "/configs", "carl"u8.ToArray(), 1))).Request;
        var carlSelf = await Assert.ThrowsAsync<AccessDeniedException>(() => Changes(h).ApproveAsync(Carl, byCarl.Id, null));
        Assert.Contains("whatever their role", carlSelf.Reason, StringComparison.Ordinal);
        // ...but may approve someone else's.
        var applied = await Changes(h).ApproveAsync(Carl, byOlga.Id, "fine");
        Assert.Equal(ChangeRequestState.Applied, applied.State);
        Assert.Equal(1, applied.ResultVersion);
        Assert.Equal("carl", applied.Reviewer);
        Assert.Equal(("v2", 1), await KazooGetAsync(h, Checkout));

        var done = await Changes(h).ApproveAsync(Ada, byCarl.Id, null);
        Assert.Equal(ChangeRequestState.Applied, done.State);
        Assert.Equal(("carl", 2), await KazooGetAsync(h, "/configs"));

        var approval = Assert.Single(h.Audit.Records, a => a.OperationName == "Approval" && a.Outcome == AuditOutcome.Succeeded && a.Operation.Path == Checkout);
        Assert.Equal("carl", approval.Operation.User.Name);
        Assert.Equal(1, approval.Change!.ResultVersion);
        Assert.Equal("v2", Encoding.UTF8.GetString(approval.Change.DataAfter!.Value.Span));
        // The write itself went through the boundary as the approver.
        Assert.Contains(h.Audit.Records, a => a.Operation.Kind == ZkOperationKind.SetData && a.OperationName is null && a.Outcome == AuditOutcome.Succeeded
            && a.Operation.User.Name == "carl" && a.Operation.Path == Checkout);
        // Approving twice is refused.
        await Assert.ThrowsAsync<ChangeRequestStateException>(() => Changes(h).ApproveAsync(Ada, byOlga.Id, null));
    }

    [Fact]
    public async Task ApproveAsync_NodeChangedOutside_ConflictWithThreeWay_RebaseThenApplied()
    {
        await using var h = await StartAsync();
        await SeedAsync(h);
        var request = (await Assert.ThrowsAsync<ChangeRequestSubmittedException>(() => h.Ops.SetDataAsync(Olga, Main, Checkout, "proposed"u8.ToArray(), 0))).Request;
        await KazooSetAsync(h, Checkout, "outside");

        var pending = await Changes(h).GetThreeWayAsync(Ada, request.Id);
        Assert.True(pending.Moved);

        var conflict = await Assert.ThrowsAsync<ChangeConflictException>(() => Changes(h).ApproveAsync(Ada, request.Id, null));
        Assert.Contains("is at version 1, not the base version 0", conflict.Message, StringComparison.Ordinal);
        var three = conflict.ThreeWay;
        Assert.Equal("v1", Encoding.UTF8.GetString(three.Request.BaseData!));
        Assert.Equal("outside", Encoding.UTF8.GetString(three.ServerData!));
        Assert.Equal(1, three.ServerVersion);
        Assert.Equal("proposed", Encoding.UTF8.GetString(three.Request.ProposedData!));
        Assert.Equal(("outside", 1), await KazooGetAsync(h, Checkout));
        var stored = await Changes(h).GetAsync(Ada, request.Id);
        Assert.Equal(ChangeRequestState.Conflict, stored!.State);
        Assert.Equal("outside", Encoding.UTF8.GetString(stored.ServerData!));
        Assert.Contains(h.Audit.Records, a => a.OperationName == "Approval" && a.Outcome == AuditOutcome.Failed);
        await Assert.ThrowsAsync<ChangeRequestStateException>(() => Changes(h).ApproveAsync(Ada, request.Id, null));

        // A viewer may not rebase someone's request; the author may.
        await Assert.ThrowsAsync<AccessDeniedException>(() => Changes(h).RebaseAsync(Vera, request.Id));
        var rebased = await Changes(h).RebaseAsync(Olga, request.Id);
        Assert.Equal(ChangeRequestState.Pending, rebased.State);
        Assert.Equal(1, rebased.BaseVersion);
        Assert.Equal("outside", Encoding.UTF8.GetString(rebased.BaseData!));
        Assert.Equal("proposed", Encoding.UTF8.GetString(rebased.ProposedData!));
        Assert.Equal((2, request.Id, "olga", "olga"), (rebased.Revision, rebased.PreviousId, rebased.Author, rebased.RebasedBy));
        var old = await Changes(h).GetAsync(Ada, request.Id);
        Assert.Equal((ChangeRequestState.Superseded, rebased.Id), (old!.State, old.SupersededById));
        Assert.Contains(h.Audit.Records, a => a.OperationName == "Rebase" && a.Outcome == AuditOutcome.Succeeded);

        // The rebased revision is still olga's: she cannot approve it; ada can.
        await Assert.ThrowsAsync<AccessDeniedException>(() => Changes(h).ApproveAsync(Olga, rebased.Id, null));
        var applied = await Changes(h).ApproveAsync(Ada, rebased.Id, "ok after rebase");
        Assert.Equal((ChangeRequestState.Applied, 2), (applied.State, applied.ResultVersion));
        Assert.Equal(("proposed", 2), await KazooGetAsync(h, Checkout));
    }

    [Fact]
    public async Task RejectAsync_WithComment_NodeUntouched_AuthorCannotRejectButWithdraws()
    {
        await using var h = await StartAsync();
        await SeedAsync(h);
        var delete = (await Assert.ThrowsAsync<ChangeRequestSubmittedException>(() => h.Ops.DeleteAsync(Olga, Main, Checkout, 0))).Request;
        Assert.Equal(ChangeOperation.Delete, delete.Operation);

        await Assert.ThrowsAsync<ArgumentException>(() => Changes(h).RejectAsync(Ada, delete.Id, "  "));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Changes(h).RejectAsync(Olga, delete.Id, "mine"));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Changes(h).WithdrawAsync(Ada, delete.Id));
        var rejected = await Changes(h).RejectAsync(Ada, delete.Id, "checkout is still in use");
        Assert.Equal((ChangeRequestState.Rejected, "checkout is still in use", "ada"), (rejected.State, rejected.Comment, rejected.Reviewer));
        Assert.Equal(("v1", 0), await KazooGetAsync(h, Checkout));
        var record = Assert.Single(h.Audit.Records, a => a.OperationName == "Rejection" && a.Outcome == AuditOutcome.Succeeded);
        Assert.Equal("checkout is still in use", record.Operation.Reason);
        await Assert.ThrowsAsync<ChangeRequestStateException>(() => Changes(h).ApproveAsync(Ada, delete.Id, null));
        await Assert.ThrowsAsync<ChangeRequestStateException>(() => Changes(h).WithdrawAsync(Olga, delete.Id));

        var acl = (await Assert.ThrowsAsync<ChangeRequestSubmittedException>(() => h.Ops.SetAclAsync(Olga, Main, Checkout, Acls.ReadUnsafe, 0))).Request;
        var withdrawn = await Changes(h).WithdrawAsync(Olga, acl.Id);
        Assert.Equal(ChangeRequestState.Withdrawn, withdrawn.State);
        Assert.Contains(h.Audit.Records, a => a.OperationName == "Withdrawal");
        var list = await Changes(h).ListAsync(Vera, new ChangeRequestQuery { Ensemble = Main, States = [ChangeRequestState.Pending] });
        Assert.Empty(list);
        Assert.Equal(2, (await Changes(h).ListAsync(Vera, new ChangeRequestQuery { Ensemble = Main })).Count);
    }

    [Fact]
    public async Task CreateAndSetAcl_Requests_AppliedByAdmin()
    {
        await using var h = await StartAsync();
        await h.Ops.CreateAsync(ActingUser.System, Main, new CreateNodeRequest("/configs", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe));
        var create = (await Assert.ThrowsAsync<ChangeRequestSubmittedException>(() =>
            h.Ops.CreateAsync(Olga, Main, new CreateNodeRequest(Checkout, "new"u8.ToArray(), Acls.OpenUnsafe)))).Request;
        Assert.Null(await KazooGetAsync(h, Checkout));
        Assert.Equal(-1, create.BaseVersion);
        var created = await Changes(h).ApproveAsync(Ada, create.Id, null);
        Assert.Equal((ChangeRequestState.Applied, Checkout), (created.State, created.ResultPath));
        Assert.Equal(("new", 0), await KazooGetAsync(h, Checkout));

        var acl = (await Assert.ThrowsAsync<ChangeRequestSubmittedException>(() => h.Ops.SetAclAsync(Olga, Main, Checkout, Acls.ReadUnsafe, -1))).Request;
        Assert.Equal(0, acl.BaseVersion);
        Assert.Equal(Acls.OpenUnsafe, acl.BaseAcl);
        var set = await Changes(h).ApproveAsync(Ada, acl.Id, null);
        Assert.Equal(1, set.ResultVersion);
        var node = await h.Ops.GetNodeAsync(Ada, Main, Checkout);
        Assert.Equal(Acls.ReadUnsafe, node.Acl);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            File.Delete(_db);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
