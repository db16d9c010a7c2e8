using System.Text;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Jobs;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Tests.Sessions;
using ZkDashboard.Core.Transfer;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Transfer;

/// <summary>Export, import and their dry run against the real sandbox, checked with kazoo.</summary>
[Collection(SessionsEnsembleCollection.Name)]
public sealed class TransferServiceTests(EnsembleFixture fx)
{
    private const string Main = SessionsHarness.Main;
    private static readonly ActingUser Alice = new("alice", ["operators"], "127.0.0.1");
    private static readonly IReadOnlyList<Acl> Guarded = [new Acl(Perms.Read, Id.AnyoneUnsafe), new Acl(Perms.All, Id.Ip("127.0.0.1"))];

    private static async Task SeedAsync(TransferHarness t, string root)
    {
        var ops = t.H.Ops;
        await ops.CreateAsync(Alice, Main, new CreateNodeRequest(root, "root"u8.ToArray(), Acls.OpenUnsafe));
        await ops.CreateAsync(Alice, Main, new CreateNodeRequest(root + "/text", Encoding.UTF8.GetBytes("héllo 日本語\n{\"a\":1}"), Acls.OpenUnsafe));
        await ops.CreateAsync(Alice, Main, new CreateNodeRequest(root + "/binary", new byte[] { 0, 0xff, 0xfe, 0x80, 1 }, Acls.OpenUnsafe));
        await ops.CreateAsync(Alice, Main, new CreateNodeRequest(root + "/empty", ReadOnlyMemory<byte>.Empty, Guarded));
        await ops.CreateAsync(Alice, Main, new CreateNodeRequest(root + "/box", "c"u8.ToArray(), Acls.OpenUnsafe, CreateMode.Container));
        await ops.CreateAsync(Alice, Main, new CreateNodeRequest(root + "/box/in", "x"u8.ToArray(), Acls.OpenUnsafe));
        await ops.CreateAsync(Alice, Main, new CreateNodeRequest(root + "/ttl", "t"u8.ToArray(), Acls.OpenUnsafe, CreateMode.PersistentWithTtl, 3_600_000));
        for (var i = 0; i < 30; i++)
        {
            await ops.CreateAsync(Alice, Main, new CreateNodeRequest($"{root}/many/n{i:D2}".Replace("/many/n", "/many-n", StringComparison.Ordinal), Encoding.UTF8.GetBytes($"v{i}"), Acls.OpenUnsafe));
        }
        await ops.CreateAsync(Alice, Main, new CreateNodeRequest(root + "/deep", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe));
        await ops.CreateAsync(Alice, Main, new CreateNodeRequest(root + "/deep/a", "1"u8.ToArray(), Acls.OpenUnsafe));
        await ops.CreateAsync(Alice, Main, new CreateNodeRequest(root + "/deep/a/b", "2"u8.ToArray(), Acls.OpenUnsafe));
    }

    [Theory]
    [InlineData(TransferFormat.ZkDashboard, false)]
    [InlineData(TransferFormat.ZkDashboard, true)]
    public async Task ExportImport_IntoNewPath_EqualNodeForNodeCheckedWithKazoo(TransferFormat format, bool gzip)
    {
        await using var t = await TransferHarness.StartAsync(fx);
        await SeedAsync(t, "/src");
        await t.H.Ops.CreateAsync(Alice, Main, new CreateNodeRequest("/restore", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe));

        var (doc, summary, bytes) = await t.ExportAsync(Alice, new ExportRequest(Main, "/src", format, IncludeStats: true, Gzip: gzip));
        Assert.Equal(gzip, bytes[0] == 0x1f && bytes[1] == 0x8b);
        Assert.Equal(40, summary.Nodes);
        Assert.Equal(40, doc.Nodes.Count);
        Assert.Equal(CreateMode.Container, doc.Nodes.Single(n => n.RelativePath == "/box").Mode);
        Assert.Equal(3_600_000, doc.Nodes.Single(n => n.RelativePath == "/ttl").TtlMs);

        var plan = await t.Transfer.PlanImportAsync(Alice, new ImportRequest(Main, "/restore/copy"), doc);
        Assert.Equal(40, plan.Counts.Create);
        Assert.Equal(0, plan.Counts.Update + plan.Counts.Delete + plan.Counts.Conflict);
        var (job, result) = await t.ApplyAsync(Alice, plan);
        Assert.Equal(BulkJobState.Succeeded, job.State);
        Assert.True(result.Completed, result.Summary);
        Assert.Equal(40, result.Created);

        var source = await TransferHarness.KazooDumpAsync(fx.ConnectString + t.H.Chroot, "/src");
        var copy = await TransferHarness.KazooDumpAsync(fx.ConnectString + t.H.Chroot, "/restore/copy");
        Assert.Equal(40, source.Count);
        Assert.Equal(source, copy); // path, data, ACL and ephemeral owner, node for node

        // The modes the file knew (container, TTL) are the modes the copy has: a re-export says so.
        var (again, _, _) = await t.ExportAsync(Alice, new ExportRequest(Main, "/restore/copy"));
        Assert.Equal(doc.Nodes.Select(n => (n.RelativePath, n.Mode, n.TtlMs)), again.Nodes.Select(n => (n.RelativePath, n.Mode, n.TtlMs)));

        var audit = Assert.Single(t.H.Audit.Records, r => r.OperationName == "Import");
        Assert.Equal(AuditOutcome.Succeeded, audit.Outcome);
        Assert.Equal(40, audit.Change!.Done);
        Assert.Contains(t.H.Audit.Records, r => r.OperationName == "Export" && r.Outcome == AuditOutcome.Succeeded);
    }

    [Fact]
    public async Task PlanImport_DryRun_WritesNothingAndListsEveryAction()
    {
        await using var t = await TransferHarness.StartAsync(fx);
        await SeedAsync(t, "/a");
        var (doc, _, _) = await t.ExportAsync(Alice, new ExportRequest(Main, "/a"));
        await using var ext = await t.H.ExternalClientAsync();
        // The target differs: one node changed, one ACL changed, one missing, one extra.
        await ext.SetDataAsync("/a/text", "changed"u8.ToArray());
        await ext.SetAclAsync("/a/binary", Acls.ReadUnsafe);
        await ext.DeleteAsync("/a/deep/a/b");
        await ext.CreateAsync("/a/extra", "e"u8.ToArray(), Acls.OpenUnsafe);
        var before = await TransferHarness.KazooDumpAsync(fx.ConnectString + t.H.Chroot, "/a");
        var recordsBefore = t.H.Audit.Records.Count;

        var plan = await t.Transfer.PlanImportAsync(Alice, new ImportRequest(Main, "/a", ImportMode.Mirror, ConflictCheck.Off), doc);
        Assert.Equal(1, plan.Counts.Create);
        Assert.Equal(1, plan.Counts.Update);
        Assert.Equal(1, plan.Counts.AclChange);
        Assert.Equal(1, plan.Counts.Delete);
        var update = Assert.Single(plan.Entries, e => e.Action == PlanAction.Update);
        Assert.Equal("/a/text", update.Path);
        Assert.Equal("changed", Encoding.UTF8.GetString(update.DataBefore!));
        Assert.Equal("héllo 日本語\n{\"a\":1}", Encoding.UTF8.GetString(update.DataAfter!));
        Assert.Equal("/a/extra", Assert.Single(plan.Entries, e => e.Action == PlanAction.Delete).Path);
        Assert.Equal("/a/deep/a/b", Assert.Single(plan.Entries, e => e.Action == PlanAction.Create).Path);

        // A dry run into a path that does not exist creates nothing either.
        var fresh = await t.Transfer.PlanImportAsync(Alice, new ImportRequest(Main, "/nowhere"), doc);
        Assert.Equal(doc.Nodes.Count, fresh.Counts.Create);

        Assert.Equal(before, await TransferHarness.KazooDumpAsync(fx.ConnectString + t.H.Chroot, "/a"));
        await ext.SyncAsync("/");
        Assert.Null(await ext.ExistsAsync("/nowhere"));
        Assert.DoesNotContain(t.H.Audit.Records.Skip(recordsBefore), r => !r.Operation.IsRead && r.Outcome == AuditOutcome.Succeeded);
    }

    [Fact]
    public async Task Import_MergeAndMirror_DeletesOnlyInMirror()
    {
        await using var t = await TransferHarness.StartAsync(fx);
        await SeedAsync(t, "/m");
        var (doc, _, _) = await t.ExportAsync(Alice, new ExportRequest(Main, "/m"));
        await using var ext = await t.H.ExternalClientAsync();
        await ext.CreateAsync("/m/extra", "e"u8.ToArray(), Acls.OpenUnsafe);
        await ext.CreateAsync("/m/extra/child", "c"u8.ToArray(), Acls.OpenUnsafe);

        var merge = await t.Transfer.PlanImportAsync(Alice, new ImportRequest(Main, "/m", ImportMode.Merge), doc);
        Assert.Equal(0, merge.Counts.Delete);
        Assert.Equal(0, merge.Counts.Writes);
        var (_, mergeResult) = await t.ApplyAsync(Alice, merge);
        Assert.Equal(0, mergeResult.Done);
        await ext.SyncAsync("/m");
        Assert.NotNull(await ext.ExistsAsync("/m/extra/child"));

        var mirror = await t.Transfer.PlanImportAsync(Alice, new ImportRequest(Main, "/m", ImportMode.Mirror), doc);
        Assert.Equal(2, mirror.Counts.Delete);
        var (job, result) = await t.ApplyAsync(Alice, mirror);
        Assert.True(result.Completed, result.Summary);
        Assert.Equal(2, result.Deleted);
        await ext.SyncAsync("/m");
        Assert.Null(await ext.ExistsAsync("/m/extra"));
        Assert.Equal(BulkJobKind.Import, job.Kind);
        Assert.Equal(2, t.H.Audit.Records.Count(r => r.Operation.Kind == ZkOperationKind.Delete && r.Outcome == AuditOutcome.Succeeded));
    }

    [Fact]
    public async Task Import_NodeChangedSinceExport_ConflictNotWrittenUnlessOverwritten()
    {
        await using var t = await TransferHarness.StartAsync(fx);
        await SeedAsync(t, "/c");
        var (doc, _, _) = await t.ExportAsync(Alice, new ExportRequest(Main, "/c"));
        await using var ext = await t.H.ExternalClientAsync();
        await ext.SetDataAsync("/c/text", "someone else"u8.ToArray());

        var plan = await t.Transfer.PlanImportAsync(Alice, new ImportRequest(Main, "/c"), doc); // same ensemble and root: checked
        Assert.True(plan.ConflictsChecked);
        var conflict = Assert.Single(plan.Entries, e => e.Action == PlanAction.Conflict);
        Assert.Equal("/c/text", conflict.Path);
        Assert.Contains("changed since the export", conflict.Note, StringComparison.Ordinal);
        var (_, skipped) = await t.ApplyAsync(Alice, plan);
        Assert.Equal(0, skipped.Done);
        await ext.SyncAsync("/c/text");
        Assert.Equal("someone else", Encoding.UTF8.GetString((await ext.GetDataAsync("/c/text")).Data));

        // The node changes again after the dry run: the versioned write refuses it and says so.
        var overwrite = await t.Transfer.PlanImportAsync(Alice, new ImportRequest(Main, "/c", OverwriteConflicts: true), doc);
        await ext.SetDataAsync("/c/text", "once more"u8.ToArray());
        var (_, refused) = await t.ApplyAsync(Alice, overwrite);
        Assert.False(refused.Completed);
        Assert.Contains(refused.Failures, f => f.StartsWith("/c/text: changed since the dry run", StringComparison.Ordinal));

        var again = await t.Transfer.PlanImportAsync(Alice, new ImportRequest(Main, "/c", OverwriteConflicts: true), doc);
        var (_, written) = await t.ApplyAsync(Alice, again);
        Assert.True(written.Completed, written.Summary);
        Assert.Equal(1, written.Updated);
        await ext.SyncAsync("/c/text");
        Assert.Equal("héllo 日本語\n{\"a\":1}", Encoding.UTF8.GetString((await ext.GetDataAsync("/c/text")).Data));
        var record = Assert.Single(t.H.Audit.Records, r => r.Operation.Kind == ZkOperationKind.SetData && r.Outcome == AuditOutcome.Succeeded);
        Assert.Equal("once more", Encoding.UTF8.GetString(record.Change!.DataBefore!.Value.Span));
    }

    [Fact]
    public async Task ZooNavigatorFormat_ProducedAndRead_MapsPathDataAndAcl()
    {
        await using var t = await TransferHarness.StartAsync(fx);
        await SeedAsync(t, "/z");
        var (doc, _, bytes) = await t.ExportAsync(Alice, new ExportRequest(Main, "/z", TransferFormat.ZooNavigator));
        var text = Encoding.UTF8.GetString(bytes);
        Assert.StartsWith("[{\"h\":{\"acl\":[{\"id\":\"anyone\",\"scheme\":\"world\",\"permissions\":[", text, StringComparison.Ordinal);
        Assert.Equal(TransferFormat.ZooNavigator, doc.Format);
        Assert.Equal(40, doc.Nodes.Count);
        Assert.Equal(new byte[] { 0, 0xff, 0xfe, 0x80, 1 }, doc.Nodes.Single(n => n.RelativePath == "/binary").Data);
        var emptyAcl = doc.Nodes.Single(n => n.RelativePath == "/empty").Acl;
        Assert.True(TransferAcl.Equal(Guarded, emptyAcl), TransferAcl.Text(emptyAcl) + " vs " + TransferAcl.Text(Guarded));

        // A file as ZooNavigator writes it (two selected nodes, nested children).
        var zoo = """
            [{"h":{"acl":[{"id":"anyone","scheme":"world","permissions":["create","read","write","delete","admin"]}],"path":"/apps/a","data":"aGVsbG8="},
              "t":[{"h":{"acl":[{"id":"anyone","scheme":"world","permissions":["read"]}],"path":"/apps/a/x","data":""},"t":[]}]},
             {"h":{"acl":[{"id":"anyone","scheme":"world","permissions":["read","write"]}],"path":"/apps/b","data":"Yg=="},"t":[]}]
            """;
        var read = await t.Transfer.ReadFileAsync(new MemoryStream(Encoding.UTF8.GetBytes(zoo)), "zoo.json");
        Assert.Equal("/apps", read.SourceRoot);
        Assert.Equal(["/a", "/a/x", "/b"], read.Nodes.Select(n => n.RelativePath));
        await t.H.Ops.CreateAsync(Alice, Main, new CreateNodeRequest("/zn", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe));
        var plan = await t.Transfer.PlanImportAsync(Alice, new ImportRequest(Main, "/zn"), read);
        var (_, result) = await t.ApplyAsync(Alice, plan);
        Assert.True(result.Completed, result.Summary);
        var dump = await TransferHarness.KazooDumpAsync(fx.ConnectString + t.H.Chroot, "/zn");
        Assert.Equal(["||world:anyone:31|0", "/a|68656c6c6f|world:anyone:31|0", "/a/x||world:anyone:1|0", "/b|62|world:anyone:3|0"], dump);
    }

    [Fact]
    public async Task Export_PathScoped_OmitsUnreadableNodesAndMaskedData()
    {
        await using var t = await TransferHarness.StartAsync(fx, v =>
        {
            v["ZkDashboard:Access:Roles:0:Name"] = "peeker";
            v["ZkDashboard:Access:Roles:0:Actions:0"] = "read";
            v["ZkDashboard:Access:Bindings:0:Subject"] = "group:pub";
            v["ZkDashboard:Access:Bindings:0:Role"] = "viewer";
            v["ZkDashboard:Access:Bindings:0:Paths"] = "/pub/**";
            v["ZkDashboard:Access:Bindings:1:Subject"] = "group:peekers";
            v["ZkDashboard:Access:Bindings:1:Role"] = "peeker";
            v["ZkDashboard:Access:SensitiveData:0"] = "/pub/masked/**";
        });
        foreach (var p in (string[])["/pub", "/pub/a", "/pub/masked", "/pub/masked/key", "/secret", "/secret/b"])
        {
            await t.H.Ops.CreateAsync(ActingUser.System, Main, new CreateNodeRequest(p, Encoding.UTF8.GetBytes("v" + p), Acls.OpenUnsafe));
        }
        var paul = new ActingUser("paul", ["pub"], null);
        var (doc, summary, bytes) = await t.ExportAsync(paul, new ExportRequest(Main, "/"));
        var text = Encoding.UTF8.GetString(bytes);
        Assert.DoesNotContain("/secret", text, StringComparison.Ordinal);
        Assert.Contains(doc.Nodes, n => n.RelativePath == "/pub/a" && Encoding.UTF8.GetString(n.Data) == "v/pub/a");
        Assert.True(doc.Nodes.Single(n => n.RelativePath == "").Hidden); // the root: by name only, on the way to /pub
        Assert.True(summary.Omitted >= 1);

        var pete = new ActingUser("pete", ["peekers"], null);
        var (peek, peekSummary, peekBytes) = await t.ExportAsync(pete, new ExportRequest(Main, "/pub"));
        var key = peek.Nodes.Single(n => n.RelativePath == "/masked/key");
        Assert.True(key.DataMasked);
        Assert.Empty(key.Data);
        Assert.DoesNotContain("v/pub/masked/key", Encoding.UTF8.GetString(peekBytes), StringComparison.Ordinal);
        Assert.True(peekSummary.Masked >= 1);

        var nobody = new ActingUser("nina", ["nobody"], null);
        await Assert.ThrowsAsync<AccessDeniedException>(() => t.Transfer.ExportAsync(nobody, new ExportRequest(Main, "/secret"), new MemoryStream()));
        Assert.Contains(t.H.Audit.Records, r => r.OperationName == "Export" && r.Outcome == AuditOutcome.Denied && r.Operation.User.Name == "nina");
        // Import needs create and setData at the target: a viewer is refused and nothing is written.
        await Assert.ThrowsAsync<AccessDeniedException>(() => t.Transfer.PlanImportAsync(paul, new ImportRequest(Main, "/pub"), doc));
    }

    [Fact]
    public async Task ScheduledBackups_RunThreeTimes_KeepsTheNewestReadableFiles()
    {
        await using var t = await TransferHarness.StartAsync(fx);
        await SeedAsync(t, "/bk");
        var dir = Path.Combine(Path.GetTempPath(), "zkd-backups-" + Guid.NewGuid().ToString("N"));
        var options = new BackupOptions { Directory = dir };
        options.Schedules.Add(new BackupSchedule { Ensemble = Main, Path = "/bk", Keep = 2 });
        using var backups = new ScheduledBackups(t.Transfer, Microsoft.Extensions.Options.Options.Create(options), Microsoft.Extensions.Logging.Abstractions.NullLogger<ScheduledBackups>.Instance);
        try
        {
            var written = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                written.AddRange(await backups.RunDueAsync(force: true, CancellationToken.None));
            }
            Assert.Equal(3, written.Distinct().Count());
            var kept = Directory.GetFiles(dir).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(written.Skip(1).Order(StringComparer.Ordinal), kept);
            await using var file = File.OpenRead(kept[^1]);
            var doc = await t.Transfer.ReadFileAsync(file, kept[^1]);
            Assert.Equal(40, doc.Nodes.Count);
            Assert.Empty(await backups.RunDueAsync(force: false, CancellationToken.None)); // not due again within its interval
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
