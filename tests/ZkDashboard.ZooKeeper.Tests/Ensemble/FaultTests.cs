using ZkDashboard.Sandbox;
using ZkDashboard.Testing;

namespace ZkDashboard.ZooKeeper.Tests.Ensemble;

/// <summary>
/// Kills, pauses and stops real servers. Every test puts the ensemble back (restart/resume and
/// WaitForQuorumAsync) so the other classes of the collection are unaffected.
/// </summary>
[Collection(EnsembleCollection.Name)]
public sealed class FaultTests(EnsembleFixture fx) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private ChrootScope _scope = null!;

    public async Task InitializeAsync()
    {
        await fx.Ensemble.WaitForQuorumAsync(TimeSpan.FromSeconds(90));
        _scope = await ChrootScope.CreateAsync(fx.ConnectString, EnsembleFixture.NewChrootName());
    }

    public async Task DisposeAsync() => await _scope.DisposeAsync();

    private async Task<List<SandboxServer>> FollowersAsync()
    {
        await fx.Ensemble.WaitForQuorumAsync(TimeSpan.FromSeconds(90));
        var followers = new List<SandboxServer>();
        foreach (var s in fx.Ensemble.Servers)
            if (await s.GetModeAsync() == "follower") followers.Add(s);
        Assert.True(followers.Count >= 2, "need two followers");
        return followers;
    }

    private Task<ZooKeeperClient> ConnectToAsync(IEnumerable<SandboxServer> servers, ListLogger? logger = null) =>
        _scope.ConnectAsync(o => o with
        {
            ConnectString = string.Join(",", servers.Select(s => s.HostPort)) + _scope.Chroot,
            SessionTimeout = TimeSpan.FromSeconds(4),
            LoggerFactory = logger,
        });

    private async Task RestoreAsync(SandboxServer server)
    {
        if (server.IsPaused) await server.ResumeAsync();
        if (!server.IsRunning) await server.StartAsync();
        await fx.Ensemble.WaitForQuorumAsync(TimeSpan.FromSeconds(90));
    }

    [Fact]
    public async Task Kill9OfConnectedServer_SessionSurvivesElsewhere_WatchesRestored_InFlightFail()
    {
        var followers = await FollowersAsync();
        var logger = new ListLogger();
        var zk = await ConnectToAsync(followers.Take(2), logger);
        var log = new EventLog(zk);
        var writer = await _scope.ConnectAsync();
        await zk.CreateAsync("/w", default, Acls.OpenUnsafe);
        await zk.CreateAsync("/eph", default, Acls.OpenUnsafe, CreateMode.Ephemeral);
        await zk.GetDataAsync("/w", watch: true);
        Assert.Null(await zk.ExistsAsync("/born", watch: true));
        await zk.CreateAsync("/rec", default, Acls.OpenUnsafe);
        await zk.AddWatchAsync("/rec", AddWatchMode.PersistentRecursive);
        // Enough watched paths (~2000 x 110 bytes) that restoring them takes several SetWatches2 packets.
        await zk.CreateAsync("/many", default, Acls.OpenUnsafe);
        var many = Enumerable.Range(0, 2000).Select(i => $"/many/{new string('n', 100)}-{i:D5}").ToList();
        foreach (var chunk in many.Chunk(500)) await zk.MultiAsync(chunk.Select(p => (Op)Op.Create(p, default, Acls.OpenUnsafe)));
        await Task.WhenAll(many.Select(p => zk.GetDataAsync(p, watch: true)));
        var session = zk.SessionId;
        var victim = followers.Single(f => f.HostPort == zk.ConnectedServer);
        try
        {
            var inFlight = new List<Task>();
            for (var i = 0; i < 500; i++) inFlight.Add(i % 5 == 0 ? zk.SetDataAsync("/eph", new byte[] { 1 }) : zk.GetDataAsync("/w"));
            await victim.KillAsync();
            for (var i = 0; i < 50; i++) inFlight.Add(zk.GetDataAsync("/w"));

            // None hangs; each either completed or failed with ConnectionLoss (writes: outcome unknown).
            await Task.WhenAny(Task.WhenAll(inFlight), Task.Delay(Deadline));
            Assert.All(inFlight, t => Assert.True(t.IsCompleted, "a request hung"));
            foreach (var t in inFlight.Where(t => t.IsFaulted))
                Assert.IsAssignableFrom<ConnectionLossException>(t.Exception!.InnerException);

            await log.WaitForAsync(_ => zk.State == ConnectionState.Connected && zk.ConnectedServer != victim.HostPort, Deadline, "reconnected elsewhere");
            Assert.Contains(log.States, s => s.Current == ConnectionState.Suspended);
            Assert.Equal(session, zk.SessionId);
            Assert.NotNull(await writer.ExistsAsync("/eph"));

            await writer.SetDataAsync("/w", new byte[] { 9 });
            await writer.CreateAsync("/born", default, Acls.OpenUnsafe);
            await writer.CreateAsync("/rec/child", default, Acls.OpenUnsafe);
            await log.WaitForAsync(l => l.NodeEvents.Count >= 3, Deadline, "restored watches fire");
            Assert.Contains(new WatchedEvent(EventType.NodeDataChanged, KeeperState.SyncConnected, "/w"), log.NodeEvents);
            Assert.Contains(new WatchedEvent(EventType.NodeCreated, KeeperState.SyncConnected, "/born"), log.NodeEvents);
            Assert.Contains(new WatchedEvent(EventType.NodeCreated, KeeperState.SyncConnected, "/rec/child"), log.NodeEvents);

            foreach (var chunk in many.Chunk(500)) await writer.MultiAsync(chunk.Select(p => (Op)Op.SetData(p, new byte[] { 1 })));
            await log.WaitForAsync(l => l.NodeEvents.Count(e => e.Path!.StartsWith("/many/", StringComparison.Ordinal)) >= many.Count, Deadline, "all 2000 restored watches fire");
            var restore = System.Text.RegularExpressions.Regex.Match(logger.Text, @"Restoring (\d+) watches in (\d+) SetWatches2");
            Assert.True(restore.Success, logger.Text);
            Assert.True(int.Parse(restore.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) >= 2, restore.Value);
            Assert.Equal(many.Order(StringComparer.Ordinal), log.NodeEvents.Where(e => e.Path!.StartsWith("/many/", StringComparison.Ordinal)).Select(e => e.Path!).Order(StringComparer.Ordinal));
        }
        finally
        {
            await RestoreAsync(victim);
        }
    }

    [Fact]
    public async Task SigstopOfConnectedServer_ClientMovesOn_WhileServerIsPaused()
    {
        var followers = await FollowersAsync();
        var zk = await ConnectToAsync(followers.Take(2));
        var log = new EventLog(zk);
        var session = zk.SessionId;
        var victim = followers.Single(f => f.HostPort == zk.ConnectedServer);
        try
        {
            await victim.PauseAsync();
            var pending = zk.GetDataAsync("/");
            var ex = await Assert.ThrowsAsync<ConnectionLossException>(() => pending.WaitAsync(Deadline));
            Assert.Contains("read timeout", ex.Message, StringComparison.Ordinal);
            await log.WaitForAsync(_ => zk.State == ConnectionState.Connected && zk.ConnectedServer != victim.HostPort, Deadline, "moved to another server");
            Assert.True(victim.IsPaused);
            Assert.Equal(session, zk.SessionId);
            Assert.NotNull(await zk.ExistsAsync("/"));
        }
        finally
        {
            await RestoreAsync(victim);
        }
    }

    [Fact]
    public async Task WholeEnsembleStoppedPastSessionTimeout_RaisesExpired_AndEphemeralsGo()
    {
        var zk = await _scope.ConnectAsync(o => o with { SessionTimeout = TimeSpan.FromSeconds(4) });
        var log = new EventLog(zk);
        await zk.CreateAsync("/eph", default, Acls.OpenUnsafe, CreateMode.Ephemeral);
        await zk.GetDataAsync("/eph", watch: true);
        try
        {
            await fx.Ensemble.StopAllAsync();
            await log.WaitForAsync(l => l.AllEvents.Any(e => e.Type == EventType.None && e.State == KeeperState.Expired), Deadline, "final Expired event");
            Assert.Equal(ConnectionState.Expired, zk.State);
            await log.WaitForAsync(l => l.States.Count > 0 && l.States[^1].Current == ConnectionState.Expired, Deadline, "StateChanged Expired");
            await Assert.ThrowsAsync<SessionExpiredException>(() => zk.GetDataAsync("/"));
        }
        finally
        {
            await fx.Ensemble.StartAllAsync();
            await fx.Ensemble.WaitForQuorumAsync(TimeSpan.FromSeconds(90));
        }
        var fresh = await _scope.ConnectAsync();
        await Eventually.WaitAsync(async () => await fresh.ExistsAsync("/eph") is null, Deadline, "the expired session's ephemeral is deleted");
    }

    [Fact]
    public async Task SecondClientWithSameSession_ClosingIt_ExpiresTheFirst()
    {
        var zk = await _scope.ConnectAsync(o => o with { SessionTimeout = TimeSpan.FromSeconds(4) });
        var log = new EventLog(zk);
        await zk.CreateAsync("/mine", default, Acls.OpenUnsafe, CreateMode.Ephemeral);
        await zk.ExistsAsync("/mine", watch: true);
        var twin = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions
        {
            ConnectString = _scope.ConnectString,
            SessionId = zk.SessionId,
            SessionPassword = zk.SessionPassword,
            SessionTimeout = TimeSpan.FromSeconds(4),
        });
        Assert.Equal(zk.SessionId, twin.SessionId);
        await twin.CloseAsync();

        await log.WaitForAsync(l => l.AllEvents.Any(e => e.Type == EventType.None && e.State == KeeperState.Expired), Deadline, "final Expired event");
        Assert.Equal(ConnectionState.Expired, zk.State);
        await Assert.ThrowsAsync<SessionExpiredException>(() => zk.ExistsAsync("/"));
        Assert.Null(await _scope.Root.ExistsAsync(_scope.Chroot + "/mine"));
    }

    /// <summary>
    /// Replies complete on the reader, so a continuation that blocks synchronously on another call of the same client
    /// stops the reader. It must not hang: the read timeout drops the connection, the blocked call fails with a
    /// connection loss without waiting for the reader, and the client reconnects and serves calls again.
    /// </summary>
    [Fact]
    public async Task GetDataAsync_ContinuationBlocksOnAnotherCall_FailsWithConnectionLossInsteadOfHanging()
    {
        // Read timeout 4 s (2/3): the drop and the reconnect fit in the session timeout, so the session survives.
        var zk = await _scope.ConnectAsync(o => o with { SessionTimeout = TimeSpan.FromSeconds(6) });
        await zk.CreateAsync("/blocker", "x"u8.ToArray(), Acls.OpenUnsafe);
        var inner = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = zk.GetDataAsync("/blocker").ContinueWith(_ =>
        {
            try
            {
                // Blocking here is what the README forbids; it runs on the reader (ExecuteSynchronously).
                var done = zk.GetDataAsync("/blocker").Wait(Deadline);
                inner.TrySetResult(done ? null : new TimeoutException("the blocked call neither completed nor failed"));
            }
            catch (AggregateException ex)
            {
                inner.TrySetResult(ex.InnerException);
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        var error = await inner.Task.WaitAsync(Deadline);
        Assert.IsType<ConnectionLossException>(error);
        var (data, _) = await zk.GetDataAsync("/blocker").WaitAsync(Deadline);
        Assert.Equal("x"u8.ToArray(), data);
        Assert.Equal(ConnectionState.Connected, zk.State);
    }
}
