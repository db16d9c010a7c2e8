using ZkDashboard.Core.Cache;
using ZkDashboard.Web.Znodes.Live;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Tests.Znodes;

/// <summary>The scan's bookkeeping over an in-memory tree (the real walk is covered end to end in NodePanelTests).</summary>
public sealed class EphemeralOwnerScanTests
{
    private const long Owner = 0x1000a2b3c4d0001;
    private const long Other = 0x2000000000007;

    /// <summary>path → (ephemeralOwner, child names); "/denied" cannot be listed.</summary>
    private static readonly Dictionary<string, (long Owner, string[] Children)> Tree = new(StringComparer.Ordinal)
    {
        ["/"] = (0, ["a", "denied", "svc"]),
        ["/a"] = (Owner, []),
        ["/denied"] = (0, ["hidden"]),
        ["/denied/hidden"] = (Owner, []),
        ["/svc"] = (0, ["x", "y", "z"]),
        ["/svc/x"] = (Owner, []),
        ["/svc/y"] = (Other, []),
        ["/svc/z"] = (0, []),
    };

    private static Stat StatOf(string path) => new(1, 1, 0, 0, 0, 0, 0, Tree[path].Owner, 0, Tree[path].Children.Length, 1);

    private static Task<ChildrenPage> ListAsync(string parent, int offset, int limit, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (parent == "/denied")
        {
            throw new NoAuthException(parent, "NoAuth");
        }

        var all = Tree[parent].Children;
        var items = all.Skip(offset).Take(limit)
            .Select(n => new ChildEntry(n, parent == "/" ? "/" + n : parent + "/" + n, n == "z" ? null : StatOf(parent == "/" ? "/" + n : parent + "/" + n)))
            .ToList();
        return Task.FromResult(new ChildrenPage("e", parent, offset, items, all.Length, all.Length, items.Count, StatOf(parent), DateTimeOffset.UtcNow, false));
    }

    private static Task<Stat?> ExistsAsync(string path, CancellationToken ct) =>
        Task.FromResult(Tree.ContainsKey(path) ? StatOf(path) : null);

    [Fact]
    public async Task RunAsync_FindsOnlyTheOwnersNodes_AndCountsWhatItCouldNotList()
    {
        var scan = new EphemeralOwnerScan(Owner, "/");
        var reports = 0;
        await scan.RunAsync(ListAsync, ExistsAsync, () => reports++, CancellationToken.None);

        Assert.Equal(["/a", "/svc/x"], scan.Found);
        Assert.Equal(1, scan.Skipped);
        Assert.False(scan.Running);
        Assert.True(scan.Incomplete);
        Assert.True(reports >= 1);
        Assert.Contains("Done, the list may be incomplete: 2 ephemeral nodes of session 0x1000a2b3c4d0001 under /", scan.Summary);
        Assert.Contains("1 node(s) could not be listed", scan.Summary);
    }

    [Fact]
    public async Task RunAsync_StopsAtTheBound_AndSaysTheListIsIncomplete()
    {
        var scan = new EphemeralOwnerScan(Owner, "/", maxVisited: 3);
        await scan.RunAsync(ListAsync, ExistsAsync, () => { }, CancellationToken.None);

        Assert.True(scan.Truncated);
        Assert.Equal(3, scan.Visited);
        Assert.StartsWith("Stopped at the limit of 3 nodes, the list is incomplete", scan.Summary);
    }

    [Fact]
    public async Task RunAsync_Cancelled_SaysSoAndKeepsWhatItFound()
    {
        using var cts = new CancellationTokenSource();
        var scan = new EphemeralOwnerScan(Owner, "/");
        await scan.RunAsync(
            (p, o, l, ct) =>
            {
                if (p == "/svc")
                {
                    cts.Cancel();
                }

                return ListAsync(p, o, l, ct);
            },
            ExistsAsync, () => { }, cts.Token);

        Assert.True(scan.Cancelled);
        Assert.Equal(["/a"], scan.Found);
        Assert.StartsWith("Cancelled, the list is incomplete", scan.Summary);
    }

    [Fact]
    public async Task RunAsync_MissingRoot_ReportsItInsteadOfAnEmptyList()
    {
        var scan = new EphemeralOwnerScan(Owner, "/nope");
        await scan.RunAsync(ListAsync, ExistsAsync, () => { }, CancellationToken.None);

        Assert.Empty(scan.Found);
        Assert.Equal("Scan failed: /nope does not exist.", scan.Summary);
    }
}
