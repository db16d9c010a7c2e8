using System.Globalization;
using System.Text;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Tests.Sessions;
using ZkDashboard.Core.Transfer;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Transfer;

/// <summary>
/// Export and compare over extra read sessions (ZkDashboard:Transfer:ReadConnections, forced on for small trees here):
/// the same nodes in the same order as over the shared session, the sessions are closed afterwards, also when cancelled.
/// </summary>
[Collection(SessionsEnsembleCollection.Name)]
public sealed class ReadSessionsTests(EnsembleFixture fx)
{
    private const string Main = SessionsHarness.Main;
    private static readonly ActingUser Alice = new("alice", ["operators"], "127.0.0.1");
    private static readonly TransferOptions Shared = new() { ReadConnections = 0 };
    private static TransferOptions Extra => new() { ReadConnections = 3, ReadConnectionsMinNodes = 0 };

    /// <summary>Three parents of 600 children (chunk boundaries, read-ahead of the next sibling), a deep chain, a guarded node.</summary>
    private static async Task<int> SeedAsync(TransferHarness t, string root)
    {
        var client = await t.H.Sessions.GetClientAsync(Main);
        await client.CreateAsync(root, "root"u8.ToArray(), Acls.OpenUnsafe);
        var count = 1;
        foreach (var p in (string[])["b", "a", "c"])
        {
            await client.CreateAsync($"{root}/{p}", Encoding.UTF8.GetBytes("parent " + p), Acls.OpenUnsafe);
            count++;
            var ops = Enumerable.Range(0, 600).Select(i => Op.Create(string.Create(CultureInfo.InvariantCulture, $"{root}/{p}/n{599 - i:D3}"),
                Encoding.UTF8.GetBytes($"{p}{i}"), Acls.OpenUnsafe)).ToList();
            foreach (var batch in ops.Chunk(200))
            {
                await client.MultiAsync(batch);
            }
            count += ops.Count;
        }
        var deep = root + "/a/n001";
        for (var i = 0; i < 5; i++)
        {
            deep += "/d" + i;
            await client.CreateAsync(deep, Encoding.UTF8.GetBytes("d" + i), i == 2 ? [new Acl(Perms.Read, Id.AnyoneUnsafe), new Acl(Perms.All, Id.Ip("127.0.0.1"))] : Acls.OpenUnsafe);
            count++;
        }
        return count;
    }

    private static IEnumerable<string> Lines(TransferDocument doc) => doc.Nodes.Select(n =>
        $"{n.RelativePath}|{Convert.ToHexString(n.Data)}|{string.Join(";", (n.Acl ?? []).Select(a => $"{a.Id.Scheme}:{a.Id.Ident}:{(int)a.Perms}"))}|{n.Mode}|{n.Version}");

    [Fact]
    public async Task Export_OverExtraReadSessions_SameNodesInTheSameOrderAndTheSessionsClosed()
    {
        await using var t = await TransferHarness.StartAsync(fx);
        var total = await SeedAsync(t, "/big");
        var session = t.H.Sessions.Get(Main);

        using var sharedBytes = new MemoryStream();
        var sharedSummary = await t.NewTransfer(Shared).ExportAsync(Alice, new ExportRequest(Main, "/big"), sharedBytes);
        var sharedDoc = await t.Transfer.ReadFileAsync(new MemoryStream(sharedBytes.ToArray()), "shared.json");

        var seenOpen = 0;
        var progress = new SyncProgress(_ => seenOpen = Math.Max(seenOpen, session.ReadSessionsOpen));
        using var extraBytes = new MemoryStream();
        var extraSummary = await t.NewTransfer(Extra).ExportAsync(Alice, new ExportRequest(Main, "/big"), extraBytes, progress);
        var extraDoc = await t.Transfer.ReadFileAsync(new MemoryStream(extraBytes.ToArray()), "extra.json");

        Assert.Equal(total, sharedSummary.Nodes);
        Assert.Equal(total, extraSummary.Nodes);
        Assert.Equal(Lines(sharedDoc), Lines(extraDoc));
        // Pre-order with children by name: every node comes after its parent and before its parent's next sibling.
        var paths = extraDoc.Nodes.Select(n => n.RelativePath).ToList();
        Assert.Equal(paths.OrderBy(p => p, Comparer<string>.Create(TransferPaths.Compare)), paths);
        Assert.Equal("/a", paths[1]);
        Assert.Equal(3, seenOpen);
        Assert.Equal(0, session.ReadSessionsOpen);
    }

    [Fact]
    public async Task Export_CancelledWhileReadingOverExtraSessions_ThrowsAndClosesThem()
    {
        await using var t = await TransferHarness.StartAsync(fx);
        await SeedAsync(t, "/big");
        var session = t.H.Sessions.Get(Main);
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p =>
        {
            if (p.Done >= 1000)
            {
                cts.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            t.NewTransfer(Extra).ExportAsync(Alice, new ExportRequest(Main, "/big"), new MemoryStream(), progress, cts.Token));
        Assert.Equal(0, session.ReadSessionsOpen);
        Assert.Contains(t.H.Audit.Records, r => r.OperationName == "Export" && r.Outcome == AuditOutcome.Failed && r.Detail == "Export cancelled.");
    }

    [Fact]
    public async Task Compare_OverExtraReadSessions_SameResultAsOverTheSharedSession()
    {
        await using var t = await TransferHarness.StartAsync(fx);
        await SeedAsync(t, "/left");
        await SeedAsync(t, "/right");
        var client = await t.H.Sessions.GetClientAsync(Main);
        await client.SetDataAsync("/right/b/n100", "changed"u8.ToArray());
        await client.DeleteAsync("/right/c/n007");
        await client.CreateAsync("/right/c/zz", "new"u8.ToArray(), Acls.OpenUnsafe);

        var shared = await t.NewTransfer(Shared).CompareAsync(Alice, new CompareSide(Main, "/left"), new CompareSide(Main, "/right"));
        var extra = await t.NewTransfer(Extra).CompareAsync(Alice, new CompareSide(Main, "/left"), new CompareSide(Main, "/right"));

        Assert.Equal(["/b/n100:Different", "/c/n007:OnlyLeft", "/c/zz:OnlyRight"], extra.Entries.Select(e => $"{e.RelativePath}:{e.Kind}"));
        Assert.Equal(shared.Entries.Select(e => $"{e.RelativePath}:{e.Kind}"), extra.Entries.Select(e => $"{e.RelativePath}:{e.Kind}"));
        Assert.Equal(shared.Identical, extra.Identical);
        Assert.Equal(0, t.H.Sessions.Get(Main).ReadSessionsOpen);
    }

    /// <summary>Reports on the reporting thread (Progress&lt;T&gt; posts to the thread pool, too late for the assertions).</summary>
    private sealed class SyncProgress(Action<BulkProgress> report) : IProgress<BulkProgress>
    {
        public void Report(BulkProgress value) => report(value);
    }
}
