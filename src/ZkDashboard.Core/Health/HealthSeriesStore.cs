using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Store;

namespace ZkDashboard.Core.Health;

/// <summary>Downsampled per-server series kept in the dashboard database, for chart windows longer than the in-memory history.</summary>
public interface IHealthSeriesStore
{
    /// <summary>Bucket size of the stored series.</summary>
    TimeSpan Bucket { get; }

    /// <summary>False when no database is configured or storing is switched off (<see cref="HealthOptions.StoreHistory"/>).</summary>
    bool Enabled { get; }

    /// <summary>Stored buckets of one metric of one server whose start lies in [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    Task<IReadOnlyList<HealthSampleBucket>> ReadAsync(string ensemble, string server, string metric, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default);

    /// <summary>
    /// The same buckets merged into buckets of <paramref name="step"/> (a multiple of <see cref="Bucket"/>; starts aligned to the
    /// Unix epoch, averages weighted by sample count), so a chart over a long window gets only the points it draws.
    /// </summary>
    async Task<IReadOnlyList<HealthSampleBucket>> ReadAsync(string ensemble, string server, string metric, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken ct = default)
    {
        var buckets = await ReadAsync(ensemble, server, metric, from, to, ct).ConfigureAwait(false);
        var size = Math.Max(1, (long)step.TotalSeconds);
        return buckets.GroupBy(b => b.Start.ToUnixTimeSeconds() / size)
            .Select(g => new HealthSampleBucket(DateTimeOffset.FromUnixTimeSeconds(g.Key * size), g.Min(b => b.Min), g.Max(b => b.Max),
                g.Sum(b => b.Avg * b.Count) / Math.Max(1, g.Sum(b => b.Count)), g.Sum(b => b.Count)))
            .ToArray();
    }
}

/// <summary>One stored bucket.</summary>
public readonly record struct HealthSampleBucket(DateTimeOffset Start, double Min, double Max, double Avg, int Count);

/// <summary>
/// Aggregates each poll's values into buckets (<see cref="HealthOptions.StoredHistoryBucket"/>, 1 minute by default) and
/// writes each bucket once it is complete, off the poll loop (a bounded queue; drops are counted). Rows older than
/// <see cref="HealthOptions.StoredHistoryRetention"/> are pruned, and the table never holds more than
/// <see cref="HealthOptions.StoredHistoryMaxRows"/> rows (the oldest buckets go first). Unfinished buckets are written on stop.
/// </summary>
internal sealed partial class HealthSeriesStore : IHostedService, IHealthSeriesStore, IAsyncDisposable
{
    /// <summary>The metrics stored (the ones the health page charts).</summary>
    public static readonly IReadOnlyList<string> StoredMetrics =
    [
        HistoryMetricNames.Up, HistoryMetricNames.IsLeader, HistoryMetricNames.ZxidLag,
        HistoryMetricNames.LatencyMin, HistoryMetricNames.LatencyAvg, HistoryMetricNames.LatencyMax, HistoryMetricNames.LatencyP99,
        HistoryMetricNames.Outstanding, HistoryMetricNames.Connections, HistoryMetricNames.ZnodeCount, HistoryMetricNames.WatchCount,
        HistoryMetricNames.Ephemerals, HistoryMetricNames.ApproximateDataSize, HistoryMetricNames.OpenFileDescriptors,
        HistoryMetricNames.PacketsReceived, HistoryMetricNames.PacketsSent,
    ];

    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(10);

    private readonly IHealthMonitor _monitor;
    private readonly HealthOptions _options;
    private readonly IDashboardStore? _store;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Ensemble, string Server, string Metric), Accumulator> _open = [];
    private readonly Channel<HealthSampleRecord[]> _queue;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private Task? _writer;
    private IDisposable? _subscription;
    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;
    private long _dropped;

    private sealed class Accumulator(long bucket)
    {
        public long Bucket { get; } = bucket;
        public double Min { get; set; } = double.MaxValue;
        public double Max { get; set; } = double.MinValue;
        public double Sum { get; set; }
        public int Count { get; set; }
    }

    public HealthSeriesStore(IHealthMonitor monitor, IOptions<HealthOptions> options, ILogger<HealthSeriesStore> logger,
        IDashboardStore? store = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _monitor = monitor;
        _options = options.Value;
        _store = store;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _queue = Channel.CreateBounded<HealthSampleRecord[]>(new BoundedChannelOptions(1_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            batch => Interlocked.Add(ref _dropped, batch.Length));
    }

    public TimeSpan Bucket => _options.StoredHistoryBucket;

    public bool Enabled => _store is not null && _options.StoreHistory;

    /// <summary>Buckets dropped because the database was slower than the polls.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Enabled)
        {
            _writer ??= Task.Run(WriteLoopAsync, CancellationToken.None);
            _subscription ??= _monitor.Subscribe(Record);
        }
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        _subscription = null;
        if (Enabled)
        {
            Close(includeOpen: true);
            _queue.Writer.TryComplete();
            if (_writer is not null)
            {
                await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _writeGate.Dispose();
    }

    /// <summary>Adds the values of one snapshot (the monitor's subscriber).</summary>
    public void Record(EnsembleHealth health)
    {
        ArgumentNullException.ThrowIfNull(health);
        foreach (var server in health.Servers)
        {
            foreach (var (metric, value) in Values(server))
            {
                Add(health.Ensemble, server.HostPort, metric, server.SampledAt == default ? health.Timestamp : server.SampledAt, value);
            }
        }
        Close(includeOpen: false);
    }

    /// <summary>Adds one value to its bucket.</summary>
    internal void Add(string ensemble, string server, string metric, DateTimeOffset at, double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            return;
        }
        var bucket = BucketOf(at);
        lock (_lock)
        {
            var key = (ensemble, server, metric);
            if (!_open.TryGetValue(key, out var acc) || acc.Bucket != bucket)
            {
                if (acc is not null && acc.Bucket > bucket)
                {
                    return; // late value for a bucket already closed
                }
                if (acc is not null)
                {
                    Enqueue([ToRecord(key, acc)]);
                }
                acc = new Accumulator(bucket);
                _open[key] = acc;
            }
            acc.Min = Math.Min(acc.Min, value);
            acc.Max = Math.Max(acc.Max, value);
            acc.Sum += value;
            acc.Count++;
        }
    }

    /// <summary>Queues every bucket that has ended (all open ones with <paramref name="includeOpen"/>).</summary>
    private void Close(bool includeOpen)
    {
        var current = BucketOf(_time.GetUtcNow());
        lock (_lock)
        {
            var done = _open.Where(kv => includeOpen || kv.Value.Bucket < current).ToList();
            if (done.Count == 0)
            {
                return;
            }
            foreach (var (key, _) in done)
            {
                _open.Remove(key);
            }
            Enqueue(done.Select(kv => ToRecord(kv.Key, kv.Value)).ToArray());
        }
    }

    private void Enqueue(HealthSampleRecord[] batch)
    {
        if (Enabled)
        {
            _queue.Writer.TryWrite(batch);
        }
    }

    /// <summary>Writes every bucket (open ones too) now; for tests and shutdown.</summary>
    internal async Task FlushAsync(CancellationToken ct = default)
    {
        Close(includeOpen: true);
        var batches = new List<HealthSampleRecord[]>();
        while (_queue.Reader.TryRead(out var batch))
        {
            batches.Add(batch);
        }
        if (batches.Count > 0)
        {
            await WriteAsync([.. batches.SelectMany(b => b)], ct).ConfigureAwait(false);
        }
    }

    private long BucketOf(DateTimeOffset at)
    {
        var size = Math.Max(1, (long)_options.StoredHistoryBucket.TotalSeconds);
        var seconds = at.ToUnixTimeSeconds();
        return seconds - (((seconds % size) + size) % size);
    }

    private static HealthSampleRecord ToRecord((string Ensemble, string Server, string Metric) key, Accumulator acc) => new()
    {
        Ensemble = key.Ensemble,
        Server = key.Server,
        Metric = key.Metric,
        BucketStart = acc.Bucket,
        Min = acc.Min,
        Max = acc.Max,
        Avg = acc.Sum / Math.Max(1, acc.Count),
        Count = acc.Count,
    };

    private async Task WriteLoopAsync()
    {
        await foreach (var batch in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            var all = new List<HealthSampleRecord>(batch);
            while (all.Count < 5_000 && _queue.Reader.TryRead(out var more))
            {
                all.AddRange(more);
            }
            try
            {
                await WriteAsync(all, CancellationToken.None).ConfigureAwait(false);
                if (_time.GetUtcNow() - _lastPrune >= PruneEvery)
                {
                    await PruneAsync(_time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
                }
            }
#pragma warning disable CA1031 // a failed write must not stop later ones; it is logged
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogWriteFailed(all.Count, ex);
            }
        }
    }

    private async Task WriteAsync(IReadOnlyCollection<HealthSampleRecord> rows, CancellationToken ct)
    {
        if (_store is null || rows.Count == 0)
        {
            return;
        }
        await _writeGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await using var db = await _store.CreateContextAsync(ct).ConfigureAwait(false);
            db.HealthSamples.AddRange(rows);
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Deletes buckets older than the retention, then the oldest ones beyond the row bound. Returns the rows deleted.</summary>
    internal async Task<int> PruneAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        if (_store is null)
        {
            return 0;
        }
        _lastPrune = now;
        await using var db = await _store.CreateContextAsync(ct).ConfigureAwait(false);
        var cutoff = (now - _options.StoredHistoryRetention).ToUnixTimeSeconds();
        var deleted = await db.HealthSamples.Where(s => s.BucketStart < cutoff).ExecuteDeleteAsync(ct).ConfigureAwait(false);
        var count = await db.HealthSamples.CountAsync(ct).ConfigureAwait(false);
        var excess = count - _options.StoredHistoryMaxRows;
        if (excess > 0)
        {
            var oldest = await db.HealthSamples.OrderBy(s => s.BucketStart).ThenBy(s => s.Id).Take(excess).Select(s => s.Id).ToListAsync(ct).ConfigureAwait(false);
            foreach (var chunk in oldest.Chunk(500))
            {
                deleted += await db.HealthSamples.Where(s => chunk.Contains(s.Id)).ExecuteDeleteAsync(ct).ConfigureAwait(false);
            }
        }
        if (deleted > 0)
        {
            LogPruned(deleted);
        }
        return deleted;
    }

    public async Task<IReadOnlyList<HealthSampleBucket>> ReadAsync(string ensemble, string server, string metric, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        if (!Enabled)
        {
            return [];
        }
        long f = from.ToUnixTimeSeconds(), t = to.ToUnixTimeSeconds();
        await using var db = await _store!.CreateContextAsync(ct).ConfigureAwait(false);
        var rows = await db.HealthSamples.AsNoTracking()
            .Where(s => s.Ensemble == ensemble && s.Server == server && s.Metric == metric && s.BucketStart >= f && s.BucketStart < t)
            .OrderBy(s => s.BucketStart)
            .Select(s => new { s.BucketStart, s.Min, s.Max, s.Avg, s.Count })
            .ToListAsync(ct).ConfigureAwait(false);
        return rows.Select(r => new HealthSampleBucket(DateTimeOffset.FromUnixTimeSeconds(r.BucketStart), r.Min, r.Max, r.Avg, r.Count)).ToArray();
    }

    /// <summary>Merges in the database (GROUP BY), so only the merged rows are read.</summary>
    public async Task<IReadOnlyList<HealthSampleBucket>> ReadAsync(string ensemble, string server, string metric, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken ct = default)
    {
        var size = Math.Max(1, (long)step.TotalSeconds);
        if (!Enabled)
        {
            return [];
        }
        if (size <= (long)Bucket.TotalSeconds)
        {
            return await ReadAsync(ensemble, server, metric, from, to, ct).ConfigureAwait(false);
        }
        long f = from.ToUnixTimeSeconds(), t = to.ToUnixTimeSeconds();
        await using var db = await _store!.CreateContextAsync(ct).ConfigureAwait(false);
        var rows = await db.HealthSamples.AsNoTracking()
            .Where(s => s.Ensemble == ensemble && s.Server == server && s.Metric == metric && s.BucketStart >= f && s.BucketStart < t)
            .GroupBy(s => s.BucketStart / size)
            .Select(g => new { Key = g.Key, Min = g.Min(s => s.Min), Max = g.Max(s => s.Max), Weighted = g.Sum(s => s.Avg * s.Count), Count = g.Sum(s => s.Count) })
            .OrderBy(g => g.Key)
            .ToListAsync(ct).ConfigureAwait(false);
        return rows.Select(r => new HealthSampleBucket(DateTimeOffset.FromUnixTimeSeconds(r.Key * size), r.Min, r.Max, r.Weighted / Math.Max(1, r.Count), r.Count)).ToArray();
    }

    private static IEnumerable<(string Metric, double Value)> Values(ServerHealth s)
    {
        yield return (HistoryMetricNames.Up, s.Status == ServerStatus.Up ? 1 : 0);
        if (s.Status == ServerStatus.Up)
        {
            yield return (HistoryMetricNames.IsLeader, s.IsLeader ? 1 : 0);
        }
        (string, double?)[] values =
        [
            (HistoryMetricNames.ZxidLag, s.ZxidLag), (HistoryMetricNames.LatencyMin, s.LatencyMin), (HistoryMetricNames.LatencyAvg, s.LatencyAvg),
            (HistoryMetricNames.LatencyMax, s.LatencyMax), (HistoryMetricNames.LatencyP99, s.LatencyP99), (HistoryMetricNames.Outstanding, s.Outstanding),
            (HistoryMetricNames.Connections, s.Connections), (HistoryMetricNames.ZnodeCount, s.ZnodeCount), (HistoryMetricNames.WatchCount, s.WatchCount),
            (HistoryMetricNames.Ephemerals, s.Ephemerals), (HistoryMetricNames.ApproximateDataSize, s.ApproximateDataSize),
            (HistoryMetricNames.OpenFileDescriptors, s.OpenFileDescriptors), (HistoryMetricNames.PacketsReceived, s.PacketsReceived),
            (HistoryMetricNames.PacketsSent, s.PacketsSent),
        ];
        foreach (var (name, value) in values)
        {
            if (value is { } v)
            {
                yield return (name, v);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store {Count} health series buckets")]
    private partial void LogWriteFailed(int count, Exception ex);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pruned {Count} stored health series buckets")]
    private partial void LogPruned(int count);
}
