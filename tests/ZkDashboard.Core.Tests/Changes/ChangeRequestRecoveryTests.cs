using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Changes;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Store;
using ZkDashboard.Core.Tests.Sessions;
using ZkDashboard.Testing;
using ZkDashboard.Testing.Postgres;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Changes;

/// <summary>
/// Requests left "applying" by a dashboard that stopped mid-apply (simulated by setting the row as the approval does), settled
/// by <see cref="ChangeRequestRecovery"/> with a re-read of the real node on the sandbox; on SQLite and PostgreSQL.
/// </summary>
public abstract class ChangeRequestRecoveryTestsBase(EnsembleFixture fx)
{
    private const string Main = SessionsHarness.Main;
    private static readonly ActingUser Carl = new("carl", ["careful-admins"], null);
    private static readonly Acl[] Proposed = [new Acl(Perms.Read | Perms.Write | Perms.Admin | Perms.Delete, Id.AnyoneUnsafe)];

    protected abstract void StoreSettings(Dictionary<string, string?> values);

    private Task<SessionsHarness> StartAsync() => SessionsHarness.StartAsync(fx, v =>
    {
        StoreSettings(v);
        v["ZkDashboard:Access:Bindings:0:Subject"] = "group:careful-admins";
        v["ZkDashboard:Access:Bindings:0:Role"] = "admin";
        v["ZkDashboard:Access:Bindings:0:RequireApproval:0"] = "/configs/**";
    }, (services, configuration) =>
    {
        services.AddZkDashboardStore(configuration);
        services.AddZkDashboardChanges(configuration);
    }, SessionsHarness.Definition("dead", "127.0.0.1:9")); // nothing listens there: an unreachable ensemble

    private static ChangeRequestRecovery Recovery(SessionsHarness h) => h.Services.GetRequiredService<ChangeRequestRecovery>();

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>Seeds the nodes and has Carl propose one change of each kind; returns (create, setData, setAcl, delete).</summary>
    private static async Task<long[]> ProposeAllAsync(SessionsHarness h)
    {
        foreach (var (path, data) in new[] { ("/configs", ""), ("/configs/data", "v1"), ("/configs/acl", "a"), ("/configs/gone", "g") })
        {
            await h.Ops.CreateAsync(ActingUser.System, Main, new CreateNodeRequest(path, B(data), Acls.OpenUnsafe));
        }
        var create = await Assert.ThrowsAsync<ChangeRequestSubmittedException>(() => h.Ops.CreateAsync(Carl, Main, new CreateNodeRequest("/configs/new", B("n"), Acls.OpenUnsafe)));
        var set = await Assert.ThrowsAsync<ChangeRequestSubmittedException>(() => h.Ops.SetDataAsync(Carl, Main, "/configs/data", B("v2"), 0));
        var acl = await Assert.ThrowsAsync<ChangeRequestSubmittedException>(() => h.Ops.SetAclAsync(Carl, Main, "/configs/acl", Proposed, 0));
        var delete = await Assert.ThrowsAsync<ChangeRequestSubmittedException>(() => h.Ops.DeleteAsync(Carl, Main, "/configs/gone", 0));
        return [create.Request.Id, set.Request.Id, acl.Request.Id, delete.Request.Id];
    }

    /// <summary>What approving does before it writes: the row goes to applying (approved <paramref name="ago"/> ago); then "the process dies".</summary>
    private static async Task MarkApplyingAsync(SessionsHarness h, long id, TimeSpan ago)
    {
        await using var db = await h.Services.GetRequiredService<IDashboardStore>().CreateContextAsync();
        var row = await db.ChangeRequests.SingleAsync(r => r.Id == id);
        row.State = nameof(ChangeRequestState.Applying);
        row.Reviewer = "ada";
        row.ReviewerProvider = "local";
        row.DecidedAt = DateTimeOffset.UtcNow - ago;
        row.Stamp = Guid.NewGuid();
        await db.SaveChangesAsync();
    }

    private static async Task<ChangeRequestRecord> RowAsync(SessionsHarness h, long id)
    {
        await using var db = await h.Services.GetRequiredService<IDashboardStore>().CreateContextAsync();
        return await db.ChangeRequests.AsNoTracking().SingleAsync(r => r.Id == id);
    }

    [Fact]
    public async Task RecoverAsync_NodeHoldsTheProposal_EveryKindMarkedAppliedAndAudited()
    {
        await using var h = await StartAsync();
        var ids = await ProposeAllAsync(h);
        foreach (var id in ids)
        {
            await MarkApplyingAsync(h, id, TimeSpan.FromHours(1));
        }
        // The writes went through before the process died (done here by another client).
        await using (var ext = await h.ExternalClientAsync())
        {
            await ext.CreateAsync("/configs/new", B("n"), Acls.OpenUnsafe);
            await ext.SetDataAsync("/configs/data", B("v2"), 0);
            await ext.SetAclAsync("/configs/acl", Proposed, 0);
            await ext.DeleteAsync("/configs/gone", 0);
        }

        var results = await Recovery(h).RecoverAsync();

        Assert.All(ids, id => Assert.Equal(ApplyingRecoveryOutcome.Applied, Assert.Single(results, r => r.Id == id).Outcome));
        foreach (var id in ids)
        {
            var row = await RowAsync(h, id);
            Assert.Equal(nameof(ChangeRequestState.Applied), row.State);
            Assert.Contains("found applied by a re-read", row.Result!, StringComparison.Ordinal);
            Assert.Equal("ada", row.Reviewer);
        }
        Assert.Equal(1, (await RowAsync(h, ids[1])).ResultVersion);
        Assert.Equal(1, (await RowAsync(h, ids[2])).ResultVersion);
        var audited = h.Audit.Records.Where(a => a.OperationName == "Recovery").ToList();
        Assert.Equal(ids.Length, audited.Count);
        Assert.All(audited, a => Assert.Equal((AuditOutcome.Succeeded, "system"), (a.Outcome, a.Operation.User.Name)));
        Assert.Contains(audited, a => a.Detail!.Contains($"change request #{ids[1]} (setData /configs/data on 'main') applying -> applied", StringComparison.Ordinal));
        // Settled once: a second sweep finds nothing applying.
        Assert.Empty(await Recovery(h).RecoverAsync());
    }

    [Fact]
    public async Task RecoverAsync_NodeDoesNotHoldTheProposal_EveryKindBackToPendingAndAudited()
    {
        await using var h = await StartAsync();
        var ids = await ProposeAllAsync(h);
        foreach (var id in ids)
        {
            await MarkApplyingAsync(h, id, TimeSpan.FromHours(1));
        }
        // The data moved on by someone else, but not to the proposal: still not applied.
        await using (var ext = await h.ExternalClientAsync())
        {
            await ext.SetDataAsync("/configs/data", B("other"), 0);
        }

        var results = await Recovery(h).RecoverAsync();

        Assert.All(ids, id => Assert.Equal(ApplyingRecoveryOutcome.ReturnedToPending, Assert.Single(results, r => r.Id == id).Outcome));
        foreach (var id in ids)
        {
            var row = await RowAsync(h, id);
            Assert.Equal(nameof(ChangeRequestState.Pending), row.State);
            Assert.Null(row.Reviewer);
            Assert.Null(row.DecidedAt);
            Assert.Contains("found it not applied", row.Result!, StringComparison.Ordinal);
        }
        Assert.Contains("is at version 1 with other data; the base was 0", (await RowAsync(h, ids[1])).Result!, StringComparison.Ordinal);
        var audited = h.Audit.Records.Where(a => a.OperationName == "Recovery").ToList();
        Assert.Equal(ids.Length, audited.Count);
        Assert.All(audited, a => Assert.Equal(AuditOutcome.Failed, a.Outcome));
        Assert.All(audited, a => Assert.Contains("applying -> pending", a.Detail!, StringComparison.Ordinal));
        // Pending again means it can be approved again (and then meets the conflict of the moved node, as any approval would).
        var again = await h.Services.GetRequiredService<IChangeRequests>().GetAsync(ActingUser.System, ids[0]);
        Assert.Equal(ChangeRequestState.Pending, again!.State);
    }

    [Fact]
    public async Task RecoverAsync_TooRecentOrUnreachable_LeftApplyingNotAudited()
    {
        await using var h = await StartAsync();
        var ids = await ProposeAllAsync(h);
        await MarkApplyingAsync(h, ids[1], TimeSpan.FromSeconds(5)); // another dashboard may be applying it right now
        long dead;
        await using (var db = await h.Services.GetRequiredService<IDashboardStore>().CreateContextAsync())
        {
            var row = new ChangeRequestRecord
            {
                Ensemble = "dead", Path = "/x", Operation = nameof(ChangeOperation.SetData), ProposedData = B("p"), BaseVersion = 0,
                Author = "carl", AuthorProvider = "local", CreatedAt = DateTimeOffset.UtcNow.AddHours(-2), State = nameof(ChangeRequestState.Pending),
                Stamp = Guid.NewGuid(),
            };
            db.ChangeRequests.Add(row);
            await db.SaveChangesAsync();
            dead = row.Id;
        }
        await MarkApplyingAsync(h, dead, TimeSpan.FromHours(1));
        var before = await RowAsync(h, dead);

        var results = await Recovery(h).RecoverAsync();

        Assert.Equal(ApplyingRecoveryOutcome.NotDue, Assert.Single(results, r => r.Id == ids[1]).Outcome);
        var unreachable = Assert.Single(results, r => r.Id == dead);
        Assert.Equal(ApplyingRecoveryOutcome.StillApplying, unreachable.Outcome);
        Assert.Contains("could not be read", unreachable.Detail, StringComparison.Ordinal);
        Assert.Equal(nameof(ChangeRequestState.Applying), (await RowAsync(h, ids[1])).State);
        var after = await RowAsync(h, dead);
        Assert.Equal((nameof(ChangeRequestState.Applying), before.Stamp), (after.State, after.Stamp));
        Assert.DoesNotContain(h.Audit.Records, a => a.OperationName == "Recovery");
    }
}

[Collection(SessionsEnsembleCollection.Name)]
public sealed class ChangeRequestRecoverySqliteTests(EnsembleFixture fx) : ChangeRequestRecoveryTestsBase(fx), IDisposable
{
    private readonly string _db = Path.Combine(Path.GetTempPath(), $"zkd-recovery-{Guid.NewGuid():N}.db");

    protected override void StoreSettings(Dictionary<string, string?> values) => values["ZkDashboard:Store:SqlitePath"] = _db;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_db);
    }
}

[Collection(SessionsEnsembleCollection.Name)]
public sealed class ChangeRequestRecoveryPostgresTests(EnsembleFixture fx, PostgresServer server) : ChangeRequestRecoveryTestsBase(fx), IClassFixture<PostgresServer>
{
    private readonly string _database = "zkd_" + Guid.NewGuid().ToString("N")[..12];

    protected override void StoreSettings(Dictionary<string, string?> values)
    {
        values["ZkDashboard:Store:Provider"] = "Postgres";
        values["ZkDashboard:Store:ConnectionString"] = server.ConnectionString(_database);
    }
}
