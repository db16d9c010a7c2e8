using ZkDashboard.Core.Cache;
using ZkDashboard.Core.Tests.Sessions;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Cache;

[Collection(SessionsEnsembleCollection.Name)]
public sealed class NodeCacheTests(EnsembleFixture fx)
{
    private const int Count = 3000;

    private static async Task CreateChildrenAsync(ZooKeeperClient client, string parent, int count)
    {
        await client.CreateAsync(parent, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        foreach (var chunk in Enumerable.Range(1, count).Chunk(500))
        {
            await client.MultiAsync(chunk.Select(i => (Op)Op.Create($"{parent}/n-{i}", new byte[i % 50], Acls.OpenUnsafe)));
        }
    }

    [Fact]
    public async Task GetChildrenPage_ThousandsOfChildren_SortsFiltersAndServesFromCache()
    {
        await using var h = await SessionsHarness.StartAsync(fx);
        await using var ext = await h.ExternalClientAsync();
        await CreateChildrenAsync(ext, "/big", Count);
        var names = Enumerable.Range(1, Count).Select(i => $"n-{i}").ToList();
        using var open = h.Cache.Open(SessionsHarness.Main, "/big");

        var byName = await h.Cache.GetChildrenPageAsync(SessionsHarness.Main, "/big", new ChildrenQuery(Limit: 50));
        Assert.Equal(Count, byName.TotalChildren);
        Assert.Equal(names.Order(StringComparer.Ordinal).Take(50), byName.Items.Select(i => i.Name));
        Assert.False(byName.Stale);

        var bySequence = await h.Cache.GetChildrenPageAsync(SessionsHarness.Main, "/big", new ChildrenQuery(ChildSort.Sequence, Offset: 2990, Limit: 50));
        Assert.Equal(Enumerable.Range(2991, 10).Select(i => $"n-{i}"), bySequence.Items.Select(i => i.Name));
        var sequenceDesc = await h.Cache.GetChildrenPageAsync(SessionsHarness.Main, "/big", new ChildrenQuery(ChildSort.Sequence, Descending: true, Limit: 2));
        Assert.Equal(["n-3000", "n-2999"], sequenceDesc.Items.Select(i => i.Name));

        var bySize = await h.Cache.GetChildrenPageAsync(SessionsHarness.Main, "/big", new ChildrenQuery(ChildSort.Size, Descending: true, Limit: 61));
        Assert.True(bySize.StatsComplete);
        Assert.All(bySize.Items.Take(60), i => Assert.Equal(49, i.Stat!.DataLength)); // 60 of the 3000 have 49 bytes
        Assert.Equal(48, bySize.Items[60].Stat!.DataLength);
        var byMtime = await h.Cache.GetChildrenPageAsync(SessionsHarness.Main, "/big", new ChildrenQuery(ChildSort.Mtime, Limit: 1000));
        Assert.Equal(byMtime.Items.Select(i => i.Stat!.Mtime).Order(), byMtime.Items.Select(i => i.Stat!.Mtime));

        var prefix = await h.Cache.GetChildrenPageAsync(SessionsHarness.Main, "/big", new ChildrenQuery(ChildSort.Sequence, Prefix: "n-29", Limit: 500));
        Assert.Equal(111, prefix.MatchingChildren);
        Assert.Equal("n-29", prefix.Items[0].Name);
        var regex = await h.Cache.GetChildrenPageAsync(SessionsHarness.Main, "/big", new ChildrenQuery(Regex: @"^n-1\d$"));
        Assert.Equal(Enumerable.Range(10, 10).Select(i => $"n-{i}"), regex.Items.Select(i => i.Name));
        var bad = await Assert.ThrowsAsync<ArgumentException>(() => h.Cache.GetChildrenPageAsync(SessionsHarness.Main, "/big", new ChildrenQuery(Regex: "(")));
        Assert.Contains("not a valid regular expression", bad.Message);

        // Every page above came from the one cached list (read once).
        Assert.Equal(byName.AsOf, regex.AsOf);
        Assert.Equal(1, h.Services.GetService(typeof(NodeCache)) is NodeCache c ? c.CachedChildrenLists : -1);

        // Live: changes made elsewhere show up without a reload of the whole view.
        await ext.CreateAsync("/big/n-3001", new byte[7], Acls.OpenUnsafe);
        await ext.DeleteAsync("/big/n-5");
        await Eventually.TrueAsync(async () =>
        {
            var page = await h.Cache.GetChildrenPageAsync(SessionsHarness.Main, "/big", new ChildrenQuery(Prefix: "n-3001"));
            return page.TotalChildren == Count && page.Items is [{ Stat.DataLength: 7 }];
        }, "the new child appears with its stat and the deleted one is gone");
        var gone = await h.Cache.GetChildrenPageAsync(SessionsHarness.Main, "/big", new ChildrenQuery(Regex: "^n-5$"));
        Assert.Empty(gone.Items);
    }

    [Fact]
    public async Task GetChildrenPage_BigList_EarlyPagesAreThoseOfTheSortedList()
    {
        // A low threshold makes 1,200 children a big list: early pages are selected while the full sort runs behind.
        await using var h = await SessionsHarness.StartAsync(fx, s =>
        {
            s["ZkDashboard:Sessions:BigListThreshold"] = "100";
            s["ZkDashboard:Sessions:BigListStatsDelay"] = "00:00:00.200";
        });
        await using var ext = await h.ExternalClientAsync();
        // Two- and three-byte UTF-8 names among ASCII ones, upper and lower case, digit runs of several lengths.
        string[] stems = ["n-", "N-", "ü-", "日本-", "！-", "lock-000000"];
        var names = Enumerable.Range(0, 1_200).Select(i => $"{stems[i % stems.Length]}{i}").ToList();
        await ext.CreateAsync("/huge", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        foreach (var chunk in names.Chunk(400))
        {
            await ext.MultiAsync(chunk.Select(n => (Op)Op.Create($"/huge/{n}", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe)));
        }
        using var open = h.Cache.Open(SessionsHarness.Main, "/huge");

        foreach (var (sort, comparer) in new (ChildSort, IComparer<string>)[] { (ChildSort.Name, StringComparer.Ordinal), (ChildSort.Sequence, NaturalNameComparer.Instance) })
        {
            foreach (var descending in new[] { false, true })
            {
                var expected = descending ? names.Order(comparer).Reverse().ToList() : names.Order(comparer).ToList();
                // The first request of each order comes before its sorted list exists; the deep one needs the full sort.
                foreach (var (offset, limit) in new[] { (0, 100), (900, 100), (1_150, 100) })
                {
                    var page = await h.Cache.GetChildrenPageAsync(SessionsHarness.Main, "/huge", new ChildrenQuery(sort, descending, Offset: offset, Limit: limit));
                    Assert.Equal(expected.Skip(offset).Take(limit), page.Items.Select(i => i.Name));
                    Assert.Equal(offset, page.Offset);
                    Assert.Equal(names.Count, page.TotalChildren);
                    Assert.Equal(names.Count, page.MatchingChildren);
                    Assert.All(page.Items, i => Assert.Equal($"/huge/{i.Name}", i.Path));
                }
            }
        }

        // Stats still arrive (after the short delay) and the list stays live.
        await Eventually.TrueAsync(async () =>
            (await h.Cache.GetChildrenPageAsync(SessionsHarness.Main, "/huge", new ChildrenQuery(Limit: 1))).StatsComplete, "every child's stat is read");
        await ext.CreateAsync("/huge/!first", new byte[3], Acls.OpenUnsafe);
        await ext.DeleteAsync($"/huge/{names.Order(StringComparer.Ordinal).First()}");
        await Eventually.TrueAsync(async () =>
        {
            var page = await h.Cache.GetChildrenPageAsync(SessionsHarness.Main, "/huge", new ChildrenQuery(Limit: 2));
            return page.TotalChildren == names.Count && page.Items is [{ Name: "!first", Stat.DataLength: 3 }, var second]
                && second.Name == names.Order(StringComparer.Ordinal).ElementAt(1);
        }, "the new first child shows with its stat, the deleted one is gone");
    }

    [Fact]
    public async Task GetData_OpenNode_InvalidatedByWatch()
    {
        await using var h = await SessionsHarness.StartAsync(fx);
        await using var ext = await h.ExternalClientAsync();
        await ext.CreateAsync("/d", "one"u8.ToArray(), Acls.OpenUnsafe);
        using var open = h.Cache.Open(SessionsHarness.Main, "/d");
        var first = await h.Cache.GetDataAsync(SessionsHarness.Main, "/d");
        Assert.Equal("one"u8.ToArray(), first!.Data);
        var changed = new TaskCompletionSource();
        h.Cache.Changed += (_, e) => { if (e.Path == "/d" && e.DataChanged) { changed.TrySetResult(); } };
        await ext.SetDataAsync("/d", "two"u8.ToArray());
        await changed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var second = await h.Cache.GetDataAsync(SessionsHarness.Main, "/d");
        Assert.Equal("two"u8.ToArray(), second!.Data);
        Assert.Equal(1, second.Stat.Version);
        await ext.DeleteAsync("/d");
        await Eventually.TrueAsync(async () => await h.Cache.GetDataAsync(SessionsHarness.Main, "/d") is null, "a deleted node reads as null");
    }

    [Fact]
    public void NaturalNameComparer_Orders_NumbersByValue()
    {
        string[] names = ["n10", "n9", "lock-0000000010", "lock-0000000002", "n09", "a", "n100"];
        var sorted = names.Order(NaturalNameComparer.Instance).ToArray();
        Assert.Equal(["a", "lock-0000000002", "lock-0000000010", "n09", "n9", "n10", "n100"], sorted);
    }
}
