using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Health;
using ZkDashboard.Core.Store;
using ZkDashboard.Core.Tests.Support;

namespace ZkDashboard.Core.Tests.Health;

/// <summary>The downsampled series in the store: buckets, reading back, pruning by age and by row bound (real SQLite file).</summary>
public sealed class HealthSeriesStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private StoreTestHost _store = null!;
    private HealthTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _store = new StoreTestHost();
        _host = await HealthTestHost.StartAsync(new(), startPolling: false, store: _store);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _store.Dispose();
    }

    private HealthSeriesStore NewStore(int maxRows = 1000, TimeSpan? retention = null)
    {
        var options = Options.Create(new HealthOptions { StoredHistoryMaxRows = maxRows, StoredHistoryRetention = retention ?? TimeSpan.FromDays(7) });
        return new HealthSeriesStore(_host.Monitor, options, NullLogger<HealthSeriesStore>.Instance, _host.Services.GetRequiredService<IDashboardStore>());
    }

    [Fact]
    public async Task FlushAsync_WritesOneBucketPerMinute_WithMinMaxAvg()
    {
        var store = NewStore();
        store.Add("e", "a:1", "latency_avg", T0.AddSeconds(5), 2);
        store.Add("e", "a:1", "latency_avg", T0.AddSeconds(35), 6);
        store.Add("e", "a:1", "latency_avg", T0.AddSeconds(65), 10);
        store.Add("e", "b:1", "latency_avg", T0.AddSeconds(5), 99);

        await store.FlushAsync();
        var buckets = await store.ReadAsync("e", "a:1", "latency_avg", T0, T0.AddMinutes(5));

        Assert.Equal(2, buckets.Count);
        Assert.Equal((T0, 2.0, 6.0, 4.0, 2), (buckets[0].Start, buckets[0].Min, buckets[0].Max, buckets[0].Avg, buckets[0].Count));
        Assert.Equal((T0.AddMinutes(1), 10.0, 1), (buckets[1].Start, buckets[1].Avg, buckets[1].Count));
        Assert.Single(await store.ReadAsync("e", "b:1", "latency_avg", T0, T0.AddMinutes(5)));
        Assert.Empty(await store.ReadAsync("e", "a:1", "latency_avg", T0.AddMinutes(2), T0.AddMinutes(5)));
    }

    [Fact]
    public async Task PruneAsync_DeletesBucketsOlderThanTheRetention()
    {
        var store = NewStore(retention: TimeSpan.FromHours(1));
        for (var i = 0; i < 120; i += 10)
        {
            store.Add("e", "a:1", "znode_count", T0.AddMinutes(i), i);
        }
        await store.FlushAsync();

        var deleted = await store.PruneAsync(T0.AddMinutes(120));
        var left = await store.ReadAsync("e", "a:1", "znode_count", T0, T0.AddDays(1));

        Assert.Equal(6, deleted);
        Assert.Equal(T0.AddMinutes(60), left[0].Start);
        Assert.Equal(6, left.Count);
    }

    [Fact]
    public async Task PruneAsync_KeepsAtMostMaxRows_DroppingTheOldestFirst()
    {
        var store = NewStore(maxRows: 5);
        for (var i = 0; i < 8; i++)
        {
            store.Add("e", "a:1", "watch_count", T0.AddMinutes(i), i);
        }
        await store.FlushAsync();

        await store.PruneAsync(T0.AddMinutes(8));
        var left = await store.ReadAsync("e", "a:1", "watch_count", T0, T0.AddDays(1));

        Assert.Equal([3.0, 4, 5, 6, 7], left.Select(b => b.Avg));
    }

    [Fact]
    public async Task Record_StoresEveryChartedMetricOfEachServer_FromASnapshot()
    {
        var store = NewStore();
        var health = new EnsembleHealth
        {
            Ensemble = "e",
            Timestamp = T0,
            Quorum = QuorumState.Compute(1, 1, true),
            Servers = [new ServerHealth { HostPort = "a:1", Status = ServerStatus.Up, Mode = "standalone", SampledAt = T0, LatencyAvg = 3, ZnodeCount = 42 }],
        };

        store.Record(health);
        await store.FlushAsync();

        Assert.Equal(42, Assert.Single(await store.ReadAsync("e", "a:1", HistoryMetricNames.ZnodeCount, T0, T0.AddMinutes(1))).Avg);
        Assert.Equal(1, Assert.Single(await store.ReadAsync("e", "a:1", HistoryMetricNames.IsLeader, T0, T0.AddMinutes(1))).Avg);
        Assert.Empty(await store.ReadAsync("e", "a:1", HistoryMetricNames.Outstanding, T0, T0.AddMinutes(1)));
    }
}
