using System.Text;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Jobs;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Tests.Sessions;
using ZkDashboard.Core.Transfer;
using ZkDashboard.Sandbox;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Transfer;

/// <summary>Compare across two sandbox ensembles (staging vs prod) and against an export file; apply selected to the right.</summary>
[Collection(SessionsEnsembleCollection.Name)]
public sealed class CompareTests(EnsembleFixture fx) : IAsyncLifetime
{
    private const string Main = SessionsHarness.Main;
    private const string Prod = "prod";
    private static readonly ActingUser Alice = new("alice", ["operators"], "127.0.0.1");
    private SandboxEnsemble? _second;

    public async Task InitializeAsync() => _second = await SandboxEnsemble.StartAsync(new SandboxOptions { Servers = 1 });

    public async Task DisposeAsync()
    {
        if (_second is not null)
        {
            await _second.DisposeAsync();
        }
    }

    [Fact]
    public async Task Compare_TwoSandboxEnsembles_ListsDriftAndAppliesSelectedToTheRight()
    {
        var prodConnect = _second!.ConnectString;
        await using var t = await TransferHarness.StartAsync(fx, null, SessionsHarness.Definition(Prod, prodConnect));
        var ops = t.H.Ops;
        var root = "/cfg-" + Guid.NewGuid().ToString("N")[..8];
        foreach (var (ens, path, data) in new[]
        {
            (Main, root, "r"), (Main, root + "/same", "1"), (Main, root + "/changed", "staging"), (Main, root + "/new", "n"), (Main, root + "/new/kid", "k"),
            (Main, root + "/acl", "a"),
            (Prod, root, "r"), (Prod, root + "/same", "1"), (Prod, root + "/changed", "prod"), (Prod, root + "/old", "o"), (Prod, root + "/acl", "a"),
        })
        {
            await ops.CreateAsync(Alice, ens, new CreateNodeRequest(path, Encoding.UTF8.GetBytes(data), ens == Prod && path.EndsWith("/acl", StringComparison.Ordinal) ? Acls.ReadUnsafe.Concat([new Acl(Perms.All, Id.Ip("127.0.0.1"))]).ToList() : Acls.OpenUnsafe));
        }

        var result = await t.Transfer.CompareAsync(Alice, new CompareSide(Main, root), new CompareSide(Prod, root));
        Assert.Equal(6, result.LeftNodes);
        Assert.Equal(5, result.RightNodes);
        Assert.Equal(["/new", "/new/kid"], result.Entries.Where(e => e.Kind == CompareKind.OnlyLeft).Select(e => e.RelativePath));
        Assert.Equal("/old", Assert.Single(result.Entries, e => e.Kind == CompareKind.OnlyRight).RelativePath);
        var changed = Assert.Single(result.Entries, e => e.Kind == CompareKind.Different && e.DataDiffers);
        Assert.Equal("/changed", changed.RelativePath);
        Assert.Equal("staging", Encoding.UTF8.GetString(changed.Left!.Data));
        Assert.Equal("prod", Encoding.UTF8.GetString(changed.Right!.Data));
        var acl = Assert.Single(result.Entries, e => e.Kind == CompareKind.Different && e.AclDiffers);
        Assert.Equal("/acl", acl.RelativePath);
        Assert.False(acl.DataDiffers);
        Assert.Equal(2, result.Identical);

        // Apply /changed, /new and /new/kid to prod; /old and /acl stay as they are.
        var plan = await t.Transfer.PlanCompareApplyAsync(Alice, result, ["/changed", "/new", "/new/kid"], "promote");
        Assert.Equal(2, plan.Counts.Create);
        Assert.Equal(1, plan.Counts.Update);
        var (job, applied) = await t.ApplyAsync(Alice, plan);
        Assert.Equal(BulkJobKind.CompareApply, job.Kind);
        Assert.True(applied.Completed, applied.Summary);

        var prodDump = await TransferHarness.KazooDumpAsync(prodConnect, root);
        Assert.Contains(prodDump, l => l.StartsWith("/changed|" + Convert.ToHexStringLower("staging"u8), StringComparison.Ordinal));
        Assert.Contains(prodDump, l => l.StartsWith("/new/kid|6b|", StringComparison.Ordinal));
        Assert.Contains(prodDump, l => l.StartsWith("/old|", StringComparison.Ordinal));
        var audit = Assert.Single(t.H.Audit.Records, r => r.OperationName == "CompareApply");
        Assert.Equal(Prod, audit.Operation.Ensemble);
        Assert.Equal("promote", audit.Operation.Reason);
        Assert.Equal(3, audit.Change!.Done);

        var again = await t.Transfer.CompareAsync(Alice, new CompareSide(Main, root), new CompareSide(Prod, root));
        Assert.Equal(["/acl", "/old"], again.Entries.Select(e => e.RelativePath));
    }

    [Fact]
    public async Task Compare_AgainstExportFile_ShowsWhatChangedSince()
    {
        await using var t = await TransferHarness.StartAsync(fx);
        await t.H.Ops.CreateAsync(Alice, Main, new CreateNodeRequest("/f", "1"u8.ToArray(), Acls.OpenUnsafe));
        await t.H.Ops.CreateAsync(Alice, Main, new CreateNodeRequest("/f/a", "1"u8.ToArray(), Acls.OpenUnsafe));
        var (doc, _, _) = await t.ExportAsync(Alice, new ExportRequest(Main, "/f"));
        await t.H.Ops.SetDataAsync(Alice, Main, "/f/a", "2"u8.ToArray(), -1);

        var result = await t.Transfer.CompareAsync(Alice, new CompareSide(null, doc.SourceRoot, doc), new CompareSide(Main, "/f"));
        var entry = Assert.Single(result.Entries);
        Assert.Equal(("/a", CompareKind.Different, true), (entry.RelativePath, entry.Kind, entry.DataDiffers));
        var denied = await Assert.ThrowsAsync<AccessDeniedException>(() => t.Transfer.CompareAsync(ActingUser.Anonymous, new CompareSide(Main, "/f"), new CompareSide(Main, "/f")));
        Assert.Contains("nobody is signed in", denied.Reason, StringComparison.Ordinal);
    }
}
