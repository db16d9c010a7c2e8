using System.Text;
using ZkDashboard.Testing;

namespace ZkDashboard.ZooKeeper.Tests.Ensemble;

[Collection(EnsembleCollection.Name)]
public sealed class WatchTests(EnsembleFixture fx) : IAsyncLifetime
{
    private ChrootScope _scope = null!;
    private ZooKeeperClient _zk = null!;
    private EventLog _log = null!;

    public async Task InitializeAsync()
    {
        _scope = await ChrootScope.CreateAsync(fx.ConnectString, EnsembleFixture.NewChrootName());
        _zk = await _scope.ConnectAsync();
        _log = new EventLog(_zk);
    }

    public async Task DisposeAsync() => await _scope.DisposeAsync();

    [Fact]
    public async Task GetDataWatch_FiresExactlyOnce_ForSeveralChanges()
    {
        await _zk.CreateAsync("/once", default, Acls.OpenUnsafe);
        await _zk.GetDataAsync("/once", watch: true);
        var writer = await _scope.ConnectAsync();
        for (var i = 0; i < 3; i++) await writer.SetDataAsync("/once", new byte[] { (byte)i });
        await _log.WaitForAsync(l => l.NodeEvents.Count >= 1, what: "first data event");
        // A read sent after the writes returns only after every earlier event was delivered.
        await _zk.SyncAsync("/once");
        await _zk.GetDataAsync("/once");
        Assert.Equal([new WatchedEvent(EventType.NodeDataChanged, KeeperState.SyncConnected, "/once")], _log.NodeEvents);
    }

    [Fact]
    public async Task ExistsWatch_FiresOnCreate_AndChildWatch_OnNewChild()
    {
        Assert.Null(await _zk.ExistsAsync("/later", watch: true));
        await _zk.CreateAsync("/later", default, Acls.OpenUnsafe);
        Assert.Equal(EventType.NodeCreated, Assert.Single(_log.NodeEvents).Type);
        await _zk.GetChildrenAsync("/later", watch: true);
        await _zk.CreateAsync("/later/c", default, Acls.OpenUnsafe);
        Assert.Equal(new WatchedEvent(EventType.NodeChildrenChanged, KeeperState.SyncConnected, "/later"), _log.NodeEvents[^1]);
        await _zk.GetDataAsync("/later/c", watch: true);
        await _zk.DeleteAsync("/later/c");
        Assert.Equal(new WatchedEvent(EventType.NodeDeleted, KeeperState.SyncConnected, "/later/c"), _log.NodeEvents[^1]);
    }

    [Fact]
    public async Task WatchEvent_IsDeliveredBeforeTheReplyOfALaterRead_EvenWithASlowHandler()
    {
        await _zk.CreateAsync("/order", default, Acls.OpenUnsafe);
        var handled = 0;
        _zk.WatchEvent += (_, e) =>
        {
            if (e.Path != "/order") return;
            Thread.Sleep(200); // a deliberately slow handler
            Volatile.Write(ref handled, 1);
        };
        await _zk.GetDataAsync("/order", watch: true);
        var writer = await _scope.ConnectAsync();
        await writer.SetDataAsync("/order", new byte[] { 1 });
        await writer.SetDataAsync("/order", new byte[] { 2 });
        // The server sends the notification to us before the reply to this read.
        await _zk.SyncAsync("/order");
        await _zk.GetDataAsync("/order");
        Assert.Equal(1, Volatile.Read(ref handled));

        // Same client: the notification precedes our own write's reply.
        Volatile.Write(ref handled, 0);
        await _zk.GetDataAsync("/order", watch: true);
        await _zk.SetDataAsync("/order", new byte[] { 3 });
        Assert.Equal(1, Volatile.Read(ref handled));
    }

    [Fact]
    public async Task PersistentRecursiveWatch_SeesWholeSubtree_WithoutChildEvents()
    {
        await _zk.CreateAsync("/r", default, Acls.OpenUnsafe);
        await _zk.AddWatchAsync("/r", AddWatchMode.PersistentRecursive);
        await _zk.CreateAsync("/r/a", default, Acls.OpenUnsafe);
        await _zk.CreateAsync("/r/a/b", default, Acls.OpenUnsafe);
        await _zk.SetDataAsync("/r/a/b", new byte[] { 1 });
        await _zk.SetDataAsync("/r/a/b", new byte[] { 2 });
        await _zk.DeleteAsync("/r/a/b");
        await _zk.CreateAsync("/outside", default, Acls.OpenUnsafe);
        await _zk.GetDataAsync("/r");
        Assert.Equal([
            (EventType.NodeCreated, "/r/a"),
            (EventType.NodeCreated, "/r/a/b"),
            (EventType.NodeDataChanged, "/r/a/b"),
            (EventType.NodeDataChanged, "/r/a/b"),
            (EventType.NodeDeleted, "/r/a/b"),
        ], _log.NodeEvents.Select(e => (e.Type, e.Path)));
        await _zk.CheckWatchesAsync("/r", WatcherType.Any);
        await _zk.RemoveWatchesAsync("/r", WatcherType.Any);
        await _zk.CreateAsync("/r/z", default, Acls.OpenUnsafe);
        await _zk.GetDataAsync("/r");
        Assert.Equal((EventType.PersistentWatchRemoved, "/r"), _log.NodeEvents.Select(e => (e.Type, e.Path)).Last());
        await Assert.ThrowsAsync<NoWatcherException>(() => _zk.CheckWatchesAsync("/r", WatcherType.Any));
    }

    [Fact]
    public async Task PersistentWatch_FiresRepeatedly_ForDataAndChildren()
    {
        await _zk.CreateAsync("/pw", default, Acls.OpenUnsafe);
        await _zk.AddWatchAsync("/pw", AddWatchMode.Persistent);
        await _zk.SetDataAsync("/pw", new byte[] { 1 });
        await _zk.SetDataAsync("/pw", new byte[] { 2 });
        await _zk.CreateAsync("/pw/c", default, Acls.OpenUnsafe);
        Assert.Equal([EventType.NodeDataChanged, EventType.NodeDataChanged, EventType.NodeChildrenChanged], _log.NodeEvents.Select(e => e.Type));
    }

    [Fact]
    public async Task RemoveWatchesAsync_RemovesOneShotWatch_OnServerAndLocally()
    {
        await _zk.CreateAsync("/rm", default, Acls.OpenUnsafe);
        await _zk.GetDataAsync("/rm", watch: true);
        await _zk.CheckWatchesAsync("/rm", WatcherType.Data);
        await _zk.RemoveWatchesAsync("/rm", WatcherType.Data);
        await _zk.SetDataAsync("/rm", new byte[] { 1 });
        await _zk.GetDataAsync("/rm");
        Assert.Equal([EventType.DataWatchRemoved], _log.NodeEvents.Select(e => e.Type));
        await Assert.ThrowsAsync<NoWatcherException>(() => _zk.RemoveWatchesAsync("/rm", WatcherType.Children));
    }

    [Fact]
    public async Task RecursiveWatch_KeepsServerOrder_UnderConcurrentWriters()
    {
        await _zk.CreateAsync("/conc", default, Acls.OpenUnsafe);
        await _zk.AddWatchAsync("/conc", AddWatchMode.PersistentRecursive);
        var writers = new List<ZooKeeperClient>();
        for (var i = 0; i < 3; i++) writers.Add(await _scope.ConnectAsync());
        await Task.WhenAll(writers.Select(async w =>
        {
            for (var i = 0; i < 40; i++) await w.CreateAsync("/conc/n-", default, Acls.OpenUnsafe, CreateMode.PersistentSequential);
        }));
        await _zk.SyncAsync("/conc");
        await _zk.GetDataAsync("/conc");
        var created = _log.NodeEvents.Where(e => e.Type == EventType.NodeCreated).Select(e => int.Parse(e.Path!["/conc/n-".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(0, 120), created);
    }

    [Fact]
    public async Task GetConfigWatch_IsAccepted_AndCanBeRemoved()
    {
        var cfg = await _zk.GetConfigAsync(watch: true);
        Assert.NotEmpty(cfg.Data);
        await _zk.CheckWatchesAsync(ZooKeeperClient.ConfigNode, WatcherType.Data);
        await _zk.RemoveWatchesAsync(ZooKeeperClient.ConfigNode, WatcherType.Data);
    }

    [Fact]
    public async Task WatchStateAsync_YieldsCurrentState_ThenClosed()
    {
        var c = await _scope.ConnectAsync();
        var seen = new List<ConnectionState>();
        var reader = Task.Run(async () =>
        {
            await foreach (var e in c.WatchStateAsync()) seen.Add(e.Current);
        });
        await Eventually.WaitAsync(() => seen.Count >= 1, what: "first state");
        await c.CloseAsync();
        await reader.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([ConnectionState.Connected, ConnectionState.Closed], seen);
        await Assert.ThrowsAsync<ClientClosedException>(() => c.GetDataAsync("/"));
    }

    [Fact]
    public async Task Close_DeliversClosedEvent_ToWatchers()
    {
        var c = await _scope.ConnectAsync();
        var log = new EventLog(c);
        await c.CloseAsync();
        await log.WaitForAsync(l => l.AllEvents.Any(e => e.State == KeeperState.Closed), what: "Closed event");
    }
}
