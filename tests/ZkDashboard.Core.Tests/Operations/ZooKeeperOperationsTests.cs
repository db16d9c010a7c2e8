using System.Text;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Tests.Sessions;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Operations;

[Collection(SessionsEnsembleCollection.Name)]
public sealed class ZooKeeperOperationsTests(EnsembleFixture fx)
{
    private static readonly ActingUser Alice = new("alice", ["admin"], "127.0.0.1");
    private const string Main = SessionsHarness.Main;

    [Fact]
    public async Task Create_EveryMode_CreatesAndRecordsModeAndTtl()
    {
        await using var h = await SessionsHarness.StartAsync(fx);
        var ops = h.Ops;
        await ops.CreateAsync(Alice, Main, new CreateNodeRequest("/m", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe));
        var results = new Dictionary<CreateMode, WriteResult>();
        foreach (var mode in Enum.GetValues<CreateMode>())
        {
            var ttl = mode is CreateMode.PersistentWithTtl or CreateMode.PersistentSequentialWithTtl ? 60_000 : 0;
            results[mode] = await ops.CreateAsync(Alice, Main, new CreateNodeRequest($"/m/{mode}-", Encoding.UTF8.GetBytes(mode.ToString()), Acls.OpenUnsafe, mode, ttl));
        }
        Assert.Matches(@"^/m/PersistentSequential-\d{10}$", results[CreateMode.PersistentSequential].Path);
        Assert.Equal("/m/Persistent-", results[CreateMode.Persistent].Path);
        var eph = results[CreateMode.Ephemeral].Stat!;
        Assert.Equal(h.Sessions.GetStatus(Main).SessionId, eph.EphemeralOwner);

        var ttlNode = await ops.GetNodeAsync(Alice, Main, results[CreateMode.PersistentWithTtl].Path);
        Assert.Equal(CreateMode.PersistentWithTtl, ttlNode.CreatedHere!.Mode);
        Assert.Equal(60_000, ttlNode.CreatedHere.TtlMs);
        var container = await ops.GetNodeAsync(Alice, Main, results[CreateMode.Container].Path);
        Assert.Equal(CreateMode.Container, container.CreatedHere!.Mode);
        Assert.Equal(0, container.Stat.EphemeralOwner); // what the server says; only our record knows it is a container

        var ephemerals = await ops.GetEphemeralsAsync(Alice, Main, "/m");
        Assert.Contains(results[CreateMode.Ephemeral].Path, ephemerals);
        Assert.Contains(results[CreateMode.EphemeralSequential].Path, ephemerals);

        await Assert.ThrowsAsync<ArgumentException>(() => ops.CreateAsync(Alice, Main, new CreateNodeRequest("/m/nottl", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe, CreateMode.PersistentWithTtl)));
        var badName = await Assert.ThrowsAsync<InvalidPathException>(() => ops.CreateAsync(Alice, Main, new CreateNodeRequest("/m/bad\u0001name", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe)));
        Assert.False(string.IsNullOrWhiteSpace(badName.Message));
    }

    [Fact]
    public async Task SetDataAndDelete_ExpectedVersions_ConflictsRefused()
    {
        await using var h = await SessionsHarness.StartAsync(fx);
        var ops = h.Ops;
        await ops.CreateAsync(Alice, Main, new CreateNodeRequest("/v", "a"u8.ToArray(), Acls.OpenUnsafe));
        var set = await ops.SetDataAsync(Alice, Main, "/v", "b"u8.ToArray(), expectedVersion: 0);
        Assert.Equal(1, set.Stat!.Version);
        Assert.False(set.ConfirmedAfterConnectionLoss);
        var conflict = await Assert.ThrowsAsync<BadVersionException>(() => ops.SetDataAsync(Alice, Main, "/v", "c"u8.ToArray(), expectedVersion: 0));
        Assert.Equal("/v", conflict.Path);
        Assert.Equal("b", Encoding.UTF8.GetString((await ops.GetNodeAsync(Alice, Main, "/v")).Data));
        await Assert.ThrowsAsync<BadVersionException>(() => ops.DeleteAsync(Alice, Main, "/v", expectedVersion: 0));
        await ops.DeleteAsync(Alice, Main, "/v", expectedVersion: 1);
        Assert.Null(await ops.ExistsAsync(Alice, Main, "/v"));
    }

    [Fact]
    public async Task DeleteRecursive_Subtree_CountsReportsProgressAndDeletesEverything()
    {
        await using var h = await SessionsHarness.StartAsync(fx, s => s["ZkDashboard:Sessions:BulkBatchSize"] = "50");
        await using var ext = await h.ExternalClientAsync();
        var total = await BuildTreeAsync(ext, "/tree");
        Assert.Equal(total, await h.Ops.CountSubtreeAsync(Alice, Main, "/tree"));
        var progress = new RecordingProgress();
        var result = await h.Ops.DeleteRecursiveAsync(Alice, Main, "/tree", progress);
        Assert.True(result.Completed, result.Summary);
        Assert.Equal(total, result.Total);
        Assert.Equal(total, result.Done);
        Assert.Contains(progress.Reports, p => p.Phase == "deleting" && p.Done < total);
        await ext.SyncAsync("/"); // another session: catch up with the leader before checking
        Assert.Null(await ext.ExistsAsync("/tree"));
    }

    [Fact]
    public async Task DeleteRecursive_Cancelled_ReportsTruthfulPartialResult()
    {
        await using var h = await SessionsHarness.StartAsync(fx, s => s["ZkDashboard:Sessions:BulkBatchSize"] = "20");
        await using var ext = await h.ExternalClientAsync();
        var total = await BuildTreeAsync(ext, "/tree");
        using var cts = new CancellationTokenSource();
        var progress = new RecordingProgress(p => { if (p.Phase == "deleting") { cts.Cancel(); } });
        var result = await h.Ops.DeleteRecursiveAsync(Alice, Main, "/tree", progress, cts.Token);
        Assert.True(result.Cancelled);
        Assert.False(result.Completed);
        Assert.InRange(result.Done, 1, total - 1);
        await ext.SyncAsync("/");
        var remaining = await ext.GetAllChildrenNumberAsync("/tree") + 1;
        Assert.Equal(total - result.Done, remaining);
    }

    [Fact]
    public async Task CopyAndMove_Subtree_DryRunCountsThenCopiesDataAndAcl()
    {
        await using var h = await SessionsHarness.StartAsync(fx, s => s["ZkDashboard:Sessions:BulkBatchSize"] = "25");
        await using var ext = await h.ExternalClientAsync();
        var total = await BuildTreeAsync(ext, "/src");
        await ext.SetAclAsync("/src/a0/b0/c0", Acls.ReadUnsafe);

        var dry = await h.Ops.CopySubtreeAsync(Alice, new CopyRequest(Main, "/src", Main, "/copy", DryRun: true));
        Assert.True(dry.DryRun);
        Assert.Equal(total, dry.Total);
        await ext.SyncAsync("/");
        Assert.Null(await ext.ExistsAsync("/copy"));

        var copy = await h.Ops.CopySubtreeAsync(Alice, new CopyRequest(Main, "/src", Main, "/copy"));
        Assert.True(copy.Completed, copy.Summary);
        Assert.Equal(total, copy.Done);
        await ext.SyncAsync("/");
        Assert.Equal(total, await ext.GetAllChildrenNumberAsync("/copy") + 1);
        Assert.Equal((await ext.GetDataAsync("/src/a1/b2")).Data, (await ext.GetDataAsync("/copy/a1/b2")).Data);
        Assert.Equal(Perms.Read, Assert.Single((await ext.GetAclAsync("/copy/a0/b0/c0")).Acl).Perms);

        await Assert.ThrowsAsync<NodeExistsException>(() => h.Ops.CopySubtreeAsync(Alice, new CopyRequest(Main, "/src", Main, "/copy")));
        await Assert.ThrowsAsync<ArgumentException>(() => h.Ops.CopySubtreeAsync(Alice, new CopyRequest(Main, "/src", Main, "/src/inside")));

        var move = await h.Ops.CopySubtreeAsync(Alice, new CopyRequest(Main, "/copy", Main, "/moved", Move: true));
        Assert.True(move.Completed, move.Summary);
        await ext.SyncAsync("/");
        Assert.Null(await ext.ExistsAsync("/copy"));
        Assert.Equal(total, await ext.GetAllChildrenNumberAsync("/moved") + 1);
    }

    [Fact]
    public async Task GetNode_NoAuth_NamesCredentialsUsedAndAcl()
    {
        await using var h = await SessionsHarness.StartAsync(fx, null);
        await using var ext = await h.ExternalClientAsync();
        await ext.AddAuthAsync("digest", "carol:secret"u8.ToArray());
        await ext.CreateAsync("/locked", "x"u8.ToArray(), [new Acl(Perms.All, Id.Digest("carol", "secret")), new Acl(Perms.Admin, Id.AnyoneUnsafe)]);
        h.Registry.Put(SessionsHarness.Definition("asbob", h.ConnectString + h.Chroot, credentials: new DigestCredential("bob", "pw")));
        h.Registry.Put(SessionsHarness.Definition("ascarol", h.ConnectString + h.Chroot, credentials: new DigestCredential("carol", "secret")));

        var denied = await Assert.ThrowsAsync<NodeAccessDeniedException>(() => h.Ops.GetNodeAsync(Alice, "asbob", "/locked"));
        Assert.Contains("digest user 'bob'", denied.Message);
        Assert.NotNull(denied.Acl);
        Assert.Contains(denied.Acl, a => a.Id.Scheme == "digest" && a.Id.Ident.StartsWith("carol:", StringComparison.Ordinal));
        var anonymous = await Assert.ThrowsAsync<NodeAccessDeniedException>(() => h.Ops.GetNodeAsync(Alice, Main, "/locked"));
        Assert.Contains("no credentials", anonymous.Message);

        var asCarol = await h.Ops.GetNodeAsync(Alice, "ascarol", "/locked");
        Assert.Equal("x", Encoding.UTF8.GetString(asCarol.Data));
        var aclVersion = asCarol.Stat.Aversion;
        await Assert.ThrowsAsync<BadVersionException>(() => h.Ops.SetAclAsync(Alice, "ascarol", "/locked", Acls.OpenUnsafe, aclVersion + 5));
        var set = await h.Ops.SetAclAsync(Alice, "ascarol", "/locked", Acls.OpenUnsafe, aclVersion);
        Assert.Equal(aclVersion + 1, set.Stat!.Aversion);
        Assert.Equal("x", Encoding.UTF8.GetString((await h.Ops.GetNodeAsync(Alice, "asbob", "/locked")).Data));
    }

    [Fact]
    public async Task Write_ReadOnlyEnsemble_RefusedWithReason()
    {
        await using var h = await SessionsHarness.StartAsync(fx, null);
        h.Registry.Put(SessionsHarness.Definition("ro", h.ConnectString + h.Chroot, readOnly: true));
        var ex = await Assert.ThrowsAsync<EnsembleReadOnlyException>(() => h.Ops.CreateAsync(Alice, "ro", new CreateNodeRequest("/nope", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe)));
        Assert.Contains("read-only", ex.Message);
        Assert.NotNull(await h.Ops.GetNodeAsync(Alice, "ro", "/"));
    }

    [Fact]
    public async Task AccessPolicyAndAudit_EveryCallPassesTheSeam()
    {
        var policy = new RecordingPolicy();
        await using var h = await SessionsHarness.StartAsync(fx);
        var ops = new ZooKeeperOperations(h.Sessions, h.Cache, policy, policy, new InMemoryCreatedNodeRegistry(),
            Microsoft.Extensions.Options.Options.Create(new SessionOptions()), Microsoft.Extensions.Logging.Abstractions.NullLogger<ZooKeeperOperations>.Instance);
        await ops.CreateAsync(Alice, Main, new CreateNodeRequest("/audited", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe));
        policy.Deny = true;
        await Assert.ThrowsAsync<AccessDeniedException>(() => ops.DeleteAsync(Alice, Main, "/audited", 0));
        Assert.NotNull(await h.Ops.ExistsAsync(Alice, Main, "/audited"));
        Assert.Contains(policy.Records, r => r.Operation.Kind == ZkOperationKind.Create && r.Outcome == AuditOutcome.Succeeded && r.Operation.User == Alice);
        Assert.Contains(policy.Records, r => r.Operation.Kind == ZkOperationKind.Delete && r.Outcome == AuditOutcome.Denied);
    }

    /// <summary>Builds /root with 4 children, each with 6 children, each with 5 children (1 + 4 + 24 + 120 = 149 nodes).</summary>
    private static async Task<long> BuildTreeAsync(ZooKeeperClient client, string root)
    {
        var ops = new List<Op> { Op.Create(root, "root"u8.ToArray(), Acls.OpenUnsafe) };
        for (var a = 0; a < 4; a++)
        {
            ops.Add(Op.Create($"{root}/a{a}", Encoding.UTF8.GetBytes($"a{a}"), Acls.OpenUnsafe));
            for (var b = 0; b < 6; b++)
            {
                ops.Add(Op.Create($"{root}/a{a}/b{b}", Encoding.UTF8.GetBytes($"a{a}b{b}"), Acls.OpenUnsafe));
                for (var c = 0; c < 5; c++)
                {
                    ops.Add(Op.Create($"{root}/a{a}/b{b}/c{c}", new byte[c], Acls.OpenUnsafe));
                }
            }
        }
        await client.MultiAsync(ops);
        return ops.Count;
    }

    private sealed class RecordingProgress(Action<BulkProgress>? onReport = null) : IProgress<BulkProgress>
    {
        public List<BulkProgress> Reports { get; } = [];

        public void Report(BulkProgress value)
        {
            lock (Reports)
            {
                Reports.Add(value);
            }
            onReport?.Invoke(value);
        }
    }

    private sealed class RecordingPolicy : IAccessPolicy, IAuditSink
    {
        public bool Deny { get; set; }
        public List<AuditRecord> Records { get; } = [];

        public ValueTask AuthorizeAsync(OperationContext operation, CancellationToken ct)
            => Deny && !operation.IsRead ? throw new AccessDeniedException(operation, "test policy denies writes") : ValueTask.CompletedTask;

        public ValueTask RecordAsync(AuditRecord record, CancellationToken ct)
        {
            lock (Records)
            {
                Records.Add(record);
            }
            return ValueTask.CompletedTask;
        }
    }
}
