using ZkDashboard.Core.Cache;
using ZkDashboard.Core.Watches;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Sessions;

/// <summary>One rule for ensemble names: case-insensitive, the registry's spelling is the canonical one.</summary>
[Collection(SessionsEnsembleCollection.Name)]
public sealed class EnsembleNameTests(EnsembleFixture fx)
{
    [Fact]
    public async Task Sessions_NameInOtherCase_SameSessionWithRegistrySpelling()
    {
        await using var h = await SessionsHarness.StartAsync(fx);
        var upper = h.Sessions.Get("MAIN");
        Assert.Same(h.Sessions.Get(SessionsHarness.Main), upper);
        Assert.Equal(SessionsHarness.Main, upper.Name);
        Assert.Equal(SessionsHarness.Main, h.Sessions.GetStatus("Main").Ensemble);
        Assert.Same(await h.Sessions.GetClientAsync("MAIN"), await h.Sessions.GetClientAsync(SessionsHarness.Main));
    }

    [Fact]
    public async Task HubAndCache_NameInOtherCase_ShareWatchesEntriesAndEvents()
    {
        await using var h = await SessionsHarness.StartAsync(fx);
        await using var ext = await h.ExternalClientAsync();
        await ext.CreateAsync("/n", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        var lower = new RecordingSubscriber();
        var upper = new RecordingSubscriber();
        using var a = h.Hub.Subscribe(SessionsHarness.Main, "/n", WatchKind.Data, lower);
        using var b = h.Hub.Subscribe("MAIN", "/n", WatchKind.Data, upper);
        await Task.WhenAll(a.Ready, b.Ready);
        Assert.Equal(SessionsHarness.Main, b.Ensemble);
        var watch = Assert.Single(h.Hub.GetServerWatches("Main"), w => w.Path == "/n");
        Assert.Equal(2, watch.Subscribers);

        using var open = h.Cache.Open("MAIN", "/n");
        var seen = new List<string>();
        h.Cache.Changed += (_, e) => { lock (seen) { seen.Add(e.Ensemble); } };
        Assert.Equal(0, (await h.Cache.GetChildrenPageAsync("Main", "/n", new ChildrenQuery())).TotalChildren);
        Assert.Equal(SessionsHarness.Main, (await h.Cache.GetChildrenPageAsync("MAIN", "/n", new ChildrenQuery())).Ensemble);
        Assert.Equal(1, ((NodeCache)h.Services.GetService(typeof(NodeCache))!).CachedChildrenLists);

        await ext.SetDataAsync("/n", "v"u8.ToArray());
        await ext.CreateAsync("/n/c", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await Eventually.TrueAsync(() => lower.VersionOf("/n") == 1 && upper.VersionOf("/n") == 1, "both spellings get the event");
        await Eventually.TrueAsync(async () => (await h.Cache.GetChildrenPageAsync("mAiN", "/n", new ChildrenQuery())).TotalChildren == 1, "the shared entry is live");
        lock (seen)
        {
            Assert.NotEmpty(seen);
            Assert.All(seen, e => Assert.Equal(SessionsHarness.Main, e));
        }
    }
}
