using System.Text;
using ZkDashboard.Core.Tests.Sessions;
using ZkDashboard.Core.Watches;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Watches;

[Collection(SessionsEnsembleCollection.Name)]
public sealed class WatchFanOutTests(EnsembleFixture fx)
{
    [Fact]
    public async Task Subscribe_HundredSubscribers_OneServerWatchAndLastUnsubscribeRemovesIt()
    {
        await using var h = await SessionsHarness.StartAsync(fx);
        await using var ext = await h.ExternalClientAsync();
        await ext.CreateAsync("/shared", Encoding.UTF8.GetBytes("v0"), Acls.OpenUnsafe);

        var subscribers = Enumerable.Range(0, 100).Select(_ => new RecordingSubscriber()).ToList();
        var subs = subscribers.Select(s => h.Hub.Subscribe(SessionsHarness.Main, "/shared", WatchKind.Data, s)).ToList();
        await Task.WhenAll(subs.Select(s => s.Ready));

        var watched = await h.ServerWatchPathsAsync();
        Assert.Equal(1, watched.Count(p => p == "/shared"));
        Assert.Single(h.Hub.GetServerWatches(SessionsHarness.Main), w => w.Path == "/shared" && w.Subscribers == 100);

        foreach (var s in subs.Take(99))
        {
            s.Dispose();
        }
        // 99 left: the watch stays while one viewer remains.
        Assert.Contains("/shared", await h.ServerWatchPathsAsync());

        subs[99].Dispose();
        await Eventually.TrueAsync(async () => !(await h.ServerWatchPathsAsync()).Contains("/shared"), "wchc no longer lists /shared");
        await Eventually.TrueAsync(() => h.Hub.GetServerWatches(SessionsHarness.Main).Count == 0, "the hub's own bookkeeping drops the watch");
        Assert.Equal(0, h.Metrics.ServerWatches);
        Assert.Equal(0, h.Metrics.Subscriptions);
    }

    [Fact]
    public async Task Subscribe_ExternalChanges_ReachEverySubscriber()
    {
        await using var h = await SessionsHarness.StartAsync(fx);
        await using var ext = await h.ExternalClientAsync();
        await ext.CreateAsync("/n", Encoding.UTF8.GetBytes("v0"), Acls.OpenUnsafe);

        var data = Enumerable.Range(0, 20).Select(_ => new RecordingSubscriber()).ToList();
        var children = Enumerable.Range(0, 5).Select(_ => new RecordingSubscriber()).ToList();
        var subtree = Enumerable.Range(0, 5).Select(_ => new RecordingSubscriber()).ToList();
        var subs = data.Select(s => h.Hub.Subscribe(SessionsHarness.Main, "/n", WatchKind.Data, s))
            .Concat(children.Select(s => h.Hub.Subscribe(SessionsHarness.Main, "/n", WatchKind.Children, s)))
            .Concat(subtree.Select(s => h.Hub.Subscribe(SessionsHarness.Main, "/n", WatchKind.Subtree, s))).ToList();
        await Task.WhenAll(subs.Select(s => s.Ready));

        var stat = await ext.SetDataAsync("/n", Encoding.UTF8.GetBytes("v1"), 0);
        await ext.CreateAsync("/n/child", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        // zkCli as a second, independent writer.
        var cli = await PeerClients.ZkCliAsync(h.ConnectString + h.Chroot, "set /n/child hello");
        Assert.Equal(0, cli.ExitCode);

        await Eventually.TrueAsync(() => data.All(s => s.VersionOf("/n") == stat.Version), "every data subscriber sees version 1");
        await Eventually.TrueAsync(() => children.All(s => s.Has(n => n.Path == "/n/child" && n.Change == WatchChange.Created || n.Change == WatchChange.ChildrenChanged)),
            "every children subscriber sees the new child");
        await Eventually.TrueAsync(() => subtree.All(s => s.VersionOf("/n/child") == 1), "every subtree subscriber sees the child's data change");
        Assert.All(data, s => Assert.DoesNotContain(s.Snapshot(), n => n.Path != "/n"));
        foreach (var s in subs)
        {
            s.Dispose();
        }
    }

    [Fact]
    public async Task Subscribe_BurstOf10000SetData_EverySubscriberEndsWithFinalVersionsAndBoundedQueue()
    {
        const int Nodes = 20, Writes = 10_000, Capacity = 64;
        await using var h = await SessionsHarness.StartAsync(fx, s => s["ZkDashboard:Sessions:SubscriberQueueCapacity"] = Capacity.ToString());
        await using var ext = await h.ExternalClientAsync();
        await ext.CreateAsync("/storm", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        var paths = Enumerable.Range(0, Nodes).Select(i => $"/storm/n{i}").ToList();
        foreach (var p in paths)
        {
            await ext.CreateAsync(p, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        }

        var subtree = Enumerable.Range(0, 10).Select(_ => new RecordingSubscriber()).ToList();
        var perNode = paths.Select(_ => new RecordingSubscriber()).ToList();
        var subs = subtree.Select(s => h.Hub.Subscribe(SessionsHarness.Main, "/storm", WatchKind.Subtree, s))
            .Concat(paths.Select((p, i) => h.Hub.Subscribe(SessionsHarness.Main, p, WatchKind.Data, perNode[i]))).ToList();
        await Task.WhenAll(subs.Select(s => s.Ready));

        // 10,000 writes, pipelined (200 in flight), spread over the subtree.
        var payload = new byte[64];
        using var gate = new SemaphoreSlim(200);
        var writes = Enumerable.Range(0, Writes).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                await ext.SetDataAsync(paths[i % Nodes], payload);
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(writes);
        var final = Writes / Nodes;

        await Eventually.TrueAsync(() => subtree.All(s => paths.All(p => s.VersionOf(p) == final)), "every subtree subscriber holds the final version of every node", TimeSpan.FromSeconds(90));
        await Eventually.TrueAsync(() => paths.Select((p, i) => perNode[i].VersionOf(p) == final).All(x => x), "every node subscriber holds its final version", TimeSpan.FromSeconds(90));
        Assert.All(subs, s => Assert.InRange(s.MaxPendingObserved, 0, Capacity));
        Assert.All(subs, s => Assert.True(s.Delivered <= Writes, $"delivered {s.Delivered} > {Writes}"));
        Assert.Equal(0, h.Sessions.Get(SessionsHarness.Main).CurrentClient!.DroppedEvents);
        foreach (var s in subs)
        {
            s.Dispose();
        }
    }

    [Fact]
    public async Task Subscribe_OneShotMode_RearmsAndEndsWithFinalVersion()
    {
        await using var h = await SessionsHarness.StartAsync(fx, s => s["ZkDashboard:Sessions:ForceOneShotWatches"] = "true");
        await using var ext = await h.ExternalClientAsync();
        await ext.CreateAsync("/os", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        var data = new RecordingSubscriber();
        var children = new RecordingSubscriber();
        using var s1 = h.Hub.Subscribe(SessionsHarness.Main, "/os", WatchKind.Data, data);
        using var s2 = h.Hub.Subscribe(SessionsHarness.Main, "/os", WatchKind.Children, children);
        await Task.WhenAll(s1.Ready, s2.Ready);
        Assert.Equal(ServerWatchMode.OneShot, Assert.Single(h.Hub.GetServerWatches(SessionsHarness.Main)).Mode);

        // Writes back to back: many land between a trigger and its re-arm; the re-read catches them.
        for (var i = 0; i < 300; i++)
        {
            _ = ext.SetDataAsync("/os", BitConverter.GetBytes(i));
        }
        var last = await ext.SetDataAsync("/os", "end"u8.ToArray());
        await ext.CreateAsync("/os/c", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);

        await Eventually.TrueAsync(() => data.VersionOf("/os") == last.Version, $"data subscriber reaches version {last.Version}");
        await Eventually.TrueAsync(() => children.Has(n => n.Change == WatchChange.ChildrenChanged && n.Stat?.NumChildren == 1), "children subscriber sees the new child");
        Assert.Contains("/os", await h.ServerWatchPathsAsync());
    }
}
