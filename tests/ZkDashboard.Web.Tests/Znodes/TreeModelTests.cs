using ZkDashboard.Core.Cache;
using ZkDashboard.Web.Znodes.Tree;
using ZkDashboard.Web.Preview;

namespace ZkDashboard.Web.Tests.Znodes;

public sealed class TreeModelTests
{
    private static InMemoryTreeDataSource Sample()
    {
        var source = new InMemoryTreeDataSource();
        source.Add("/a");
        source.Add("/a/x");
        source.Add("/a/y");
        source.Add("/b");
        source.Add("/c");
        source.Add("/c/z");
        return source;
    }

    private static async Task<List<string>> Paths(TreeModel model) =>
        (await model.GetRowsAsync(0, model.Count, CancellationToken.None)).Select(r => r.Path).ToList();

    [Fact]
    public async Task Load_ShowsRootAndItsChildren()
    {
        var model = new TreeModel(Sample());
        await model.LoadAsync(CancellationToken.None);
        Assert.Equal(["/", "/a", "/b", "/c"], await Paths(model));
        var rows = await model.GetRowsAsync(0, 4, CancellationToken.None);
        Assert.Equal([1, 2, 2, 2], rows.Select(r => r.Level));
        Assert.Equal([1, 1, 2, 3], rows.Select(r => r.PosInSet));
        Assert.All(rows.Skip(1), r => Assert.Equal(3, r.SetSize));
    }

    [Fact]
    public async Task Expand_InsertsChildrenAfterTheNode_AndCollapseRemovesThem()
    {
        var model = new TreeModel(Sample());
        await model.LoadAsync(CancellationToken.None);
        Assert.True(await model.ExpandAsync("/a", CancellationToken.None));
        Assert.True(await model.ExpandAsync("/c", CancellationToken.None));
        Assert.Equal(["/", "/a", "/a/x", "/a/y", "/b", "/c", "/c/z"], await Paths(model));
        Assert.Equal(5, await model.IndexOfAsync("/c", CancellationToken.None));
        Assert.Equal(6, await model.IndexOfAsync("/c/z", CancellationToken.None));

        Assert.True(model.Collapse("/a"));
        Assert.Equal(["/", "/a", "/b", "/c", "/c/z"], await Paths(model));
        Assert.Equal(-1, await model.IndexOfAsync("/a/x", CancellationToken.None));
    }

    [Fact]
    public async Task HundredThousandChildren_FetchesOnlyTheRequestedPages()
    {
        var source = new InMemoryTreeDataSource();
        source.Add("/big");
        source.AddMany("/big", 100_000);
        var model = new TreeModel(source);
        await model.LoadAsync(CancellationToken.None);
        await model.ExpandAsync("/big", CancellationToken.None);
        Assert.Equal(2 + 100_000, model.Count);

        var callsBefore = source.ChildrenCalls;
        var rows = await model.GetRowsAsync(50_000, 30, CancellationToken.None);
        Assert.Equal("/big/n-0000049998", rows[0].Path);
        Assert.Equal(49_999, rows[0].PosInSet);
        Assert.Equal(100_000, rows[0].SetSize);
        Assert.Equal(3, rows[0].Level);
        Assert.True(source.ChildrenCalls - callsBefore <= 2, "one page (or two at a boundary) per window");

        var last = await model.GetRowsAsync(model.Count - 1, 5, CancellationToken.None);
        Assert.Equal("/big/n-0000099999", Assert.Single(last).Path);
    }

    [Fact]
    public async Task NestedExpansionInsideLargeList_IsLocatedCorrectly()
    {
        var source = new InMemoryTreeDataSource();
        source.Add("/big");
        source.AddMany("/big", 1000);
        source.Add("/big/n-0000000500/inner");
        var model = new TreeModel(source);
        await model.LoadAsync(CancellationToken.None);
        await model.ExpandAsync("/big", CancellationToken.None);
        Assert.Equal(503, await model.RevealAsync("/big/n-0000000500/inner", CancellationToken.None));
        var rows = await model.GetRowsAsync(501, 4, CancellationToken.None);
        Assert.Equal(["/big/n-0000000499", "/big/n-0000000500", "/big/n-0000000500/inner", "/big/n-0000000501"], rows.Select(r => r.Path));
        Assert.Equal(4, rows[2].Level);
        Assert.Equal(2 + 1000 + 1, model.Count);
    }

    [Fact]
    public async Task SetView_FilterAndSort_ReorderChildren()
    {
        var source = new InMemoryTreeDataSource();
        source.Add("/q");
        source.Add("/q/lock-0000000010", dataLength: 5);
        source.Add("/q/read-0000000002", dataLength: 50);
        source.Add("/q/lock-0000000001", dataLength: 500);
        var model = new TreeModel(source);
        await model.LoadAsync(CancellationToken.None);
        await model.ExpandAsync("/q", CancellationToken.None);

        await model.SetViewAsync("/q", new ChildView(ChildSort.Sequence), CancellationToken.None);
        Assert.Equal(["/", "/q", "/q/lock-0000000001", "/q/read-0000000002", "/q/lock-0000000010"], await Paths(model));

        await model.SetViewAsync("/q", new ChildView(ChildSort.Size, Descending: true), CancellationToken.None);
        Assert.Equal("/q/lock-0000000001", (await Paths(model))[2]);

        await model.SetViewAsync("/q", new ChildView(Filter: "lock-"), CancellationToken.None);
        var summary = model.Summary("/q")!;
        Assert.Equal((3, 2), (summary.Total, summary.Matched));
        Assert.Equal(["/", "/q", "/q/lock-0000000001", "/q/lock-0000000010"], await Paths(model));

        await model.SetViewAsync("/q", new ChildView(Filter: "^read-\\d+$", FilterMode: ChildFilterMode.Regex), CancellationToken.None);
        Assert.Equal(["/", "/q", "/q/read-0000000002"], await Paths(model));
    }

    [Fact]
    public async Task Filter_MatchingNothing_ShowsAStatusRow()
    {
        var model = new TreeModel(Sample());
        await model.LoadAsync(CancellationToken.None);
        await model.SetViewAsync("/", new ChildView(Filter: "zzz"), CancellationToken.None);
        var rows = await model.GetRowsAsync(0, model.Count, CancellationToken.None);
        Assert.Equal(2, rows.Count);
        Assert.Equal(TreeRowKind.Status, rows[1].Kind);
        Assert.Contains("No children match", rows[1].StatusText);
    }

    [Fact]
    public async Task NoAuthListing_ShowsALockedStatusRow()
    {
        var source = Sample();
        source.DenyListing("/a");
        var model = new TreeModel(source);
        await model.LoadAsync(CancellationToken.None);
        await model.ExpandAsync("/a", CancellationToken.None);
        var rows = await model.GetRowsAsync(0, model.Count, CancellationToken.None);
        var status = Assert.Single(rows, r => r.Kind == TreeRowKind.Status);
        Assert.True(status.StatusIsError);
        Assert.Contains("NoAuth", status.StatusText);
        Assert.True(model.Summary("/a")!.NoAuth);
    }

    [Fact]
    public async Task ApplyChildrenChanged_AddedChild_AppearsHighlightedAndRemovedVanishes()
    {
        var source = Sample();
        var model = new TreeModel(source);
        await model.LoadAsync(CancellationToken.None);
        await model.ExpandAsync("/a", CancellationToken.None);

        source.Add("/a/new");
        source.Remove("/a/x");
        var change = await model.ApplyChildrenChangedAsync("/a", null, null, CancellationToken.None);
        Assert.Equal((1, 1, 2), (change!.Added, change.Removed, change.Total));

        var rows = await model.GetRowsAsync(0, model.Count, CancellationToken.None);
        Assert.Equal(["/", "/a", "/a/new", "/a/y", "/b", "/c"], rows.Select(r => r.Path));
        Assert.True(rows[2].Highlight);
        Assert.False(rows[3].Highlight);
        Assert.Equal("+1 −1", rows[1].ChangeNote);
    }

    [Fact]
    public async Task ApplyChildrenChanged_ExpandedChildDeleted_IsDropped()
    {
        var source = Sample();
        var model = new TreeModel(source);
        await model.LoadAsync(CancellationToken.None);
        await model.ExpandAsync("/c", CancellationToken.None);
        source.Remove("/c");
        await model.ApplyChildrenChangedAsync("/", null, ["c"], CancellationToken.None);
        Assert.Equal(["/", "/a", "/b"], await Paths(model));
        Assert.False(model.IsExpanded("/c"));
    }

    [Fact]
    public async Task ApplyChildrenChanged_ExpandedChildShifts_KeepsItsChildrenUnderIt()
    {
        var source = Sample();
        var model = new TreeModel(source);
        await model.LoadAsync(CancellationToken.None);
        await model.ExpandAsync("/c", CancellationToken.None);
        source.Add("/0first");
        await model.ApplyChildrenChangedAsync("/", ["0first"], null, CancellationToken.None);
        Assert.Equal(["/", "/0first", "/a", "/b", "/c", "/c/z"], await Paths(model));
    }

    [Fact]
    public async Task ApplyChildrenChanged_CollapsedNode_UpdatesItsCount()
    {
        var source = Sample();
        var model = new TreeModel(source);
        await model.LoadAsync(CancellationToken.None);
        source.Add("/b/k");
        var change = await model.ApplyChildrenChangedAsync("/b", null, null, CancellationToken.None);
        Assert.Equal(1, change!.Added);
        var b = (await model.GetRowsAsync(2, 1, CancellationToken.None))[0];
        Assert.Equal(1, b.Info!.NumChildren);
        Assert.True(b.HasChildren);
        Assert.Equal("+1", b.ChangeNote);
    }

    [Fact]
    public async Task Markers_ArePassedThroughToRows()
    {
        var source = new InMemoryTreeDataSource();
        source.Add("/eph", ephemeralOwner: 0x1000a2b3c4d0001);
        source.Add("/locked", noAuth: true);
        source.Add("/ttl", createdHereAs: "TTL 60 s");
        var model = new TreeModel(source);
        await model.LoadAsync(CancellationToken.None);
        var rows = await model.GetRowsAsync(1, 3, CancellationToken.None);
        Assert.Equal(0x1000a2b3c4d0001, rows[0].Info!.EphemeralOwner);
        Assert.True(rows[1].Info!.NoAuth);
        Assert.Equal("TTL 60 s", rows[2].Info!.CreatedHereAs);
    }

    [Fact]
    public void ChildQueries_SequenceSort_UsesTrailingNumber()
    {
        string[] names = ["b-0000000003", "a-0000000010", "plain", "c-0000000001"];
        var sorted = names.Order(Comparer<string>.Create(ChildQueries.CompareSequence)).ToList();
        Assert.Equal(["plain", "c-0000000001", "b-0000000003", "a-0000000010"], sorted);
    }

    [Fact]
    public void ChildQueries_InvalidRegex_IsReported()
    {
        Assert.False(ChildQueries.TryCreateFilter("([", ChildFilterMode.Regex, out _, out var error));
        Assert.StartsWith("Invalid regular expression", error);
    }

    [Fact]
    public async Task ExpandCollapse_HoldsAndReleasesDataSourceLeases()
    {
        var source = Sample();
        var model = new TreeModel(source);
        await model.LoadAsync(CancellationToken.None);
        await model.ExpandAsync("/a", CancellationToken.None);
        await model.RevealAsync("/c/z", CancellationToken.None);
        Assert.Equal(["/", "/a", "/c"], source.Watched.Order(StringComparer.Ordinal));

        model.Collapse("/a");
        Assert.Equal(["/", "/c"], source.Watched.Order(StringComparer.Ordinal));

        model.Release();
        Assert.Empty(source.Watched);
    }

    [Fact]
    public async Task ScrollingThroughHugeList_KeepsABoundedNumberOfPages()
    {
        var source = new InMemoryTreeDataSource();
        source.Add("/big");
        source.AddMany("/big", 20_000);
        var model = new TreeModel(source);
        await model.LoadAsync(CancellationToken.None);
        await model.ExpandAsync("/big", CancellationToken.None);
        for (var start = 0; start < model.Count; start += 50)
        {
            await model.GetRowsAsync(start, 50, CancellationToken.None);
        }

        var calls = source.ChildrenCalls;
        // Early pages were evicted: reading the first rows again fetches them anew, and still gives the right rows.
        var rows = await model.GetRowsAsync(2, 3, CancellationToken.None);
        Assert.Equal(["/big/n-0000000000", "/big/n-0000000001", "/big/n-0000000002"], rows.Select(r => r.Path));
        Assert.Equal(calls + 1, source.ChildrenCalls);
    }
}
