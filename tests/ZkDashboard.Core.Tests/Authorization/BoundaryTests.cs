using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Boundary;
using ZkDashboard.Core.Cache;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Tests.Sessions;
using ZkDashboard.Core.Watches;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Authorization;

/// <summary>
/// Calls through the Core boundary with the real policy on a real ensemble: a forged write by a viewer is refused and
/// audited, and path-scoped reads hold for children pages, data masks, watches, the cache feed and the ensemble list.
/// </summary>
[Collection(SessionsEnsembleCollection.Name)]
public sealed class BoundaryTests(EnsembleFixture fx)
{
    private const string Main = SessionsHarness.Main;
    private static readonly ActingUser Viewer = new("vera", ["viewers"], "10.0.0.9");
    private static readonly ActingUser PubOnly = new("paul", ["pub"], null);
    private static readonly ActingUser Peeker = new("pete", ["peekers"], null);

    private static Task<SessionsHarness> StartAsync(EnsembleFixture fx) => SessionsHarness.StartAsync(fx, v =>
    {
        v["ZkDashboard:Access:Roles:0:Name"] = "peeker";
        v["ZkDashboard:Access:Roles:0:Actions:0"] = "read";
        v["ZkDashboard:Access:Bindings:0:Subject"] = "group:viewers";
        v["ZkDashboard:Access:Bindings:0:Role"] = "viewer";
        v["ZkDashboard:Access:Bindings:1:Subject"] = "group:pub";
        v["ZkDashboard:Access:Bindings:1:Role"] = "viewer";
        v["ZkDashboard:Access:Bindings:1:Paths"] = "/pub/**";
        v["ZkDashboard:Access:Bindings:2:Subject"] = "group:peekers";
        v["ZkDashboard:Access:Bindings:2:Role"] = "peeker";
        v["ZkDashboard:Access:SensitiveData:0"] = "/pub/masked/**";
    });

    private static async Task SeedAsync(SessionsHarness h)
    {
        foreach (var p in (string[])["/pub", "/pub/a", "/pub/masked", "/pub/masked/key", "/secret", "/secret/b", "/secret/c"])
        {
            await h.Ops.CreateAsync(ActingUser.System, Main, new CreateNodeRequest(p, Encoding.UTF8.GetBytes("v" + p), Acls.OpenUnsafe));
        }
    }

    [Fact]
    public async Task SetDataAsync_ForgedCallByViewer_RefusedAuditedAndNothingChanged()
    {
        await using var h = await StartAsync(fx);
        await SeedAsync(h);
        var denied = await Assert.ThrowsAsync<AccessDeniedException>(() => h.Ops.SetDataAsync(Viewer, Main, "/pub/a", "evil"u8.ToArray(), -1));
        Assert.Equal("setData needs operator on /pub/a on ensemble 'main', and no binding gives vera that — ask an admin.", denied.Reason);
        var record = Assert.Single(h.Audit.Records, r => r.Outcome == AuditOutcome.Denied);
        Assert.Equal(ZkOperationKind.SetData, record.Operation.Kind);
        Assert.Equal("vera", record.Operation.User.Name);
        Assert.Equal("10.0.0.9", record.Operation.User.RemoteAddress);
        Assert.Equal("/pub/a", record.Operation.Path);
        var node = await h.Ops.GetNodeAsync(Viewer, Main, "/pub/a");
        Assert.Equal("v/pub/a", Encoding.UTF8.GetString(node.Data));

        await Assert.ThrowsAsync<AccessDeniedException>(() => h.Ops.DeleteRecursiveAsync(Viewer, Main, "/secret"));
        await Assert.ThrowsAsync<AccessDeniedException>(() => h.Ops.CopySubtreeAsync(Viewer, new CopyRequest(Main, "/pub", Main, "/copy")));
        Assert.Equal(3, h.Audit.Records.Count(r => r.Outcome == AuditOutcome.Denied));
        Assert.NotNull(await h.Ops.ExistsAsync(ActingUser.System, Main, "/secret/b"));
    }

    [Fact]
    public async Task Operations_Anonymous_RefusedEverything()
    {
        await using var h = await StartAsync(fx);
        await SeedAsync(h);
        var read = await Assert.ThrowsAsync<AccessDeniedException>(() => h.Ops.GetNodeAsync(ActingUser.Anonymous, Main, "/pub/a"));
        Assert.Contains("nobody is signed in", read.Reason, StringComparison.Ordinal);
        await Assert.ThrowsAsync<AccessDeniedException>(() => h.Ops.GetChildrenAsync(ActingUser.Anonymous, Main, "/", new ChildrenQuery()));
        var ensembles = h.Services.GetRequiredService<IUserEnsembles>();
        Assert.Empty(await ensembles.ListAsync(ActingUser.Anonymous));
        await Assert.ThrowsAsync<UnknownEnsembleException>(() => ensembles.GetStatusAsync(ActingUser.Anonymous, Main));
        await Assert.ThrowsAsync<AccessDeniedException>(() => ensembles.ConnectAsync(ActingUser.Anonymous, Main));
        Assert.Single(await ensembles.ListAsync(PubOnly));
    }

    [Fact]
    public async Task GetChildrenAsync_PathScopedUser_SeesOnlyReadableChildrenWithHiddenCount()
    {
        await using var h = await StartAsync(fx);
        await SeedAsync(h);
        var root = await h.Ops.GetChildrenAsync(PubOnly, Main, "/", new ChildrenQuery());
        Assert.Equal(["pub"], root.Items.Select(i => i.Name).ToArray());
        Assert.Equal(1, root.HiddenChildren);
        Assert.Equal(1, root.TotalChildren);
        Assert.Equal(1, root.MatchingChildren);

        var all = await h.Ops.GetChildrenAsync(Viewer, Main, "/", new ChildrenQuery());
        Assert.Equal(["pub", "secret"], all.Items.Select(i => i.Name).ToArray());
        Assert.Equal(0, all.HiddenChildren);

        var secret = await Assert.ThrowsAsync<AccessDeniedException>(() => h.Ops.GetChildrenAsync(PubOnly, Main, "/secret", new ChildrenQuery()));
        Assert.Contains("read needs viewer on /secret", secret.Reason, StringComparison.Ordinal);
        await Assert.ThrowsAsync<AccessDeniedException>(() => h.Ops.GetNodeAsync(PubOnly, Main, "/secret/b"));
        Assert.Equal(2, h.Audit.Records.Count(r => r.Outcome == AuditOutcome.Denied && r.Operation.User.Name == "paul"));

        // The root itself is only browsable: stat yes, data no.
        var rootNode = await h.Ops.GetNodeAsync(PubOnly, Main, "/");
        Assert.True(rootNode.DataHidden);
    }

    [Fact]
    public async Task GetNodeAsync_SensitiveMask_StatVisibleDataHidden()
    {
        await using var h = await StartAsync(fx);
        await SeedAsync(h);
        var masked = await h.Ops.GetNodeAsync(Peeker, Main, "/pub/masked/key");
        Assert.True(masked.DataHidden);
        Assert.Empty(masked.Data);
        Assert.Equal("v/pub/masked/key".Length, masked.Stat.DataLength);
        Assert.Contains("sensitive-data mask", masked.DataHiddenReason, StringComparison.Ordinal);
        var plain = await h.Ops.GetNodeAsync(Peeker, Main, "/pub/a");
        Assert.False(plain.DataHidden);
        Assert.Equal("v/pub/a", Encoding.UTF8.GetString(plain.Data));
        var viewer = await h.Ops.GetNodeAsync(Viewer, Main, "/pub/masked/key");
        Assert.Equal("v/pub/masked/key", Encoding.UTF8.GetString(viewer.Data));
    }

    [Fact]
    public async Task SubscribeAsync_SubtreeFeed_LeavesOutEventsOfHiddenNodes()
    {
        await using var h = await StartAsync(fx);
        await SeedAsync(h);
        var watches = h.Services.GetRequiredService<IUserWatches>();
        var seen = new RecordingSubscriber();
        using var sub = await watches.SubscribeAsync(PubOnly, Main, "/", WatchKind.Subtree, seen);
        await sub.Ready;
        await h.Ops.SetDataAsync(ActingUser.System, Main, "/secret/b", "x"u8.ToArray(), -1);
        await h.Ops.SetDataAsync(ActingUser.System, Main, "/pub/a", "y"u8.ToArray(), -1);
        await Eventually.TrueAsync(() => seen.Has(n => n.Path == "/pub/a" && n.Change == WatchChange.DataChanged), "the /pub/a change reaches the subscriber");
        // Events are delivered in order per subscription: the earlier /secret change would have come first.
        Assert.False(seen.Has(n => n.Path.StartsWith("/secret", StringComparison.Ordinal)));

        var denied = await Assert.ThrowsAsync<AccessDeniedException>(() => watches.SubscribeAsync(PubOnly, Main, "/secret/b", WatchKind.Data, new RecordingSubscriber()));
        Assert.Contains("/secret/b", denied.Reason, StringComparison.Ordinal);
        Assert.Contains(h.Audit.Records, r => r.Outcome == AuditOutcome.Denied && r.Operation.Kind == ZkOperationKind.Watch && r.Operation.Path == "/secret/b");
        await Assert.ThrowsAsync<AccessDeniedException>(() => watches.SubscribeAsync(ActingUser.Anonymous, Main, "/", WatchKind.Subtree, new RecordingSubscriber()));
    }

    [Fact]
    public async Task UserNodeCache_ChangeFeedAndLeases_FollowReadScope()
    {
        await using var h = await StartAsync(fx);
        await SeedAsync(h);
        var cache = h.Services.GetRequiredService<IUserNodeCache>();
        await Assert.ThrowsAsync<AccessDeniedException>(() => cache.OpenAsync(PubOnly, Main, "/secret"));
        var changes = new List<string>();
        using var feed = cache.SubscribeChanges(PubOnly, Main, e => { lock (changes) { changes.Add(e.Path); } });
        using var secretLease = await cache.OpenAsync(Viewer, Main, "/secret");
        using var pubLease = await cache.OpenAsync(PubOnly, Main, "/pub");
        await h.Ops.GetChildrenAsync(Viewer, Main, "/secret", new ChildrenQuery());
        await h.Ops.GetChildrenAsync(PubOnly, Main, "/pub", new ChildrenQuery());
        await h.Ops.CreateAsync(ActingUser.System, Main, new CreateNodeRequest("/secret/new", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe));
        await h.Ops.CreateAsync(ActingUser.System, Main, new CreateNodeRequest("/pub/new", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe));
        await Eventually.TrueAsync(() => { lock (changes) { return changes.Contains("/pub"); } }, "the /pub children change reaches the feed");
        lock (changes)
        {
            Assert.DoesNotContain(changes, p => p.StartsWith("/secret", StringComparison.Ordinal));
        }
    }
}
