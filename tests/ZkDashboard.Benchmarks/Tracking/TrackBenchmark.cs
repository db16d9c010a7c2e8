using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Store;
using ZkDashboard.Core.Tracking;
using ZkDashboard.Sandbox;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Benchmarks.Tracking;

/// <summary>What one tracking run measured.</summary>
/// <param name="LagP50Ms">Median time from an outside setData (sent) until a record of that version (or a later one) of the node was stored.</param>
/// <param name="LagP99Ms">The 99th percentile of the same.</param>
/// <param name="Missed">Writes never covered by a stored record, plus nodes whose final version (read back after the run) is not the last recorded one.</param>
/// <param name="Writes">Outside writes done.</param>
/// <param name="Rate">Writes per second achieved.</param>
/// <param name="Records">Records stored during the load.</param>
/// <param name="LoadAverage">/proc/loadavg (1, 5, 15 min) at the end of the run.</param>
public sealed record TrackResult(double LagP50Ms, double LagP99Ms, long Missed, long Writes, double Rate, long Records, string LoadAverage);

/// <summary>
/// Benchmark <c>track</c>: a tracked subtree of 10,000 nodes receiving 200 setData/s from an outside client (its own session)
/// for 30 s; the lag from each write to the stored record of its version (p50/p99), and "none missed" checked by reading every
/// node's final version back after the run and comparing it with the last recorded one. Prints
/// <c>RESULT track-lag-p99-ms@200/s=&lt;p99&gt; track-missed=&lt;n&gt;</c> with the load average.
/// Options: --servers N (default 1), --nodes N (10000), --rate N (200), --seconds N (30).
/// <see cref="MeasureAsync"/> is what <c>bench audit</c> can call.
/// </summary>
public sealed class TrackBenchmark : IBenchmark
{
    private const string Ensemble = "bench";

    public string Name => "track";

    public string Description => "tracked 10,000-node subtree under 200 outside setData/s: write→recorded lag p50/p99, none missed (versions compared after the run)";

    public async Task<int> RunAsync(BenchmarkArgs args, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        var servers = args.GetInt("servers", 1);
        var nodes = args.GetInt("nodes", 10_000);
        var rate = args.GetInt("rate", 200);
        var seconds = args.GetInt("seconds", 30);
        Console.WriteLine($"starting a {servers}-server sandbox...");
        await using var sandbox = await SandboxEnsemble.StartAsync(new SandboxOptions { Servers = servers }, ct).ConfigureAwait(false);
        var r = await MeasureAsync(sandbox.ConnectString, nodes, rate, seconds, Console.Out, ct).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"track: {r.Writes} writes at {r.Rate:0.0}/s over {nodes} nodes, {r.Records} records; lag p50={r.LagP50Ms:0.0} ms p99={r.LagP99Ms:0.0} ms; missed={r.Missed}; load average {r.LoadAverage}"));
        Console.WriteLine(r.LagP99Ms < 500 && r.Missed == 0 ? "goal met: p99 < 500 ms and none missed" : "goal MISSED (p99 < 500 ms and none missed)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT track-lag-p99-ms@{rate}/s={r.LagP99Ms:0.0} track-missed={r.Missed} load-average={r.LoadAverage.Replace(' ', '/')}"));
        return 0;
    }

    /// <summary>Runs the measurement against an ensemble (the subtree <c>/trackbench</c> is created and deleted).</summary>
    public static async Task<TrackResult> MeasureAsync(string connectString, int nodes, int rate, int seconds, TextWriter log, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(log);
        await using var ext = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = connectString }, ct).ConfigureAwait(false);
        const string root = "/trackbench";
        await DeleteTreeAsync(ext, root).ConfigureAwait(false);
        await ext.CreateAsync(root, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe, ct: ct).ConfigureAwait(false);
        var sw = Stopwatch.StartNew();
        using (var gate = new SemaphoreSlim(256))
        {
            await Task.WhenAll(Enumerable.Range(0, nodes).Select(async i =>
            {
                await gate.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    await ext.CreateAsync($"{root}/n{i}", "0"u8.ToArray(), Acls.OpenUnsafe, ct: ct).ConfigureAwait(false);
                }
                finally
                {
                    gate.Release();
                }
            })).ConfigureAwait(false);
        }
        log.WriteLine($"seeded {nodes} nodes in {sw.Elapsed.TotalSeconds:0.0} s");

        var dataDir = Path.Combine(Path.GetTempPath(), "zkd-trackbench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning).AddConsole());
        services.AddSingleton<IEnsembleRegistry>(new FixedRegistry(new EnsembleDefinition(Ensemble, connectString, TimeSpan.FromSeconds(30), null, null, false, [], EnsembleSource.Configuration)));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ZkDashboard:Store:SqlitePath"] = Path.Combine(dataDir, "track.db"),
            ["ZkDashboard:Tracking:Subtrees:0:Ensemble"] = Ensemble,
            ["ZkDashboard:Tracking:Subtrees:0:Glob"] = root + "/**",
        }).Build();
        services.AddZkDashboardStore(configuration);
        services.AddZkDashboardSessions(configuration);
        services.AddZkDashboardTracking(configuration);
        var provider = services.BuildServiceProvider();
        try
        {
            var tracker = provider.GetRequiredService<SubtreeTracker>();
            var recorded = new ConcurrentQueue<(string Path, int Version, long Ticks)>();
            tracker.Recorded += (_, e) =>
            {
                var now = Stopwatch.GetTimestamp();
                foreach (var rec in e.Records)
                {
                    recorded.Enqueue((rec.Path, rec.Version ?? -1, now));
                }
            };
            sw.Restart();
            await tracker.StartAsync(ct).ConfigureAwait(false);
            var deadline = DateTime.UtcNow.AddMinutes(5);
            while (!(tracker.Status.FirstOrDefault() is { LastScanAt: not null } s && s.NodesKnown >= nodes + 1))
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException("The tracker did not finish its baseline read within 5 minutes.");
                }
                await Task.Delay(100, ct).ConfigureAwait(false);
            }
            await tracker.FlushAsync(ct).ConfigureAwait(false);
            log.WriteLine($"baseline of {nodes + 1} nodes read and stored in {sw.Elapsed.TotalSeconds:0.0} s");
            recorded.Clear();

            // The load: one setData every 1/rate s on a random node, paced by the clock (not by the replies).
            var writes = new ConcurrentBag<(string Path, int Version, long Sent)>();
            var failures = 0L;
            var random = new Random(42);
            var interval = Stopwatch.Frequency / (double)rate;
            var total = rate * seconds;
            var start = Stopwatch.GetTimestamp();
            var inflight = new List<Task>(total);
            for (var i = 0; i < total; i++)
            {
                var due = start + (long)(i * interval);
                while (Stopwatch.GetTimestamp() < due)
                {
                    var wait = (due - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency;
                    if (wait > 1)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(wait - 1), ct).ConfigureAwait(false);
                    }
                    else
                    {
                        Thread.SpinWait(50);
                    }
                }
                var path = $"{root}/n{random.Next(nodes)}";
                var payload = Encoding.UTF8.GetBytes($"w{i}");
                inflight.Add(WriteAsync(path, payload));
            }
            await Task.WhenAll(inflight).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;

            async Task WriteAsync(string path, byte[] payload)
            {
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    var stat = await ext.SetDataAsync(path, payload, -1, ct).ConfigureAwait(false);
                    writes.Add((path, stat.Version, sent));
                }
                catch (ZooKeeperException)
                {
                    Interlocked.Increment(ref failures);
                }
            }

            // Quiet: everything stored, nothing new for 2 s.
            var lastCount = -1;
            var quietSince = DateTime.UtcNow;
            deadline = DateTime.UtcNow.AddMinutes(2);
            while (DateTime.UtcNow - quietSince < TimeSpan.FromSeconds(2) && DateTime.UtcNow < deadline)
            {
                await tracker.FlushAsync(ct).ConfigureAwait(false);
                if (recorded.Count != lastCount)
                {
                    lastCount = recorded.Count;
                    quietSince = DateTime.UtcNow;
                }
                await Task.Delay(100, ct).ConfigureAwait(false);
            }

            // Lag: for each write, the first stored record of its node at that version or later.
            var byPath = recorded.GroupBy(r => r.Path).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Ticks).ToList());
            var lags = new List<double>();
            long uncovered = 0;
            foreach (var w in writes)
            {
                var hit = byPath.TryGetValue(w.Path, out var list) ? list.FirstOrDefault(r => r.Version >= w.Version) : default;
                if (hit.Path is null)
                {
                    uncovered++;
                    continue;
                }
                lags.Add(Math.Max(0, (hit.Ticks - w.Sent) * 1000.0 / Stopwatch.Frequency));
            }

            // None missed: every node's final version (read back now) is its last recorded version.
            long finalMismatch = 0;
            var store = provider.GetRequiredService<IDashboardStore>();
            Dictionary<string, int?> latest;
            await using (var db = await store.CreateContextAsync(ct).ConfigureAwait(false))
            {
                latest = await db.NodeVersions.AsNoTracking()
                    .Where(r => r.Ensemble == Ensemble && r.Id == db.NodeVersions.Where(x => x.Ensemble == r.Ensemble && x.Path == r.Path).Max(x => x.Id))
                    .ToDictionaryAsync(r => r.Path, r => r.Version, ct).ConfigureAwait(false);
            }
            using (var gate = new SemaphoreSlim(256))
            {
                await Task.WhenAll(Enumerable.Range(0, nodes).Select(async i =>
                {
                    await gate.WaitAsync(ct).ConfigureAwait(false);
                    try
                    {
                        var stat = await ext.ExistsAsync($"{root}/n{i}", false, ct).ConfigureAwait(false);
                        if (stat is null || !latest.TryGetValue($"{root}/n{i}", out var v) || v != stat.Version)
                        {
                            Interlocked.Increment(ref finalMismatch);
                        }
                    }
                    finally
                    {
                        gate.Release();
                    }
                })).ConfigureAwait(false);
            }
            lags.Sort();
            log.WriteLine($"writes: {writes.Count} ok, {failures} failed; records during the load: {recorded.Count}; writes with no record: {uncovered}; nodes whose final version is not the last recorded: {finalMismatch}");
            await tracker.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return new TrackResult(Percentile(lags, 0.50), Percentile(lags, 0.99), uncovered + finalMismatch, writes.Count, writes.Count / elapsed, recorded.Count, LoadAverage());
        }
        finally
        {
            await provider.DisposeAsync().ConfigureAwait(false);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (IOException)
            {
            }
            await DeleteTreeAsync(ext, root).ConfigureAwait(false);
        }
    }

    private static double Percentile(List<double> sorted, double p)
        => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static string LoadAverage()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static async Task DeleteTreeAsync(ZooKeeperClient client, string path)
    {
        IReadOnlyList<string> children;
        try
        {
            children = (await client.GetChildrenAsync(path).ConfigureAwait(false)).Children;
        }
        catch (NoNodeException)
        {
            return;
        }
        foreach (var chunk in children.Chunk(256))
        {
            await Task.WhenAll(chunk.Select(c => DeleteTreeAsync(client, path + "/" + c))).ConfigureAwait(false);
        }
        try
        {
            await client.DeleteAsync(path).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
        }
    }

    private sealed class FixedRegistry(EnsembleDefinition definition) : IEnsembleRegistry
    {
        public IReadOnlyList<EnsembleDefinition> All => [definition];
        public IReadOnlyList<string> ConfigurationErrors => [];
        public event EventHandler<EnsembleRegistryChangedEventArgs>? Changed { add { } remove { } }
        public EnsembleDefinition? Find(string name) => string.Equals(name, definition.Name, StringComparison.OrdinalIgnoreCase) ? definition : null;
        public Task<EnsembleDefinition> AddAsync(EnsembleDefinition d, ActingUser user, CancellationToken ct = default) => throw new NotSupportedException("benchmark registry is fixed");
        public Task<EnsembleDefinition> AddAsync(EnsembleDefinition d, ActingUser user, EnsembleSaveOptions options, CancellationToken ct = default) => throw new NotSupportedException("benchmark registry is fixed");
        public Task<EnsembleDefinition> UpdateAsync(EnsembleDefinition d, ActingUser user, CancellationToken ct = default) => throw new NotSupportedException("benchmark registry is fixed");
        public Task<EnsembleDefinition> UpdateAsync(EnsembleDefinition d, ActingUser user, EnsembleSaveOptions options, CancellationToken ct = default) => throw new NotSupportedException("benchmark registry is fixed");
        public Task RemoveAsync(string name, ActingUser user, CancellationToken ct = default) => throw new NotSupportedException("benchmark registry is fixed");
        public Task<ReachabilityResult> CheckReachabilityAsync(EnsembleDefinition d, CancellationToken ct = default) => Task.FromResult(new ReachabilityResult([]));
    }
}
