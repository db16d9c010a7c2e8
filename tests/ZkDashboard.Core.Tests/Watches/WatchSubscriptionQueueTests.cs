using Microsoft.Extensions.Logging.Abstractions;
using ZkDashboard.Core.Metrics;
using ZkDashboard.Core.Tests.Sessions;
using ZkDashboard.Core.Watches;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Watches;

/// <summary>The delivery queue alone (no server needed): coalescing by path and the overflow bound.</summary>
public sealed class WatchSubscriptionQueueTests
{
    private static Stat StatWithVersion(int v) => new(1, 2, 3, 4, v, 0, 0, 0, 0, 0, 5);

    private static WatchNotification N(string path, int version) =>
        new("e", "/", WatchKind.Subtree, path, WatchChange.DataChanged, StatWithVersion(version), 1, DateTimeOffset.UtcNow);

    [Fact]
    public async Task Post_SlowSubscriber_CoalescesByPathAndKeepsLatestState()
    {
        using var release = new SemaphoreSlim(0);
        var received = new List<WatchNotification>();
        var first = new TaskCompletionSource();
        var subscriber = WatchSubscriber.Create(async (n, ct) =>
        {
            first.TrySetResult();
            await release.WaitAsync(ct);
            lock (received)
            {
                received.Add(n);
            }
        });
        var metrics = new DashboardMetrics();
        using var sub = new WatchSubscription("e", "/", WatchKind.Subtree, subscriber, 16, metrics, NullLogger.Instance, _ => { });
        sub.Post(N("/a", 0));
        await first.Task.WaitAsync(TimeSpan.FromSeconds(30)); // the handler is busy with /a v0
        for (var v = 1; v <= 1000; v++)
        {
            sub.Post(N("/a", v));
            sub.Post(N("/b", v));
        }
        Assert.Equal(2, sub.PendingCount);
        release.Release(100);
        await Eventually.TrueAsync(() =>
        {
            lock (received)
            {
                return received.Count >= 3;
            }
        }, "the first notification and the two coalesced ones arrive");
        Assert.Equal(3, received.Count);
        Assert.Equal(1000, received[1].Stat!.Version);
        Assert.Equal(1000, received[1].CoalescedCount);
        Assert.Equal(1000, received[2].Stat!.Version);
        Assert.Equal(1998, metrics.CoalescedEvents);
        Assert.InRange(sub.MaxPendingObserved, 1, 2);
    }

    [Fact]
    public async Task Post_MoreDistinctPathsThanCapacity_CollapsesIntoOneResync()
    {
        using var release = new SemaphoreSlim(0);
        var received = new List<WatchNotification>();
        var first = new TaskCompletionSource();
        var subscriber = WatchSubscriber.Create(async (n, ct) =>
        {
            first.TrySetResult();
            await release.WaitAsync(ct);
            lock (received)
            {
                received.Add(n);
            }
        });
        var metrics = new DashboardMetrics();
        using var sub = new WatchSubscription("e", "/", WatchKind.Subtree, subscriber, 4, metrics, NullLogger.Instance, _ => { });
        sub.Post(N("/first", 1));
        await first.Task.WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 10_000; i++)
        {
            sub.Post(N($"/p{i}", 1));
            Assert.InRange(sub.PendingCount, 0, 4);
        }
        Assert.Equal(1, sub.PendingCount);
        release.Release(10);
        await Eventually.TrueAsync(() =>
        {
            lock (received)
            {
                return received.Count >= 2;
            }
        }, "the first notification and the resync arrive");
        Assert.Equal(2, received.Count);
        var resync = received[1];
        Assert.Equal(WatchChange.Resync, resync.Change);
        Assert.Equal(10_000, resync.CoalescedCount);
        Assert.Equal(1, metrics.QueueOverflows);
        Assert.InRange(sub.MaxPendingObserved, 1, 4);
    }
}
