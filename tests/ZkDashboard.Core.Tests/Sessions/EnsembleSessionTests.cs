using System.Text;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Cache;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Watches;
using ZkDashboard.Sandbox;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Sessions;

[Collection(SessionsEnsembleCollection.Name)]
public sealed class EnsembleSessionTests(EnsembleFixture fx)
{
    private static readonly ActingUser Tester = new("tester", ["admin"], "127.0.0.1");

    [Fact]
    public async Task GetClient_SameEnsembleTwice_SharesOneSession()
    {
        await using var h = await SessionsHarness.StartAsync(fx);
        var a = await h.Sessions.GetClientAsync(SessionsHarness.Main);
        var b = await h.Sessions.GetClientAsync(SessionsHarness.Main);
        Assert.Same(a, b);
        Assert.Equal(EnsembleConnectionState.Connected, h.Sessions.GetStatus(SessionsHarness.Main).State);
        Assert.Equal(1, h.Metrics.SessionsOpen);
    }

    [Fact]
    public async Task SessionExpiry_Forced_SubscriptionsComeBackAndNothingStaysStale()
    {
        await using var h = await SessionsHarness.StartAsync(fx);
        await using var ext = await h.ExternalClientAsync();
        await ext.CreateAsync("/x", "v0"u8.ToArray(), Acls.OpenUnsafe);
        await ext.CreateAsync("/x/a", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        var session = h.Sessions.Get(SessionsHarness.Main);
        var data = new RecordingSubscriber();
        using var sub = h.Hub.Subscribe(SessionsHarness.Main, "/x", WatchKind.Data, data);
        await sub.Ready;
        using var open = h.Cache.Open(SessionsHarness.Main, "/x");
        var before = await h.Cache.GetChildrenPageAsync(SessionsHarness.Main, "/x", new ChildrenQuery());
        Assert.Equal(1, before.TotalChildren);
        var old = session.CurrentClient!;
        var oldId = old.SessionId;

        // Expire the session: a second client takes it over with the same id and password, then closes it.
        await using (var thief = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions
        {
            ConnectString = h.ConnectString + h.Chroot,
            SessionId = oldId,
            SessionPassword = old.SessionPassword,
        }))
        {
            await thief.CloseAsync();
        }

        await Eventually.TrueAsync(() => session.Status is { State: EnsembleConnectionState.Connected } s && s.SessionId != oldId && s.SessionId != 0,
            "a new session is open");
        await Eventually.TrueAsync(async () => (await h.ServerWatchPathsAsync()).Contains("/x"), "the watch on /x is registered on the new session");
        await Eventually.TrueAsync(() => data.Has(n => n.Change == WatchChange.Resync), "the subscriber was told to resync");

        var stat = await ext.SetDataAsync("/x", "v1"u8.ToArray());
        await ext.CreateAsync("/x/b", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await Eventually.TrueAsync(() => data.VersionOf("/x") == stat.Version, "events flow again after expiry");
        await Eventually.TrueAsync(async () =>
        {
            var page = await h.Cache.GetChildrenPageAsync(SessionsHarness.Main, "/x", new ChildrenQuery());
            return page.TotalChildren == 2 && !page.Stale;
        }, "the cached children list is refreshed and not stale");
        var node = await h.Cache.GetDataAsync(SessionsHarness.Main, "/x");
        Assert.NotNull(node);
        Assert.False(node.Stale);
        Assert.Equal(stat.Version, node.Stat.Version);
    }

    [Fact]
    public async Task ConnectedServerKilled_ServiceSessionSurvives()
    {
        await using var h = await SessionsHarness.StartAsync(fx);
        await using var ext = await h.ExternalClientAsync();
        await ext.CreateAsync("/k", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        var session = h.Sessions.Get(SessionsHarness.Main);
        var data = new RecordingSubscriber();
        using var sub = h.Hub.Subscribe(SessionsHarness.Main, "/k", WatchKind.Data, data);
        await sub.Ready;
        var client = session.CurrentClient!;
        var sessionId = client.SessionId;
        var victim = h.Sandbox.Servers.First(s => s.HostPort == client.ConnectedServer);
        try
        {
            await victim.KillAsync();
            await Eventually.TrueAsync(() => session.Status is { State: EnsembleConnectionState.Connected } s && s.ConnectedServer != victim.HostPort,
                "the session reconnected to another server", TimeSpan.FromSeconds(60));
            Assert.Equal(sessionId, session.Status.SessionId);
            Assert.Same(client, session.CurrentClient);
            // The external writer may have been on the killed server too: it retries until it has reconnected.
            var stat = await SetDataOnceReconnectedAsync(ext, "/k", "after"u8.ToArray(), TimeSpan.FromSeconds(60));
            await Eventually.TrueAsync(() => data.VersionOf("/k") == stat.Version, "events still arrive after the failover", TimeSpan.FromSeconds(60));
        }
        finally
        {
            await victim.StartAsync();
            await h.Sandbox.WaitForQuorumAsync(TimeSpan.FromSeconds(60));
        }
    }

    [Fact]
    public async Task GetClient_BadConnectStrings_ClearErrorsAndOtherEnsembleUnaffected()
    {
        await using var h = await SessionsHarness.StartAsync(fx, null,
            SessionsHarness.Definition("unreachable", "127.0.0.1:1"),
            SessionsHarness.Definition("garbage", "this is not:a connect string"));

        var unreachable = await Assert.ThrowsAsync<EnsembleUnavailableException>(() => h.Sessions.GetClientAsync("unreachable").AsTask());
        Assert.Contains("127.0.0.1:1", unreachable.Message);
        Assert.Equal(EnsembleConnectionState.Failed, h.Sessions.GetStatus("unreachable").State);
        var garbage = await Assert.ThrowsAsync<EnsembleUnavailableException>(() => h.Sessions.GetClientAsync("garbage").AsTask());
        Assert.Contains("garbage", garbage.Message);
        Assert.Contains("connect string", garbage.Message);
        Assert.Equal(EnsembleConnectionState.Failed, garbage.State);
        Assert.False(string.IsNullOrWhiteSpace(garbage.Reason));
        await Assert.ThrowsAsync<UnknownEnsembleException>(() => h.Sessions.GetClientAsync("nobody").AsTask());

        using var pending = h.Hub.Subscribe("unreachable", "/", WatchKind.Data, new RecordingSubscriber());
        await Assert.ThrowsAsync<EnsembleUnavailableException>(() => pending.Ready);

        // The good ensemble works throughout.
        var root = await h.Ops.GetNodeAsync(Tester, SessionsHarness.Main, "/");
        Assert.NotNull(root.Stat);
        Assert.Equal(EnsembleConnectionState.Connected, h.Sessions.GetStatus(SessionsHarness.Main).State);
    }

    [Fact]
    public async Task RegistryUpdate_EnsembleRedefined_NewSessionAndSubscriptionsCarryOver()
    {
        await using var h = await SessionsHarness.StartAsync(fx);
        h.Registry.Put(SessionsHarness.Definition("edit", h.ConnectString + h.Chroot));
        await using var ext = await h.ExternalClientAsync();
        await ext.CreateAsync("/r", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        var data = new RecordingSubscriber();
        using var sub = h.Hub.Subscribe("edit", "/r", WatchKind.Data, data);
        await sub.Ready;
        var oldId = h.Sessions.GetStatus("edit").SessionId;

        h.Registry.Put(SessionsHarness.Definition("edit", h.ConnectString + h.Chroot, TimeSpan.FromSeconds(8)));

        await Eventually.TrueAsync(() => h.Sessions.GetStatus("edit") is { State: EnsembleConnectionState.Connected } s && s.SessionId != oldId,
            "the redefined ensemble has a new session");
        Assert.Equal(TimeSpan.FromSeconds(8), h.Sessions.Get("edit").Definition.SessionTimeout);
        await Eventually.TrueAsync(async () => (await h.ServerWatchPathsAsync("edit")).Contains("/r"), "the watch is registered on the new session");
        var stat = await ext.SetDataAsync("/r", "new"u8.ToArray());
        await Eventually.TrueAsync(() => data.VersionOf("/r") == stat.Version, "the subscriber still receives events");
    }

    [Fact]
    public async Task TwoEnsembles_BothLiveAtOnce_EventsStayWithTheirEnsemble()
    {
        await using var second = await SandboxEnsemble.StartAsync(new SandboxOptions { Servers = 1 });
        await using var h = await SessionsHarness.StartAsync(fx, null, SessionsHarness.Definition("second", second.ConnectString));
        await using var ext1 = await h.ExternalClientAsync();
        await using var ext2 = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = second.ConnectString });
        await ext1.CreateAsync("/both", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await ext2.CreateAsync("/both", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        var s1 = new RecordingSubscriber();
        var s2 = new RecordingSubscriber();
        using var a = h.Hub.Subscribe(SessionsHarness.Main, "/both", WatchKind.Data, s1);
        using var b = h.Hub.Subscribe("second", "/both", WatchKind.Data, s2);
        await Task.WhenAll(a.Ready, b.Ready);

        await ext1.SetDataAsync("/both", "one"u8.ToArray());
        await ext2.SetDataAsync("/both", "two"u8.ToArray());
        await ext2.SetDataAsync("/both", "two again"u8.ToArray());

        await Eventually.TrueAsync(() => s1.VersionOf("/both") == 1, "main's subscriber sees version 1");
        await Eventually.TrueAsync(() => s2.VersionOf("/both") == 2, "second's subscriber sees version 2");
        Assert.All(s1.Snapshot(), n => Assert.Equal(SessionsHarness.Main, n.Ensemble));
        Assert.All(s2.Snapshot(), n => Assert.Equal("second", n.Ensemble));
        Assert.True(h.Sessions.GetStatus(SessionsHarness.Main).IsLive);
        Assert.True(h.Sessions.GetStatus("second").IsLive);
        Assert.Equal(2, h.Metrics.SessionsOpen);
        var node = await h.Ops.GetNodeAsync(Tester, "second", "/both");
        Assert.Equal("two again", Encoding.UTF8.GetString(node.Data));
    }

    private static async Task<Stat> SetDataOnceReconnectedAsync(ZooKeeperClient client, string path, byte[] data, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                return await client.SetDataAsync(path, data);
            }
            catch (Exception ex) when (ex is ConnectionLossException or OperationOutcomeUnknownException && DateTime.UtcNow < deadline)
            {
                // Not sent (or lost before the reply): setData to the same bytes is safe to repeat.
                await Task.Delay(200);
            }
        }
    }
}
