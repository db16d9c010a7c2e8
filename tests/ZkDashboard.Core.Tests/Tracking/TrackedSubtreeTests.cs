using System.Text;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Store;
using ZkDashboard.Core.Tests.Sessions;
using ZkDashboard.Core.Tracking;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Tracking;

/// <summary>Tracked subtrees on the real sandbox: outside writes (kazoo), bursts, history, restore and changes between two times.</summary>
[Collection(SessionsEnsembleCollection.Name)]
public sealed class TrackedSubtreeTests(EnsembleFixture fx)
{
    private static readonly ActingUser Tester = new("tester", ["admins"], "127.0.0.1");

    private static async Task Seed(ZooKeeperClient c, params (string Path, string Data)[] nodes)
    {
        foreach (var (path, data) in nodes)
        {
            await c.CreateAsync(path, Encoding.UTF8.GetBytes(data), Acls.OpenUnsafe);
        }
    }

    internal static async Task<NodeVersionRecord> LatestAsync(TrackingHarness h, string path, Func<NodeVersionRecord, bool> until, string what, TimeSpan? timeout = null)
    {
        NodeVersionRecord? last = null;
        await Eventually.TrueAsync(async () =>
        {
            var all = await h.RecordsAsync(path);
            last = all.LastOrDefault();
            return last is not null && until(last);
        }, what, timeout ?? TimeSpan.FromSeconds(30));
        return last!;
    }

    [Fact]
    public async Task OutsideWrites_ByKazoo_RecordedWithContentAsOutsideTheDashboard()
    {
        await using var h = await TrackingHarness.StartAsync(fx, c => Seed(c, ("/configs", ""), ("/configs/app", "v0"), ("/other", "x")));
        var baseline = await LatestAsync(h, "/configs/app", r => r.Kind == NodeChangeKind.Existing, "the baseline of /configs/app");
        Assert.Equal(NodeObservation.Baseline, baseline.Observation);
        Assert.Equal("v0", Encoding.UTF8.GetString(baseline.Data!));

        const string script = """
            import sys
            from kazoo.client import KazooClient
            zk = KazooClient(hosts=sys.argv[1])
            zk.start(timeout=30)
            st = zk.set("/configs/app", b"v1")
            zk.create("/configs/new", b"n1")
            zk.set("/other", b"y")
            print("app-version=" + str(st.version))
            zk.stop()
            """;
        var kazoo = await PeerClients.KazooAsync(script, h.ChrootedConnectString);
        Assert.True(kazoo.ExitCode == 0, kazoo.ToString());
        Assert.Contains("app-version=1", kazoo.StdOut, StringComparison.Ordinal);

        var changed = await LatestAsync(h, "/configs/app", r => r.Version == 1, "version 1 of /configs/app recorded");
        Assert.Equal(NodeChangeKind.Changed, changed.Kind);
        Assert.Equal(NodeObservation.Event, changed.Observation);
        Assert.Equal("v1", Encoding.UTF8.GetString(changed.Data!));
        Assert.Equal(1, changed.Count);
        Assert.Null(changed.By);
        Assert.Equal(64, changed.Sha256!.Length);
        var created = await LatestAsync(h, "/configs/new", r => r.Kind == NodeChangeKind.Created, "the creation of /configs/new recorded");
        Assert.Equal("n1", Encoding.UTF8.GetString(created.Data!));
        Assert.NotNull(created.Acl); // the first record of a node carries its ACL
        Assert.Contains("world:anyone:", created.Acl, StringComparison.Ordinal);
        Assert.Empty(await h.RecordsAsync("/other")); // not under a tracked glob

        var history = await h.History.GetHistoryAsync(Tester, TrackingHarness.Main, "/configs/app");
        Assert.Equal("/configs/**", history.TrackedBy);
        Assert.Equal(2, history.Versions.Count);
        Assert.Equal(1, history.Versions[0].Version);
        Assert.True(history.Versions[0].Outside);
        Assert.Equal(NodeHistoryTexts.Outside, history.Versions[0].By);
        Assert.Equal("v1", Encoding.UTF8.GetString(history.Versions[0].Data!));
        Assert.Equal(NodeChangeKind.Existing, history.Versions[1].Kind);
        Assert.False(history.Versions[1].Outside);
    }

    [Fact]
    public async Task Burst_TwentySetDataInOneMulti_OneVersionRecordedWithCountTwenty()
    {
        await using var h = await TrackingHarness.StartAsync(fx, c => Seed(c, ("/configs", ""), ("/configs/burst", "b")));
        await LatestAsync(h, "/configs/burst", r => r.Kind == NodeChangeKind.Existing, "the baseline");
        const string script = """
            import sys
            from kazoo.client import KazooClient
            zk = KazooClient(hosts=sys.argv[1])
            zk.start(timeout=30)
            t = zk.transaction()
            for i in range(20):
                t.set_data("/configs/burst", ("b%d" % (i + 1)).encode())
            print(t.commit())
            print("version=" + str(zk.get("/configs/burst")[1].version))
            zk.stop()
            """;
        var kazoo = await PeerClients.KazooAsync(script, h.ChrootedConnectString);
        Assert.True(kazoo.ExitCode == 0, kazoo.ToString());
        Assert.Contains("version=20", kazoo.StdOut, StringComparison.Ordinal);

        // The 20 events arrive together; every read after the first sees version 20 (a multi is atomic): one record,
        // whose count grows to the 20 events it stands for.
        var record = await LatestAsync(h, "/configs/burst", r => r.Version == 20 && r.Count == 20, "version 20 recorded with a count of 20");
        Assert.Equal("b20", Encoding.UTF8.GetString(record.Data!));
        var all = await h.RecordsAsync("/configs/burst");
        Assert.Equal(2, all.Count); // the baseline and the coalesced burst
        Assert.Equal(NodeObservation.Event, all[1].Observation);
    }

    [Fact]
    public async Task DashboardWrite_HistoryNamesTheUser_RestoreLinksItsSource_StaleRestoreWritesNothing()
    {
        await using var h = await TrackingHarness.StartAsync(fx, c => Seed(c, ("/configs", ""), ("/configs/r", "one")));
        var baseline = await LatestAsync(h, "/configs/r", r => r.Kind == NodeChangeKind.Existing, "the baseline");
        var written = await h.Ops.SetDataAsync(Tester, TrackingHarness.Main, "/configs/r", "two"u8.ToArray(), 0);
        await LatestAsync(h, "/configs/r", r => r.Version == 1, "the dashboard's write recorded");
        await using var ext = await h.ExternalClientAsync();
        await ext.SetDataAsync("/configs/r", "three"u8.ToArray(), 1);
        await LatestAsync(h, "/configs/r", r => r.Version == 2, "the outside write recorded");

        var history = await h.History.GetHistoryAsync(Tester, TrackingHarness.Main, "/configs/r");
        Assert.Equal([2, 1, 0], history.Versions.Select(v => v.Version ?? -1));
        Assert.True(history.Versions[0].Outside);
        Assert.Equal("tester (local)", history.Versions[1].By);
        Assert.False(history.Versions[1].Outside);
        Assert.Equal(written.Stat!.Mzxid, history.Versions[1].Mzxid);
        Assert.NotNull(history.Versions[1].AuditId);

        var restored = await h.History.RestoreAsync(Tester, TrackingHarness.Main, "/configs/r", "t" + baseline.Id, 2, "undo the outside change");
        Assert.Equal(3, restored.Stat!.Version);
        Assert.Equal("one", Encoding.UTF8.GetString((await ext.GetDataAsync("/configs/r")).Data));
        var audit = h.Audit.Entries.Last(e => e.Operation == nameof(ZkOperationKind.SetData));
        Assert.Equal(AuditOutcome.Succeeded, audit.Outcome);
        Assert.Equal(baseline.Id, audit.LinkedNodeVersionId);
        Assert.Contains("restore of version 0", audit.Reason, StringComparison.Ordinal);
        Assert.Contains("undo the outside change", audit.Reason, StringComparison.Ordinal);
        Assert.Equal(3, audit.ResultVersion);

        await LatestAsync(h, "/configs/r", r => r.Version == 3, "the restore recorded");
        history = await h.History.GetHistoryAsync(Tester, TrackingHarness.Main, "/configs/r");
        var top = history.Versions[0];
        Assert.Equal(3, top.Version);
        Assert.Equal("tester (local)", top.By);
        Assert.Equal(baseline.Id, top.LinkedTrackedId);
        Assert.Contains("restore of version 0", top.Reason, StringComparison.Ordinal);

        // The node moved on since the page showed version 3: the restore is refused and nothing is written.
        await ext.SetDataAsync("/configs/r", "four"u8.ToArray(), 3);
        var twoId = history.Versions.Single(v => v.Version == 1).Id;
        await Assert.ThrowsAsync<BadVersionException>(() => h.History.RestoreAsync(Tester, TrackingHarness.Main, "/configs/r", twoId, 3, null));
        var now = await ext.GetDataAsync("/configs/r");
        Assert.Equal("four", Encoding.UTF8.GetString(now.Data));
        Assert.Equal(4, now.Stat.Version);
        Assert.Equal(AuditOutcome.Failed, h.Audit.Entries.Last().Outcome);

        await Assert.ThrowsAsync<NodeVersionNotFoundException>(() => h.History.RestoreAsync(Tester, TrackingHarness.Main, "/configs/r", "t999999", 4, null));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => h.History.RestoreAsync(Tester, TrackingHarness.Main, "/configs/r", twoId, -1, null));
    }

    [Fact]
    public async Task ChangesBetween_CreatedChangedDeleted_ListedWithBeforeAndAfter()
    {
        await using var h = await TrackingHarness.StartAsync(fx, c => Seed(c, ("/configs", ""), ("/configs/c", ""), ("/configs/c/keep", "k0"), ("/configs/c/gone", "g"), ("/configs/c/still", "s")));
        await LatestAsync(h, "/configs/c/still", r => r.Kind == NodeChangeKind.Existing, "the baseline");
        await LatestAsync(h, "/configs/c/gone", r => r.Kind == NodeChangeKind.Existing, "the baseline");
        var from = DateTimeOffset.UtcNow.AddMilliseconds(-1);
        await using var ext = await h.ExternalClientAsync();
        await ext.SetDataAsync("/configs/c/keep", "k1"u8.ToArray());
        await ext.CreateAsync("/configs/c/new", "n"u8.ToArray(), Acls.OpenUnsafe);
        await ext.DeleteAsync("/configs/c/gone");
        await LatestAsync(h, "/configs/c/gone", r => r.Kind == NodeChangeKind.Deleted, "the deletion recorded");
        await LatestAsync(h, "/configs/c/new", r => r.Kind == NodeChangeKind.Created, "the creation recorded");
        await LatestAsync(h, "/configs/c/keep", r => r.Version == 1, "the change recorded");
        var to = DateTimeOffset.UtcNow.AddSeconds(1);

        var changes = await h.History.GetChangesBetweenAsync(Tester, TrackingHarness.Main, "/configs/c", from, to);
        Assert.Equal(["/configs/c/gone", "/configs/c/keep", "/configs/c/new"], changes.Select(c => c.Path));
        var keep = changes.Single(c => c.Path == "/configs/c/keep");
        Assert.Equal(NodeChangeKind.Changed, keep.Kind);
        Assert.Equal("k0", Encoding.UTF8.GetString(keep.Before!.Data!));
        Assert.Equal("k1", Encoding.UTF8.GetString(keep.After.Data!));
        Assert.Equal(NodeChangeKind.Created, changes.Single(c => c.Path == "/configs/c/new").Kind);
        var gone = changes.Single(c => c.Path == "/configs/c/gone");
        Assert.Equal(NodeChangeKind.Deleted, gone.Kind);
        Assert.Equal("g", Encoding.UTF8.GetString(gone.Before!.Data!));

        // An interval that begins before tracking did: the baseline is the earliest known state, so "keep" is still a change.
        var wide = await h.History.GetChangesBetweenAsync(Tester, TrackingHarness.Main, "/configs/c", from.AddHours(-1), to);
        Assert.Equal(NodeChangeKind.Changed, wide.Single(c => c.Path == "/configs/c/keep").Kind);
        Assert.Equal("k0", Encoding.UTF8.GetString(wide.Single(c => c.Path == "/configs/c/keep").Before!.Data!));
        Assert.Equal(NodeChangeKind.Deleted, wide.Single(c => c.Path == "/configs/c/gone").Kind);
        Assert.Equal(NodeChangeKind.Created, wide.Single(c => c.Path == "/configs/c/new").Kind);
        Assert.Empty(await h.History.GetChangesBetweenAsync(Tester, TrackingHarness.Main, "/configs/c", from.AddHours(-2), from.AddHours(-1)));
        await Assert.ThrowsAsync<ArgumentException>(() => h.History.GetChangesBetweenAsync(Tester, TrackingHarness.Main, "/configs/c", to, from));
    }

    [Fact]
    public async Task Track_StoredGlob_StartsRecordingAndIsAudited_SettingsGlobCannotBeRemoved()
    {
        await using var h = await TrackingHarness.StartAsync(fx, c => Seed(c, ("/apps", ""), ("/apps/a", "1")));
        Assert.Empty(await h.RecordsAsync("/apps/a"));
        var tracked = await h.History.TrackAsync(Tester, TrackingHarness.Main, "/apps/**");
        Assert.Equal("/apps", tracked.Root);
        Assert.Equal(TrackedSubtreeSource.Store, tracked.Source);
        await LatestAsync(h, "/apps/a", r => r.Version == 0, "the new glob's nodes are recorded");
        var list = await h.History.GetTrackedAsync(Tester, TrackingHarness.Main);
        Assert.Contains(list, t => t.Glob == "/configs/**" && t.Source == TrackedSubtreeSource.Configuration);
        Assert.Contains(list, t => t.Glob == "/apps/**" && t.Source == TrackedSubtreeSource.Store);
        Assert.Contains(h.Audit.Entries, e => e.Operation == "Tracking" && e.Reason == "track /apps/**" && e.Outcome == AuditOutcome.Succeeded);

        await Assert.ThrowsAsync<InvalidOperationException>(() => h.History.UntrackAsync(Tester, TrackingHarness.Main, "/configs/**"));
        var bad = await Assert.ThrowsAsync<ArgumentException>(() => h.History.TrackAsync(Tester, TrackingHarness.Main, "apps/**"));
        Assert.Contains("must start with \"/\"", bad.Message, StringComparison.Ordinal);
        await h.History.UntrackAsync(Tester, TrackingHarness.Main, "/apps/**");
        Assert.DoesNotContain(await h.History.GetTrackedAsync(Tester, TrackingHarness.Main), t => t.Glob == "/apps/**");
        Assert.DoesNotContain(h.Tracker.Status, s => s.Root == "/apps");
    }
}

/// <summary>Tracked subtrees across a dashboard restart, and the access rules of node history.</summary>
[Collection(SessionsEnsembleCollection.Name)]
public sealed class TrackedSubtreeRestartAndAccessTests(EnsembleFixture fx)
{
    private static readonly ActingUser Viewer = new("vera", ["viewers"], null);
    private static readonly ActingUser Operator = new("otto", ["operators"], null);
    private static readonly ActingUser Peeker = new("pete", ["peekers"], null);

    [Fact]
    public async Task Restart_ChangesWhileTheDashboardWasDown_RecordedAsObservedAfterAGap()
    {
        var h = await TrackingHarness.StartAsync(fx, async c =>
        {
            await c.CreateAsync("/configs", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
            await c.CreateAsync("/configs/a", "a0"u8.ToArray(), Acls.OpenUnsafe);
            await c.CreateAsync("/configs/b", "b0"u8.ToArray(), Acls.OpenUnsafe);
            await c.CreateAsync("/configs/same", "s"u8.ToArray(), Acls.OpenUnsafe);
        });
        try
        {
            await TrackedSubtreeTests.LatestAsync(h, "/configs/same", r => r.Kind == NodeChangeKind.Existing, "the baseline");
            await TrackedSubtreeTests.LatestAsync(h, "/configs/b", r => r.Kind == NodeChangeKind.Existing, "the baseline");
            await h.Tracker.FlushAsync();
            await using (var ext = await h.ExternalClientAsync())
            {
                h = await h.RestartAsync(); // the old dashboard is stopped before the changes
                // (the new one is already reading; stop it too, so the changes happen while nobody watches)
                await h.Tracker.StopAsync(CancellationToken.None);
                await ext.SetDataAsync("/configs/a", "a1"u8.ToArray());
                await ext.SetDataAsync("/configs/a", "a2"u8.ToArray());
                await ext.DeleteAsync("/configs/b");
                await ext.CreateAsync("/configs/c", "c0"u8.ToArray(), Acls.OpenUnsafe);
            }
            h = await h.RestartAsync();

            var a = await TrackedSubtreeTests.LatestAsync(h, "/configs/a", r => r.Version == 2, "the version written while down");
            Assert.Equal(NodeObservation.Gap, a.Observation);
            Assert.Equal(NodeChangeKind.Changed, a.Kind);
            Assert.Equal("a2", Encoding.UTF8.GetString(a.Data!));
            var b = await TrackedSubtreeTests.LatestAsync(h, "/configs/b", r => r.Kind == NodeChangeKind.Deleted, "the deletion while down");
            Assert.Equal(NodeObservation.Gap, b.Observation);
            var c = await TrackedSubtreeTests.LatestAsync(h, "/configs/c", r => r.Kind == NodeChangeKind.Created, "the creation while down");
            Assert.Equal(NodeObservation.Gap, c.Observation);
            await h.Tracker.FlushAsync();
            Assert.Single(await h.RecordsAsync("/configs/same")); // unchanged: not recorded again
            Assert.Equal(2, (await h.RecordsAsync("/configs/a")).Count); // baseline and the gap version; versions 1 is gone from the server

            var history = await h.History.GetHistoryAsync(ActingUser.System, TrackingHarness.Main, "/configs/a");
            Assert.Equal(NodeObservation.Gap, history.Versions[0].Observation);
            Assert.True(history.Versions[0].Outside);
        }
        finally
        {
            await h.DisposeAsync();
        }
    }

    [Fact]
    public async Task Access_MaskedContentHiddenWithoutReadData_ViewerCannotRestore_OperatorCannotTrack_RefusalsAudited()
    {
        await using var h = await TrackingHarness.StartAsync(fx, async c =>
        {
            await c.CreateAsync("/configs", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
            await c.CreateAsync("/configs/open", "o"u8.ToArray(), Acls.OpenUnsafe);
            await c.CreateAsync("/configs/secret", "s3cr3t"u8.ToArray(), Acls.OpenUnsafe);
        }, settings: v =>
        {
            v["ZkDashboard:Access:Bindings:0:Subject"] = "group:viewers";
            v["ZkDashboard:Access:Bindings:0:Role"] = "viewer";
            v["ZkDashboard:Access:Bindings:1:Subject"] = "group:operators";
            v["ZkDashboard:Access:Bindings:1:Role"] = "operator";
            v["ZkDashboard:Access:Roles:0:Name"] = "peeker";
            v["ZkDashboard:Access:Roles:0:Actions:0"] = "read";
            v["ZkDashboard:Access:Bindings:2:Subject"] = "group:peekers";
            v["ZkDashboard:Access:Bindings:2:Role"] = "peeker";
            v["ZkDashboard:Access:SensitiveData:0"] = "/configs/secret";
        });
        var open = await TrackedSubtreeTests.LatestAsync(h, "/configs/open", r => r.Kind == NodeChangeKind.Existing, "the baseline");
        await TrackedSubtreeTests.LatestAsync(h, "/configs/secret", r => r.Kind == NodeChangeKind.Existing, "the baseline");

        var openHistory = await h.History.GetHistoryAsync(Viewer, TrackingHarness.Main, "/configs/open");
        Assert.Equal("o", Encoding.UTF8.GetString(openHistory.Versions.Single().Data!));
        // A viewer has readData; a read-only role under the sensitive-data mask sees versions without content.
        Assert.Equal("s3cr3t", Encoding.UTF8.GetString((await h.History.GetHistoryAsync(Viewer, TrackingHarness.Main, "/configs/secret")).Versions.Single().Data!));
        var masked = (await h.History.GetHistoryAsync(Peeker, TrackingHarness.Main, "/configs/secret")).Versions.Single();
        Assert.Null(masked.Data);
        Assert.Contains("readData", masked.DataUnavailableReason, StringComparison.Ordinal);
        Assert.Equal(64, masked.Sha256!.Length);

        var restore = await Assert.ThrowsAsync<AccessDeniedException>(() => h.History.RestoreAsync(Viewer, TrackingHarness.Main, "/configs/open", "t" + open.Id, 0, null));
        Assert.Contains("setData", restore.Reason, StringComparison.Ordinal);
        await Assert.ThrowsAsync<AccessDeniedException>(() => h.History.TrackAsync(Operator, TrackingHarness.Main, "/apps/**"));
        Assert.Equal(2, h.Audit.Entries.Count(e => e.Outcome == AuditOutcome.Denied));
        Assert.Contains(h.Audit.Entries, e => e.Outcome == AuditOutcome.Denied && e.User == "otto" && e.Operation == "Tracking");
        Assert.DoesNotContain(await h.History.GetTrackedAsync(ActingUser.System, TrackingHarness.Main), t => t.Glob == "/apps/**");

        // An operator may restore (setData) — with the version as shown.
        var restored = await h.History.RestoreAsync(Operator, TrackingHarness.Main, "/configs/open", "t" + open.Id, 0, "same content, new version");
        Assert.Equal(1, restored.Stat!.Version);
    }
}
