using ZkDashboard.Core.Cache;
using ZkDashboard.Core.Tests.Sessions;
using ZkDashboard.Core.Watches;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Cache;

/// <summary>A cached children page follows the server: each child's stat, including its child count.</summary>
[Collection(SessionsEnsembleCollection.Name)]
public sealed class NodeCacheLiveStatsTests(EnsembleFixture fx, Xunit.Abstractions.ITestOutputHelper output)
{
    private static async Task<ChildEntry?> ChildAsync(SessionsHarness h, string parent, string name)
    {
        var page = await h.Cache.GetChildrenPageAsync(SessionsHarness.Main, parent, new ChildrenQuery(Prefix: name, Limit: 10));
        return page.Items.FirstOrDefault(i => i.Name == name);
    }

    [Fact]
    public async Task GetChildrenPage_GrandchildrenGrowUnderCachedPage_ChildStatsFollowServer()
    {
        await using var h = await SessionsHarness.StartAsync(fx);
        await using var ext = await h.ExternalClientAsync();
        await ext.CreateAsync("/p", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await ext.CreateAsync("/p/grow", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await ext.CreateAsync("/p/other", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        using var open = h.Cache.Open(SessionsHarness.Main, "/p");
        var first = await h.Cache.GetChildrenPageAsync(SessionsHarness.Main, "/p", new ChildrenQuery(ChildSort.ChildCount, Limit: 10));
        Assert.Equal(["grow", "other"], first.Items.Select(i => i.Name).Order(StringComparer.Ordinal));
        Assert.All(first.Items, i => Assert.Equal(0, i.Stat!.NumChildren));
        var changes = 0;
        h.Cache.Changed += (_, e) => { if (e.Path == "/p" && e.ChildrenChanged) { Interlocked.Increment(ref changes); } };

        // Grandchildren appear under a child that was listed (and cached) as a leaf.
        await ext.CreateAsync("/p/grow/child", "x"u8.ToArray(), Acls.OpenUnsafe);
        await ext.CreateAsync("/p/grow/child2", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await Eventually.TrueAsync(async () => (await ChildAsync(h, "/p", "grow"))?.Stat?.NumChildren == 2, "grow's child count follows its new children");
        Assert.True(Volatile.Read(ref changes) > 0, "the cache raised Changed for the parent");
        var byCount = await h.Cache.GetChildrenPageAsync(SessionsHarness.Main, "/p", new ChildrenQuery(ChildSort.ChildCount, Descending: true, Limit: 10));
        Assert.Equal("grow", byCount.Items[0].Name);

        // One goes again; the other child's data, size and mtime change; an ephemeral child shows its owner.
        await ext.DeleteAsync("/p/grow/child2");
        var set = await ext.SetDataAsync("/p/other", new byte[42]);
        await ext.CreateAsync("/p/eph", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe, CreateMode.Ephemeral);
        await Eventually.TrueAsync(async () => (await ChildAsync(h, "/p", "grow"))?.Stat?.NumChildren == 1, "grow's child count drops after a deletion");
        await Eventually.TrueAsync(async () => (await ChildAsync(h, "/p", "other"))?.Stat is { DataLength: 42 } s && s.Mtime == set.Mtime, "size and mtime follow setData");
        await Eventually.TrueAsync(async () => (await ChildAsync(h, "/p", "eph"))?.Stat?.EphemeralOwner == ext.SessionId, "an ephemeral child shows its owner");

        // Deeper levels do not disturb the page, and a grandchild's own children are counted on the grandchild.
        await ext.CreateAsync("/p/grow/child/deep", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        using var openGrow = h.Cache.Open(SessionsHarness.Main, "/p/grow");
        await Eventually.TrueAsync(async () => (await ChildAsync(h, "/p/grow", "child"))?.Stat?.NumChildren == 1, "the grandchild's count on its own parent's page");
        Assert.Equal(1, (await ChildAsync(h, "/p", "grow"))!.Stat!.NumChildren);

        // One server watch per open parent: a recursive one, however many views hold it.
        var leases = Enumerable.Range(0, 100).Select(_ => h.Cache.Open(SessionsHarness.Main, "/p")).ToList();
        var watches = h.Hub.GetServerWatches(SessionsHarness.Main).Where(w => w.Path == "/p").ToList();
        Assert.Equal(ServerWatchMode.PersistentRecursive, Assert.Single(watches).Mode);
        Assert.Equal(1, (await h.ServerWatchPathsAsync()).Count(p => p == "/p"));
        leases.ForEach(l => l.Dispose());
    }

    [Fact]
    public async Task Open_NestedParentsWithHundredViewersEach_OneServerWatchPerParentAndOneEventPerChange()
    {
        await using var h = await SessionsHarness.StartAsync(fx);
        await using var ext = await h.ExternalClientAsync();
        foreach (var path in new[] { "/m", "/m/a", "/m/a/b" })
        {
            await ext.CreateAsync(path, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        }
        var leases = Enumerable.Range(0, 100).SelectMany(_ => new[] { h.Cache.Open(SessionsHarness.Main, "/m"), h.Cache.Open(SessionsHarness.Main, "/m/a") }).ToList();
        await Eventually.TrueAsync(async () => (await ChildAsync(h, "/m/a", "b"))?.Stat?.NumChildren == 0, "b listed with its stat");
        await Eventually.TrueAsync(async () => (await ChildAsync(h, "/m", "a"))?.Stat?.NumChildren == 1, "a listed with its stat");
        await Eventually.TrueAsync(() => h.Hub.GetServerWatches(SessionsHarness.Main).Count(w => w.Path is "/m" or "/m/a" && w.Mode == ServerWatchMode.PersistentRecursive) == 2, "both recursive watches in place");
        var onServer = await h.ServerWatchPathsAsync();
        Assert.Equal(1, onServer.Count(p => p == "/m"));
        Assert.Equal(1, onServer.Count(p => p == "/m/a"));

        // 100 grandchildren of /m/a (great-grandchildren of /m), both parents watching recursively.
        var hub = (WatchFanout)h.Services.GetService(typeof(WatchFanout))!;
        var before = h.Metrics.EventsReceived;
        var readsBefore = hub.ResolveReads(SessionsHarness.Main);
        await ext.MultiAsync(Enumerable.Range(0, 100).Select(i => (Op)Op.Create($"/m/a/b/n-{i}", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe)));
        await Eventually.TrueAsync(async () => (await ChildAsync(h, "/m/a", "b"))?.Stat?.NumChildren == 100, "b counts its 100 children");
        await Eventually.TrueAsync(() => h.Metrics.EventsReceived - before >= 100, "the events arrived");
        var events = h.Metrics.EventsReceived - before;
        var reads = hub.ResolveReads(SessionsHarness.Main) - readsBefore;
        output.WriteLine($"open parents: 2 x 100 viewers; server watches on them: {onServer.Count(p => p is "/m" or "/m/a")}; " +
            $"100 creates below both -> {events} events received by the session, {reads} hub reads");
        Assert.Equal(100, events); // the server sends one event per change and session, however many of its watches cover it
        Assert.Equal(0, reads); // grandchildren of /m/a are posted without a read (b's stat is re-read by the list), deeper ones dropped
        Assert.Equal(1, (await ChildAsync(h, "/m", "a"))!.Stat!.NumChildren); // deeper levels leave /m's page alone

        // A bulk job deeper than every open list's grandchildren: events arrive, nothing is read or delivered.
        before = h.Metrics.EventsReceived;
        readsBefore = hub.ResolveReads(SessionsHarness.Main);
        var delivered = h.Metrics.NotificationsDelivered;
        foreach (var chunk in Enumerable.Range(0, 2000).Chunk(500))
        {
            await ext.MultiAsync(chunk.Select(i => (Op)Op.Create($"/m/a/b/n-0/x-{i}", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe)));
        }
        await Eventually.TrueAsync(() => h.Metrics.EventsReceived - before >= 2000, "the deep events arrived");
        reads = hub.ResolveReads(SessionsHarness.Main) - readsBefore;
        output.WriteLine($"2000 creates three levels below /m/a -> {h.Metrics.EventsReceived - before} events, {reads} hub reads, " +
            $"{h.Metrics.NotificationsDelivered - delivered} notifications delivered");
        Assert.Equal(0, reads);
        leases.ForEach(l => l.Dispose());
    }

    [Fact]
    public async Task GetChildrenPage_ChildCreatedThenGrandchildBeforeAnyRead_BothShown()
    {
        await using var h = await SessionsHarness.StartAsync(fx);
        await using var ext = await h.ExternalClientAsync();
        await ext.CreateAsync("/q", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        using var open = h.Cache.Open(SessionsHarness.Main, "/q");
        Assert.Equal(0, (await h.Cache.GetChildrenPageAsync(SessionsHarness.Main, "/q", new ChildrenQuery())).TotalChildren);

        // The reproduction of the issue: create /grow, then /grow/child.
        await ext.CreateAsync("/q/grow", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await ext.CreateAsync("/q/grow/child", "x"u8.ToArray(), Acls.OpenUnsafe);
        await Eventually.TrueAsync(async () => (await ChildAsync(h, "/q", "grow"))?.Stat?.NumChildren == 1, "grow has one child");
    }

    [Fact]
    public async Task Sweep_EntryRetiredBetweenLookupAndLease_CallerGetsLiveEntry()
    {
        await using var h = await SessionsHarness.StartAsync(fx, s => s["ZkDashboard:Sessions:CacheIdleTimeout"] = "00:00:00");
        await using var ext = await h.ExternalClientAsync();
        await ext.CreateAsync("/r", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await ext.CreateAsync("/r/a", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        var cache = (NodeCache)h.Services.GetService(typeof(NodeCache))!;
        Assert.Single((await h.Cache.GetChildrenPageAsync(SessionsHarness.Main, "/r", new ChildrenQuery())).Items);

        // The sweep runs in the window between the lookup of the (idle) entry and the caller's lease.
        var swept = 0;
        cache.AfterLookup = key =>
        {
            if (key.Path == "/r" && Interlocked.Exchange(ref swept, 1) == 0)
            {
                var start = Environment.TickCount64;
                SpinWait.SpinUntil(() => Environment.TickCount64 > start + 1, TimeSpan.FromSeconds(5));
                cache.SweepNow();
            }
        };
        var page = await h.Cache.GetChildrenPageAsync(SessionsHarness.Main, "/r", new ChildrenQuery());
        cache.AfterLookup = null;
        Assert.Equal(1, swept);
        Assert.Equal(["a"], page.Items.Select(i => i.Name));

        // The caller used a live entry: it is the cached one, and its watch is in place and works.
        Assert.Equal(1, cache.CachedChildrenLists);
        Assert.Contains(h.Hub.GetServerWatches(SessionsHarness.Main), w => w.Path == "/r");
        using var open = h.Cache.Open(SessionsHarness.Main, "/r");
        Assert.Equal(1, cache.CachedChildrenLists);
        await ext.CreateAsync("/r/b", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await Eventually.TrueAsync(async () => (await h.Cache.GetChildrenPageAsync(SessionsHarness.Main, "/r", new ChildrenQuery())).TotalChildren == 2, "the new child appears");

        // An entry someone holds is never retired.
        var start2 = Environment.TickCount64;
        SpinWait.SpinUntil(() => Environment.TickCount64 > start2 + 1, TimeSpan.FromSeconds(5));
        cache.SweepNow();
        Assert.Equal(1, cache.CachedChildrenLists);
        Assert.Contains(h.Hub.GetServerWatches(SessionsHarness.Main), w => w.Path == "/r");
    }
}
