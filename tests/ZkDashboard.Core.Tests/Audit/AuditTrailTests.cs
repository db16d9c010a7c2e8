using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Audit;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Tests.Authorization;
using ZkDashboard.Core.Tests.Sessions;
using ZkDashboard.Core.Tests.Support;
using ZkDashboard.Testing;
using ZkDashboard.Testing.Postgres;
using ZkDashboard.ZooKeeper;
using static ZkDashboard.Core.Tests.Audit.AuditHarness;

namespace ZkDashboard.Core.Tests.Audit;

/// <summary>The durable audit trail written by the real operations against the real sandbox, on SQLite and PostgreSQL.</summary>
public abstract class AuditTrailTestsBase(EnsembleFixture fx)
{
    protected abstract Dictionary<string, string?> StoreSettings();

    /// <summary>Makes the store refuse writes (another connection holds the write lock) until disposed.</summary>
    protected abstract Task<IAsyncDisposable> LockStoreAsync();

    private Task<AuditHarness> StartAsync(Action<Dictionary<string, string?>>? settings = null) => AuditHarness.StartAsync(fx, StoreSettings(), settings);

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task Writes_EveryKind_RecordedWithBeforeAfterVersionsAndLinkedIntent()
    {
        await using var h = await StartAsync();
        var ops = h.Ops;
        await ops.CreateAsync(Alice, Main, new CreateNodeRequest("/a", B("one"), Acls.OpenUnsafe));
        WriteResult set;
        using (AuditAnnotations.WithReason("rotate the value"))
        {
            set = await ops.SetDataAsync(Alice, Main, "/a", B("two"), expectedVersion: 0);
        }
        await Assert.ThrowsAsync<BadVersionException>(() => ops.SetDataAsync(Alice, Main, "/a", B("three"), expectedVersion: 0));
        await ops.SetAclAsync(Alice, Main, "/a", [new Acl(Perms.Read | Perms.Write | Perms.Admin | Perms.Delete, Id.AnyoneUnsafe)], -1);
        await ops.CreateAsync(Alice, Main, new CreateNodeRequest("/tree", B("root"), Acls.OpenUnsafe));
        await ops.CreateAsync(Alice, Main, new CreateNodeRequest("/tree/x", B("x"), Acls.OpenUnsafe));
        var copy = await ops.CopySubtreeAsync(Alice, new CopyRequest(Main, "/tree", Main, "/tree2"));
        Assert.True(copy.Completed, copy.Summary);
        var move = await ops.CopySubtreeAsync(Alice, new CopyRequest(Main, "/tree2", Main, "/tree3") { Move = true });
        Assert.True(move.Completed, move.Summary);
        var rec = await ops.DeleteRecursiveAsync(Alice, Main, "/tree3");
        Assert.True(rec.Completed, rec.Summary);
        await ops.DeleteAsync(Alice, Main, "/a", expectedVersion: 1);
        await Assert.ThrowsAsync<AccessDeniedException>(() => ops.SetDataAsync(Vic, Main, "/tree", B("nope"), -1));

        var all = await h.AllAsync();
        var outcomes = all.Where(e => e.Outcome != AuditOutcome.Pending).ToList();
        // Every write has an intent, and its outcome record links to it.
        foreach (var o in outcomes.Where(e => e.Outcome is AuditOutcome.Succeeded or AuditOutcome.Failed && e.Operation != "Read"))
        {
            var intent = Assert.Single(all, e => e.Id == o.LinkedId);
            Assert.Equal(AuditOutcome.Pending, intent.Outcome);
            Assert.Equal(o.Operation, intent.Operation);
            Assert.True(intent.Id < o.Id);
        }

        var create = outcomes.First(e => e.Operation == "Create" && e.Path == "/a");
        Assert.Equal(AuditOutcome.Succeeded, create.Outcome);
        Assert.Equal("one", Encoding.UTF8.GetString(create.DataAfter!));
        Assert.Equal(3, create.SizeAfter);
        Assert.Equal(AuditHashing.Sha256(B("one")), create.Sha256After);
        Assert.Equal("world:anyone:cdrwa", create.AclAfter);
        Assert.Equal(0, create.ResultVersion);
        Assert.Equal("alice", create.User);
        Assert.Equal("local", create.Provider);
        Assert.Equal("10.1.2.3", create.ClientIp);
        Assert.Equal("test-agent/1.0", create.UserAgent);
        Assert.Equal("req-1", create.RequestId);
        Assert.Equal(Main, create.Ensemble);

        var setData = outcomes.First(e => e.Operation == "SetData" && e.Outcome == AuditOutcome.Succeeded);
        Assert.Equal("one", Encoding.UTF8.GetString(setData.DataBefore!));
        Assert.Equal("two", Encoding.UTF8.GetString(setData.DataAfter!));
        Assert.Equal(0, setData.ExpectedVersion);
        Assert.Equal(1, setData.ResultVersion);
        Assert.Equal(set.Stat!.Mzxid, setData.ResultMzxid);
        Assert.Equal("rotate the value", setData.Reason);

        var conflict = outcomes.Single(e => e.Operation == "SetData" && e.Outcome == AuditOutcome.Failed);
        Assert.Equal("two", Encoding.UTF8.GetString(conflict.DataBefore!));
        Assert.Equal("three", Encoding.UTF8.GetString(conflict.DataAfter!));
        Assert.Contains("version", conflict.Detail!, StringComparison.OrdinalIgnoreCase);

        var acl = outcomes.Single(e => e.Operation == "SetAcl");
        Assert.Equal("world:anyone:cdrwa", acl.AclBefore);
        Assert.Equal("world:anyone:drwa", acl.AclAfter);
        Assert.Equal(1, acl.ResultVersion); // aversion

        var copied = outcomes.Single(e => e.Operation == "Copy");
        Assert.Equal(("/tree", "/tree2", 2, 2), (copied.Path, copied.TargetPath, copied.Done, copied.Total));
        var moved = outcomes.Single(e => e.Operation == "Move");
        Assert.Equal(("/tree2", "/tree3", AuditOutcome.Succeeded), (moved.Path, moved.TargetPath, moved.Outcome));
        var recursive = outcomes.Single(e => e.Operation == "DeleteRecursive");
        Assert.Equal((2, 2), (recursive.Done, recursive.Total));

        var delete = outcomes.Single(e => e.Operation == "Delete");
        Assert.Equal("two", Encoding.UTF8.GetString(delete.DataBefore!));
        Assert.Equal("world:anyone:drwa", delete.AclBefore);
        Assert.Equal(1, delete.ExpectedVersion);

        var denied = outcomes.Single(e => e.Outcome == AuditOutcome.Denied);
        Assert.Equal(("vic", "ldap", "SetData", "/tree"), (denied.User, denied.Provider, denied.Operation, denied.Path));
        Assert.DoesNotContain(all, e => e.User == "vic" && e.Outcome == AuditOutcome.Pending); // refused before any intent

        // Reads are not stored by default.
        await ops.GetNodeAsync(Alice, Main, "/tree");
        Assert.DoesNotContain(await h.AllAsync(), e => e.Operation == "Read");

        Assert.Equal(new AuditVerification(true, all.Count, null), await h.Reader.VerifyAsync(Alice));
    }

    [Fact]
    public async Task Query_Filters_NewestFirstWithKeysetPagingAndGlob()
    {
        await using var h = await StartAsync();
        await h.Ops.CreateAsync(Alice, Main, new CreateNodeRequest("/configs", B(""), Acls.OpenUnsafe));
        for (var i = 0; i < 5; i++)
        {
            await h.Ops.CreateAsync(Alice, Main, new CreateNodeRequest($"/configs/c{i}", B($"{i}"), Acls.OpenUnsafe));
        }
        await h.Ops.CreateAsync(Alice, Main, new CreateNodeRequest("/configsx", B(""), Acls.OpenUnsafe));
        async Task<List<AuditEntry>> Q(AuditQuery q)
        {
            var list = new List<AuditEntry>();
            await foreach (var e in h.Reader.QueryAsync(Alice, q))
            {
                list.Add(e);
            }
            return list;
        }
        var page1 = await Q(new AuditQuery { PathGlob = "/configs/**", Limit = 4 });
        Assert.Equal(["/configs/c4", "/configs/c3", "/configs/c2", "/configs/c1"], page1.Select(e => e.Path));
        Assert.True(page1.Zip(page1.Skip(1)).All(p => p.First.Id > p.Second.Id));
        var page2 = await Q(new AuditQuery { PathGlob = "/configs/**", Limit = 4, BeforeId = page1[^1].Id });
        Assert.Equal(["/configs/c0", "/configs"], page2.Select(e => e.Path));
        Assert.Single(await Q(new AuditQuery { PathGlob = "/configsx" }));
        Assert.Empty(await Q(new AuditQuery { User = "bob" }));
        Assert.Equal(7, (await Q(new AuditQuery { User = "alice", Ensemble = Main, Operation = "Create", Outcome = AuditOutcome.Succeeded })).Count);
        Assert.Empty(await Q(new AuditQuery { To = DateTimeOffset.UtcNow.AddDays(-1) }));
        Assert.Equal(7, (await Q(new AuditQuery { From = DateTimeOffset.UtcNow.AddHours(-1) })).Count);
        await Assert.ThrowsAsync<AccessDeniedException>(async () => await h.Reader.QueryAsync(Vic, new AuditQuery()).ToListAsync());
        await Assert.ThrowsAsync<AccessDeniedException>(() => h.Reader.VerifyAsync(Vic));
        Assert.Contains(await h.AllAsync(), e => e.User == "vic" && e.Operation == "ReadAudit" && e.Outcome == AuditOutcome.Denied);
    }

    [Fact]
    public async Task Verify_RowUpdatedOrDeletedByRawSql_Detected()
    {
        await using var h = await StartAsync();
        await h.Ops.CreateAsync(Alice, Main, new CreateNodeRequest("/t", B("0"), Acls.OpenUnsafe));
        for (var i = 1; i <= 4; i++)
        {
            await h.Ops.SetDataAsync(Alice, Main, "/t", B($"{i}"), -1);
        }
        var all = await h.AllAsync();
        Assert.True((await h.Reader.VerifyAsync(Alice)).Ok);
        var victim = all[3].Id;

        await using (var db = await h.Store.CreateContextAsync())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE \"AuditRecords\" SET \"Detail\" = 'harmless' WHERE \"Id\" = {victim}");
        }
        var edited = await h.Reader.VerifyAsync(Alice);
        Assert.False(edited.Ok);
        Assert.Equal(victim, edited.FirstBadId);

        await using (var db = await h.Store.CreateContextAsync())
        {
            // Put the content back, then delete a row in the middle instead.
            var detail = all[3].Detail;
            await db.Database.ExecuteSqlAsync($"UPDATE \"AuditRecords\" SET \"Detail\" = {detail} WHERE \"Id\" = {victim}");
        }
        Assert.True((await h.Reader.VerifyAsync(Alice)).Ok);
        await using (var db = await h.Store.CreateContextAsync())
        {
            await db.Database.ExecuteSqlAsync($"DELETE FROM \"AuditRecords\" WHERE \"Id\" = {victim}");
        }
        var deleted = await h.Reader.VerifyAsync(Alice);
        Assert.False(deleted.Ok);
        Assert.Equal(victim, deleted.FirstBadId);
        Assert.Equal(victim - 1, deleted.Checked);
    }

    [Fact]
    public async Task Verify_NewestRowDeleted_Detected()
    {
        await using var h = await StartAsync();
        await h.Ops.CreateAsync(Alice, Main, new CreateNodeRequest("/n", B("0"), Acls.OpenUnsafe));
        var last = (await h.AllAsync())[^1].Id;
        await using (var db = await h.Store.CreateContextAsync())
        {
            await db.Database.ExecuteSqlAsync($"DELETE FROM \"AuditRecords\" WHERE \"Id\" = {last}");
        }
        var result = await h.Reader.VerifyAsync(Alice);
        Assert.False(result.Ok);
        Assert.Equal(last, result.FirstBadId);
    }

    [Fact]
    public async Task SetData_AnotherWriteBetweenTheIntentAndTheWrite_RecordsTheContentTheWriteReplaced()
    {
        // Another client writes the node just after the setData's intent record is committed, before the write is sent: the
        // outcome record's content before is what the write replaced (the other client's), never the content before that.
        // The before-read goes with the write, after the intent (a read sent before the intent's commit would have seen "one",
        // and the record could then not say what the write replaced).
        ZooKeeperClient? outside = null;
        await using var h = await AuditHarness.StartAsync(fx, StoreSettings(), onIntent: async (sp, intent) =>
        {
            if (intent.Operation.Kind == ZkOperationKind.SetData && intent.Operation.Path == "/raced")
            {
                await outside!.SetDataAsync("/raced", B("outside"), -1);
            }
        });
        await using var external = outside = await h.ExternalClientAsync();
        await h.Ops.CreateAsync(Alice, Main, new CreateNodeRequest("/raced", B("one"), Acls.OpenUnsafe));

        var raced = await h.Ops.SetDataAsync(Alice, Main, "/raced", B("mine"), -1);

        Assert.Equal(2, raced.Stat!.Version); // the outside write came first
        var record = (await h.AllAsync()).Single(e => e.Operation == "SetData" && e.Path == "/raced" && e.Outcome == AuditOutcome.Succeeded);
        Assert.Equal("outside", Encoding.UTF8.GetString(record.DataBefore!));
        Assert.Equal(AuditHashing.Sha256(B("outside")), record.Sha256Before);
        Assert.Equal("mine", Encoding.UTF8.GetString(record.DataAfter!));
        Assert.Equal(2, record.ResultVersion);
    }

    [Fact]
    public async Task Write_StoreUnavailable_RefusedBeforeSending_NodeUnchanged()
    {
        await using var h = await StartAsync(s => s["ZkDashboard:Audit:StoreTimeout"] = "00:00:01");
        await h.Ops.CreateAsync(Alice, Main, new CreateNodeRequest("/fc", B("before"), Acls.OpenUnsafe));
        // Let the writer finish the create's queued outcome record first: a batch still in flight when the test takes its
        // table locks would deadlock with it (on PostgreSQL) instead of meeting a store that is simply unavailable.
        await ((DbAuditTrail)h.Reader).FlushAsync();
        await using (await LockStoreAsync())
        {
            var refused = await Assert.ThrowsAsync<AuditUnavailableException>(() => h.Ops.SetDataAsync(Alice, Main, "/fc", B("after"), -1));
            Assert.Contains("audit record could not be stored", refused.Message, StringComparison.Ordinal);
            Assert.Contains("Nothing was changed", refused.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<AuditUnavailableException>(() => h.Ops.CreateAsync(Alice, Main, new CreateNodeRequest("/fc2", B("x"), Acls.OpenUnsafe)));
            await Assert.ThrowsAsync<AuditUnavailableException>(() => h.Ops.DeleteAsync(Alice, Main, "/fc", -1));
        }
        // Another client (kazoo) sees the node as it was: nothing was sent.
        var kazoo = await PeerClients.KazooAsync("""
            import sys
            from kazoo.client import KazooClient
            zk = KazooClient(hosts=sys.argv[1]); zk.start(timeout=30)
            data, stat = zk.get('/fc')
            print(data.decode(), stat.version, zk.exists('/fc2') is None)
            zk.stop()
            """, h.ConnectString + h.Chroot);
        Assert.True(kazoo.ExitCode == 0, kazoo.StdErr);
        Assert.Equal("before 0 True", kazoo.StdOut.Trim());

        // Once the store is back, writes go through again and the chain is intact.
        await h.Ops.SetDataAsync(Alice, Main, "/fc", B("after"), 0);
        Assert.True((await h.Reader.VerifyAsync(Alice)).Ok);
    }

    [Fact]
    public async Task Write_StoreUnavailableFailOpen_WriteGoesThrough()
    {
        await using var h = await StartAsync(s =>
        {
            s["ZkDashboard:Audit:StoreTimeout"] = "00:00:01";
            s["ZkDashboard:Audit:FailOpen"] = "true";
        });
        await h.Ops.CreateAsync(Alice, Main, new CreateNodeRequest("/fo", B("before"), Acls.OpenUnsafe));
        // Let the writer finish the create's queued outcome record first: a batch still in flight when the test takes its
        // table locks would deadlock with it (on PostgreSQL) instead of meeting a store that is simply unavailable.
        await ((DbAuditTrail)h.Reader).FlushAsync();
        await using (await LockStoreAsync())
        {
            await h.Ops.SetDataAsync(Alice, Main, "/fo", B("after"), -1);
        }
        await using var ext = await h.ExternalClientAsync();
        Assert.Equal("after", Encoding.UTF8.GetString((await ext.GetDataAsync("/fo", false)).Data));
    }

    [Fact]
    public async Task Retention_PurgesOldest_VerificationStillOk_PurgeAudited()
    {
        await using var h = await StartAsync(s => s["ZkDashboard:Audit:RetentionRows"] = "4");
        await h.Ops.CreateAsync(Alice, Main, new CreateNodeRequest("/r", B("0"), Acls.OpenUnsafe));
        for (var i = 1; i <= 5; i++)
        {
            await h.Ops.SetDataAsync(Alice, Main, "/r", B($"{i}"), -1);
        }
        var before = await h.AllAsync();
        Assert.Equal(12, before.Count);
        var purged = await h.Trail.PurgeAsync();
        Assert.Equal(8, purged);
        var after = await h.AllAsync();
        Assert.Equal(before[^4..].Select(e => e.Id).Append(before[^1].Id + 1), after.Select(e => e.Id));
        var purge = after[^1];
        Assert.Equal(("Purge", "system", AuditOutcome.Succeeded), (purge.Operation, purge.User, purge.Outcome));
        Assert.Contains("purged 8", purge.Detail!, StringComparison.Ordinal);
        Assert.Equal(new AuditVerification(true, 5, null), await h.Reader.VerifyAsync(Alice));
        await h.Ops.SetDataAsync(Alice, Main, "/r", B("6"), -1);
        Assert.True((await h.Reader.VerifyAsync(Alice)).Ok);
    }

    [Fact]
    public async Task Content_OverCap_KeepsOnlySizeAndHash()
    {
        await using var h = await StartAsync(s => s["ZkDashboard:Audit:ContentCapBytes"] = "8");
        await h.Ops.CreateAsync(Alice, Main, new CreateNodeRequest("/big", B("small"), Acls.OpenUnsafe));
        await h.Ops.SetDataAsync(Alice, Main, "/big", B("much larger than eight"), -1);
        var set = (await h.AllAsync()).Single(e => e.Operation == "SetData" && e.Outcome == AuditOutcome.Succeeded);
        Assert.Equal("small", Encoding.UTF8.GetString(set.DataBefore!));
        Assert.Null(set.DataAfter);
        Assert.Equal(22, set.SizeAfter);
        Assert.Equal(AuditHashing.Sha256(B("much larger than eight")), set.Sha256After);
    }

    [Fact]
    public async Task Reason_RequiredOnGlob_MissingRefusedClearly()
    {
        await using var h = await StartAsync(s => s["ZkDashboard:Audit:ReasonRequiredPaths:0"] = "/prod/**");
        await h.Ops.CreateAsync(Alice, Main, new CreateNodeRequest("/dev", B(""), Acls.OpenUnsafe));
        var refused = await Assert.ThrowsAsync<AuditReasonRequiredException>(() => h.Ops.CreateAsync(Alice, Main, new CreateNodeRequest("/prod", B(""), Acls.OpenUnsafe)));
        Assert.Contains("needs a reason", refused.Message, StringComparison.Ordinal);
        Assert.Contains("/prod/**", refused.Message, StringComparison.Ordinal);
        await using (var ext = await h.ExternalClientAsync())
        {
            Assert.Null(await ext.ExistsAsync("/prod", false));
        }
        using (AuditAnnotations.WithReason("INC-42 new prod root"))
        {
            await h.Ops.CreateAsync(Alice, Main, new CreateNodeRequest("/prod", B(""), Acls.OpenUnsafe));
        }
        var all = await h.AllAsync();
        Assert.Equal("INC-42 new prod root", all.Last(e => e.Path == "/prod" && e.Outcome == AuditOutcome.Succeeded).Reason);
        Assert.Contains(all, e => e.Path == "/prod" && e.Outcome == AuditOutcome.Failed && e.Detail!.Contains("needs a reason", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reads_Sampled_OneInN()
    {
        await using var h = await StartAsync(s =>
        {
            s["ZkDashboard:Audit:Reads"] = "Sampled";
            s["ZkDashboard:Audit:ReadSampleEvery"] = "3";
        });
        await h.Ops.CreateAsync(Alice, Main, new CreateNodeRequest("/s", B(""), Acls.OpenUnsafe));
        for (var i = 0; i < 9; i++)
        {
            await h.Ops.ExistsAsync(Alice, Main, "/s");
        }
        Assert.Equal(3, (await h.AllAsync()).Count(e => e.Operation == "Read"));
    }

    [Fact]
    public async Task Settle_UnknownOutcome_LinkedRecord()
    {
        await using var h = await StartAsync();
        await h.Ops.CreateAsync(Alice, Main, new CreateNodeRequest("/u", B("v1"), Acls.OpenUnsafe));
        var unknown = await h.Trail.AppendAsync(new AuditRecord(DateTimeOffset.UtcNow, new OperationContext(Alice, Main, ZkOperationKind.SetData, "/u"),
            AuditOutcome.Unknown, "connection lost"), required: true, default);
        Assert.NotNull(unknown);
        var settled = await h.Ops.SettleUnknownWriteAsync(Alice, Main, PendingWrite.SetData("/u", B("v1"), -1) with { AuditId = unknown });
        Assert.Equal(WriteVerdict.Applied, settled.Verdict);
        var link = (await h.AllAsync()).Single(e => e.LinkedId == unknown);
        Assert.Equal(("SettleSetData", AuditOutcome.Succeeded, "/u"), (link.Operation, link.Outcome, link.Path));
        Assert.Contains("settled by a re-read: Applied", link.Detail!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_Concurrent_OneConsistentChain()
    {
        await using var h = await StartAsync();
        await h.Ops.CreateAsync(Alice, Main, new CreateNodeRequest("/c", B(""), Acls.OpenUnsafe));
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => h.Ops.CreateAsync(Alice, Main, new CreateNodeRequest($"/c/n{i}", B($"{i}"), Acls.OpenUnsafe))));
        var all = await h.AllAsync();
        Assert.Equal(82, all.Count);
        Assert.Equal(Enumerable.Range(1, 82).Select(i => (long)i), all.Select(e => e.Id));
        Assert.Equal(new AuditVerification(true, 82, null), await h.Reader.VerifyAsync(Alice));
    }

    [Fact]
    public async Task Linger_QueuedOutcomeRidesWithTheNextIntent_AndAReadDoesNotWaitForIt()
    {
        // A writer linger of a minute: a record nobody waits for stays queued until something takes it.
        await using var h = await StartAsync(s => s["ZkDashboard:Audit:WriterLinger"] = "00:01:00");
        AuditRecord R(string path, AuditOutcome outcome) => new(DateTimeOffset.UtcNow, new OperationContext(Alice, Main, ZkOperationKind.SetData, path), outcome, "linger");
        Assert.Null(await h.Trail.AppendAsync(R("/linger/outcome", AuditOutcome.Succeeded), required: false, default)); // not committed yet
        await Task.Delay(300); // without the linger the writer task would commit it now
        await using (var db = await h.Store.CreateContextAsync())
        {
            Assert.Equal(0, await db.AuditRecords.CountAsync());
        }

        // The next intent is committed by its caller, with the queued record before it in the same transaction.
        Assert.Equal(2, await h.Trail.AppendAsync(R("/linger/intent", AuditOutcome.Pending), required: true, default));

        // A read of the trail flushes what is queued at once (well within the minute of linger).
        await h.Trail.AppendAsync(R("/linger/late", AuditOutcome.Succeeded), required: false, default);
        var all = await h.AllAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["/linger/outcome", "/linger/intent", "/linger/late"], all.Select(e => e.Path));
        Assert.Equal([1L, 2L, 3L], all.Select(e => e.Id));
        Assert.Equal(new AuditVerification(true, 3, null), await h.Reader.VerifyAsync(Alice));
    }

    [Fact]
    public async Task Append_RequiredInlineAndQueuedMixed_EveryRecordOnceInOneChain()
    {
        // Records a write waits for are committed by the caller when the writer is idle, queued ones by the writer task:
        // both kinds, from many callers at once, end up once each in one unbroken chain.
        await using var h = await StartAsync();
        var required = new System.Collections.Concurrent.ConcurrentBag<long>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(caller => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                var record = new AuditRecord(DateTimeOffset.UtcNow, new OperationContext(Alice, Main, ZkOperationKind.SetData, $"/mix/{caller}/{i}"), AuditOutcome.Pending, "mixed");
                if (i % 2 == 0)
                {
                    required.Add((await h.Trail.AppendAsync(record, required: true, default)).GetValueOrDefault(-1));
                }
                else
                {
                    await h.Trail.AppendAsync(record, required: false, default);
                }
            }
        })));
        await h.Trail.FlushAsync();
        var all = await h.AllAsync();
        Assert.Equal(320, all.Count);
        Assert.Equal(320, all.Select(e => e.Path).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 320).Select(i => (long)i), all.Select(e => e.Id).Order());
        Assert.Equal(160, required.Count);
        Assert.All(required, id => Assert.InRange(id, 1, 320));
        Assert.Equal(160, required.Distinct().Count());
        Assert.Equal(new AuditVerification(true, 320, null), await h.Reader.VerifyAsync(Alice));
    }
}

[Collection(SessionsEnsembleCollection.Name)]
public sealed class AuditTrailSqliteTests(EnsembleFixture fx) : AuditTrailTestsBase(fx), IDisposable
{
    private readonly StoreTestHost _host = new();

    protected override Dictionary<string, string?> StoreSettings() => new() { ["ZkDashboard:Store:SqlitePath"] = _host.DatabasePath };

    protected override async Task<IAsyncDisposable> LockStoreAsync()
    {
        var c = new SqliteConnection($"Data Source={_host.DatabasePath};Pooling=False");
        await c.OpenAsync();
        await using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "BEGIN EXCLUSIVE";
            await cmd.ExecuteNonQueryAsync();
        }
        return c; // disposing rolls back and releases the lock
    }

    public void Dispose() => _host.Dispose();
}

[Collection(SessionsEnsembleCollection.Name)]
public sealed class AuditTrailPostgresTests(EnsembleFixture fx, PostgresServer server) : AuditTrailTestsBase(fx), IClassFixture<PostgresServer>
{
    private readonly string _database = "zkd_" + Guid.NewGuid().ToString("N")[..12];

    protected override Dictionary<string, string?> StoreSettings() => new()
    {
        ["ZkDashboard:Store:Provider"] = "Postgres",
        ["ZkDashboard:Store:ConnectionString"] = server.ConnectionString(_database),
    };

    protected override async Task<IAsyncDisposable> LockStoreAsync()
    {
        var c = new NpgsqlConnection(server.ConnectionString(_database));
        await c.OpenAsync();
        await using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "BEGIN; LOCK TABLE \"AuditRecords\", \"AuditChain\" IN ACCESS EXCLUSIVE MODE;";
            await cmd.ExecuteNonQueryAsync();
        }
        return c;
    }
}
