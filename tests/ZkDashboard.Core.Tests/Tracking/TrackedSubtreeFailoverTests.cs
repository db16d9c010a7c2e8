using System.Globalization;
using System.Text;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Store;
using ZkDashboard.Core.Tests.Sessions;
using ZkDashboard.Core.Tracking;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Tracking;

/// <summary>
/// Tracked-subtree history across a leader kill and a forced session expiry while an outside client keeps writing.
/// </summary>
/// <remarks>
/// "No version missed" is asserted as: (1) after each gap (once the tracker's re-read has run) and at the end, the
/// version of every tracked node that the server holds — as kazoo reads it — is recorded, with its exact content;
/// (2) the recorded versions of each node strictly increase (none recorded twice or out of order); (3) while nothing
/// was interrupted, every version is accounted for by event records: each one's count equals the versions it stands
/// for (version minus the previous record's version), so a coalesced burst hides no version without saying so.
/// Intermediate versions that were written and overwritten while the tracker was disconnected are not on the server
/// any more; they are the only ones a record "observed after a gap" may collapse.
/// </remarks>
[Collection(SessionsEnsembleCollection.Name)]
public sealed class TrackedSubtreeFailoverTests(EnsembleFixture fx)
{
    private const int Nodes = 10;

    private sealed class Writer(TrackingHarness h) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task? _task;
        private long _done;

        public long Done => Interlocked.Read(ref _done);

        public void Start() => _task = Task.Run(RunAsync);

        private async Task RunAsync()
        {
            var client = await h.ExternalClientAsync();
            try
            {
                var i = 0;
                while (!_stop.IsCancellationRequested)
                {
                    var path = $"/configs/f/n{i % Nodes}";
                    try
                    {
                        await client.SetDataAsync(path, Encoding.UTF8.GetBytes($"w{i}"), -1, _stop.Token);
                        Interlocked.Increment(ref _done);
                        i++;
                        await Task.Delay(5, _stop.Token);
                    }
                    catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (Exception ex) when (ex is ConnectionLossException or OperationTimeoutException or SessionExpiredException or TimeoutException or OperationOutcomeUnknownException)
                    {
                        // The writer's server may be the one killed: retry until it has reconnected (the unknown outcome is
                        // fine here: the final versions are read back, not counted).
                        if (client.State is ConnectionState.Expired or ConnectionState.Closed)
                        {
                            await client.DisposeAsync();
                            client = await h.ExternalClientAsync();
                        }
                        await Task.Delay(50);
                    }
                }
            }
            finally
            {
                await client.DisposeAsync();
            }
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            if (_task is not null)
            {
                await _task;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            _stop.Dispose();
        }
    }

    private static async Task WaitForWritesAsync(Writer w, long target, string what)
        => await Eventually.TrueAsync(() => w.Done >= target, what, TimeSpan.FromSeconds(90));

    /// <summary>Final stats and data of every node, read by kazoo (after a sync with the leader).</summary>
    private static async Task<Dictionary<string, (int Version, string Data)>> KazooStateAsync(TrackingHarness h)
    {
        const string script = """
            import sys
            from kazoo.client import KazooClient
            zk = KazooClient(hosts=sys.argv[1])
            zk.start(timeout=60)
            zk.sync("/configs/f")
            for c in sorted(zk.get_children("/configs/f")):
                data, st = zk.get("/configs/f/" + c)
                print("/configs/f/%s %d %s" % (c, st.version, data.decode()))
            zk.stop()
            """;
        var result = await PeerClients.KazooAsync(script, h.ChrootedConnectString);
        Assert.True(result.ExitCode == 0, result.ToString());
        var state = new Dictionary<string, (int, string)>(StringComparer.Ordinal);
        foreach (var line in result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ');
            state[parts[0]] = (int.Parse(parts[1], CultureInfo.InvariantCulture), parts.Length > 2 ? parts[2] : "");
        }
        Assert.Equal(Nodes, state.Count);
        return state;
    }

    /// <summary>Asserts (1) and (2) of the remarks: every current version recorded with its content; versions strictly increase.</summary>
    private static async Task AssertEveryCurrentVersionRecordedAsync(TrackingHarness h, string phase)
    {
        var state = await KazooStateAsync(h);
        Dictionary<string, NodeVersionRecord> latest = [];
        await Eventually.TrueAsync(async () =>
        {
            var records = await h.RecordsUnderAsync("/configs/f");
            latest = records.GroupBy(r => r.Path).ToDictionary(g => g.Key, g => g.Last());
            return state.All(s => latest.TryGetValue(s.Key, out var r) && r.Version == s.Value.Version);
        }, $"{phase}: every node's current version is recorded", TimeSpan.FromSeconds(60));
        foreach (var (path, (version, data)) in state)
        {
            Assert.Equal(version, latest[path].Version);
            Assert.Equal(data, Encoding.UTF8.GetString(latest[path].Data!));
        }
        foreach (var g in (await h.RecordsUnderAsync("/configs/f")).Where(r => r.Path != "/configs/f").GroupBy(r => r.Path))
        {
            var versions = g.Select(r => r.Version!.Value).ToList();
            Assert.True(versions.Zip(versions.Skip(1)).All(p => p.Second > p.First), $"{phase}: versions of {g.Key} strictly increase: {string.Join(",", versions)}");
        }
    }

    [Fact]
    public async Task LeaderKillAndSessionExpiry_WhileWriting_EveryVersionPresentAfterEachGapIsRecorded()
    {
        await using var h = await TrackingHarness.StartAsync(fx, async c =>
        {
            await c.CreateAsync("/configs", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
            await c.CreateAsync("/configs/f", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
            for (var i = 0; i < Nodes; i++)
            {
                await c.CreateAsync($"/configs/f/n{i}", "0"u8.ToArray(), Acls.OpenUnsafe);
            }
        });
        await Eventually.TrueAsync(async () => (await h.RecordsUnderAsync("/configs/f")).Count == Nodes + 1, "the baseline of every node");
        var session = h.Sessions.Get(TrackingHarness.Main);

        // Phase 1, uninterrupted: every version is accounted for by event records (count == versions covered).
        await using (var w = new Writer(h))
        {
            w.Start();
            await WaitForWritesAsync(w, 150, "150 outside writes");
        }
        await AssertEveryCurrentVersionRecordedAsync(h, "uninterrupted");
        foreach (var g in (await h.RecordsUnderAsync("/configs/f")).Where(r => r.Path != "/configs/f").GroupBy(r => r.Path))
        {
            var list = g.ToList();
            Assert.All(list.Skip(1), r => Assert.Equal(NodeObservation.Event, r.Observation));
            for (var i = 1; i < list.Count; i++)
            {
                Assert.True(list[i].Count == list[i].Version - list[i - 1].Version,
                    $"{g.Key}: record of version {list[i].Version} stands for {list[i].Count} events, but follows version {list[i - 1].Version}");
            }
        }
        var gapsBefore = (await h.RecordsUnderAsync("/configs/f")).Count(r => r.Observation == NodeObservation.Gap);
        Assert.Equal(0, gapsBefore);

        // Phase 2: the leader is killed while the outside client writes.
        var leader = await h.Sandbox.WaitForLeaderAsync(TimeSpan.FromSeconds(60));
        try
        {
            await using var w = new Writer(h);
            w.Start();
            await WaitForWritesAsync(w, 30, "writes before the kill");
            var scanBefore = LastScan(h);
            await leader.KillAsync();
            var afterKill = w.Done;
            await WaitForWritesAsync(w, afterKill + 60, "60 writes after the leader kill");
            await w.StopAsync();
            await Eventually.TrueAsync(() => session.Status.State == EnsembleConnectionState.Connected, "the dashboard's session is connected again", TimeSpan.FromSeconds(60));
            await Eventually.TrueAsync(() => LastScan(h) > scanBefore, "the subtree was re-read after the gap", TimeSpan.FromSeconds(60));
            await AssertEveryCurrentVersionRecordedAsync(h, "after the leader kill");
        }
        finally
        {
            await leader.StartAsync();
            await h.Sandbox.WaitForQuorumAsync(TimeSpan.FromSeconds(90));
        }

        // Phase 3: the dashboard's session is expired (taken over and closed) while the outside client writes.
        await using (var w = new Writer(h))
        {
            w.Start();
            await WaitForWritesAsync(w, 30, "writes before the expiry");
            var old = session.CurrentClient!;
            var oldId = old.SessionId;
            var scanBefore = LastScan(h);
            await using (var thief = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions
            {
                ConnectString = h.ChrootedConnectString,
                SessionId = oldId,
                SessionPassword = old.SessionPassword,
            }))
            {
                await thief.CloseAsync();
            }
            await Eventually.TrueAsync(() => session.Status is { State: EnsembleConnectionState.Connected } s && s.SessionId != oldId && s.SessionId != 0,
                "a new session is open", TimeSpan.FromSeconds(60));
            var afterExpiry = w.Done;
            await WaitForWritesAsync(w, afterExpiry + 60, "60 writes after the expiry");
            await Eventually.TrueAsync(() => LastScan(h) > scanBefore, "the subtree was re-read after the expiry", TimeSpan.FromSeconds(60));
        }
        await AssertEveryCurrentVersionRecordedAsync(h, "after the session expiry");
    }

    private static DateTimeOffset LastScan(TrackingHarness h)
        => h.Tracker.Status.Single(s => s.Root == "/configs").LastScanAt ?? DateTimeOffset.MinValue;
}
