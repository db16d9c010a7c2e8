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
    public async Task ReadAsync_WithStep_MergesInTheDatabase_WeightedByCount()
    {
        var store = NewStore();
        store.Add("e", "a:1", "latency_avg", T0.AddSeconds(5), 2);
        store.Add("e", "a:1", "latency_avg", T0.AddSeconds(35), 6);   // minute 0: avg 4 over 2 samples
        store.Add("e", "a:1", "latency_avg", T0.AddSeconds(65), 10);  // minute 1: 10 over 1
        store.Add("e", "a:1", "latency_avg", T0.AddSeconds(125), 1);  // minute 2: 1 over 1
        store.Add("e", "a:1", "latency_avg", T0.AddSeconds(185), 7);  // minute 3: next 3-minute bucket
        await store.FlushAsync();

        var merged = await store.ReadAsync("e", "a:1", "latency_avg", T0, T0.AddMinutes(10), TimeSpan.FromMinutes(3));
        var viaDefault = await ((IHealthSeriesStore)new InMemorySeries(await store.ReadAsync("e", "a:1", "latency_avg", T0, T0.AddMinutes(10))))
            .ReadAsync("e", "a:1", "latency_avg", T0, T0.AddMinutes(10), TimeSpan.FromMinutes(3));

        Assert.Equal(2, merged.Count);
        Assert.Equal((T0, 1.0, 10.0, 19.0 / 4, 4), (merged[0].Start, merged[0].Min, merged[0].Max, merged[0].Avg, merged[0].Count));
        Assert.Equal((T0.AddMinutes(3), 7.0, 1), (merged[1].Start, merged[1].Avg, merged[1].Count));
        Assert.Equal(merged, viaDefault);
        Assert.Equal(4, (await store.ReadAsync("e", "a:1", "latency_avg", T0, T0.AddMinutes(10), TimeSpan.FromMinutes(1))).Count);
    }

    /// <summary>An <see cref="IHealthSeriesStore"/> without its own merge (the interface's default one is used).</summary>
    private sealed class InMemorySeries(IReadOnlyList<HealthSampleBucket> buckets) : IHealthSeriesStore
    {
        public TimeSpan Bucket => TimeSpan.FromMinutes(1);

        public bool Enabled => true;

        public Task<IReadOnlyList<HealthSampleBucket>> ReadAsync(string ensemble, string server, string metric, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
            => Task.FromResult(buckets);
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
