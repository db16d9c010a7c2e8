using System.Diagnostics;
using System.Globalization;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Benchmarks.Client;

/// <summary>
/// Our client's side of the "client" benchmark, run as a child process (hidden sub-command) so that its
/// process CPU time is the client's alone, like the Java and kazoo harnesses. Same phases, same output.
/// </summary>
public static class OursClientWorker
{
    public const string Command = "__client-worker";

    private const long MaxOps = 50_000_000;

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var connect = args[0];
        var root = args[1];
        var nodes = int.Parse(args[2], CultureInfo.InvariantCulture);
        var phase = TimeSpan.FromSeconds(double.Parse(args[3], CultureInfo.InvariantCulture));
        var warmup = TimeSpan.FromSeconds(double.Parse(args[4], CultureInfo.InvariantCulture));
        var latencyOps = int.Parse(args[5], CultureInfo.InvariantCulture);
        var cdInFlight = int.Parse(args[6], CultureInfo.InvariantCulture);
        var output = Console.Out;

        await using var zk = await ZooKeeperClient.ConnectAsync(
            new ZooKeeperClientOptions { ConnectString = connect, SessionTimeout = TimeSpan.FromSeconds(20) }, ct).ConfigureAwait(false);
        var paths = Enumerable.Range(0, nodes).Select(i => ClientBenchSettings.NodePath(root, i)).ToArray();

        await PipelinedGetAsync(zk, paths, 256, warmup, ct).ConfigureAwait(false);
        foreach (var inFlight in new[] { 1, 16, 256 })
        {
            var m = await MeasureAsync(() => PipelinedGetAsync(zk, paths, inFlight, phase, ct)).ConfigureAwait(false);
            HarnessResults.Print(output, $"get{inFlight}_ops_per_s", m.Ops / m.Elapsed.TotalSeconds);
            HarnessResults.Print(output, $"get{inFlight}_cpu_us_per_op", m.Cpu.TotalMicroseconds / Math.Max(1, m.Ops));
            HarnessResults.Print(output, $"get{inFlight}_alloc_bytes_per_op", (double)m.Allocated / Math.Max(1, m.Ops));
            HarnessResults.Print(output, $"get{inFlight}_pool_items_per_op", (double)m.PoolItems / Math.Max(1, m.Ops));
        }

        var lat = new long[latencyOps];
        var n = 0;
        var latEnd = Stopwatch.GetTimestamp() + (long)(phase.TotalSeconds * Stopwatch.Frequency);
        while (n < latencyOps && Stopwatch.GetTimestamp() < latEnd)
        {
            var s = Stopwatch.GetTimestamp();
            await zk.GetDataAsync(paths[n % nodes], false, ct).ConfigureAwait(false);
            lat[n++] = Stopwatch.GetTimestamp() - s;
        }

        var sorted = lat[..n];
        Array.Sort(sorted);
        HarnessResults.Print(output, "latency_p50_us", Percentile(sorted, 0.50) * 1e6 / Stopwatch.Frequency);
        HarnessResults.Print(output, "latency_p99_us", Percentile(sorted, 0.99) * 1e6 / Stopwatch.Frequency);

        var cd = await MeasureAsync(() => CreateDeleteAsync(zk, root + "/cd-ours-", cdInFlight, phase, ct)).ConfigureAwait(false);
        HarnessResults.Print(output, "create_delete_pairs_per_s", cd.Ops / cd.Elapsed.TotalSeconds);
        HarnessResults.Print(output, "create_delete_cpu_us_per_pair", cd.Cpu.TotalMicroseconds / Math.Max(1, cd.Ops));
        HarnessResults.Print(output, "create_delete_alloc_bytes_per_pair", (double)cd.Allocated / Math.Max(1, cd.Ops));
        await zk.CloseAsync(ct).ConfigureAwait(false);
        return 0;
    }

    /// <summary>PoolItems: thread-pool work items run during the phase — each is a hand-off between threads.</summary>
    private readonly record struct Measurement(long Ops, TimeSpan Elapsed, TimeSpan Cpu, long Allocated, long PoolItems);

    private static async Task<Measurement> MeasureAsync(Func<Task<long>> phase)
    {
        var cpu0 = Environment.CpuUsage.TotalTime;
        var items0 = ThreadPool.CompletedWorkItemCount;
        var alloc0 = GC.GetTotalAllocatedBytes(precise: true);
        var t0 = Stopwatch.GetTimestamp();
        var ops = await phase().ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(t0);
        var alloc1 = GC.GetTotalAllocatedBytes(precise: true);
        var items1 = ThreadPool.CompletedWorkItemCount;
        var cpu1 = Environment.CpuUsage.TotalTime;
        return new Measurement(ops, elapsed, cpu1 - cpu0, alloc1 - alloc0, items1 - items0);
    }

    private static long Percentile(long[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(sorted.Length * p))];

    /// <summary><paramref name="inFlight"/> loops, each awaiting one getData at a time: that many requests in flight.</summary>
    private static async Task<long> PipelinedGetAsync(ZooKeeperClient zk, string[] paths, int inFlight, TimeSpan duration, CancellationToken ct)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long issued = 0;
        long completed = 0;

        async Task LoopAsync(int start)
        {
            var i = start;
            while (Stopwatch.GetTimestamp() < end && Interlocked.Increment(ref issued) <= MaxOps)
            {
                var r = await zk.GetDataAsync(paths[i], false, ct).ConfigureAwait(false);
                if (r.Data.Length != 1024)
                {
                    throw new InvalidOperationException($"getData {paths[i]} returned {r.Data.Length} bytes, expected 1024.");
                }

                Interlocked.Increment(ref completed);
                i = (i + inFlight) % paths.Length;
            }
        }

        var loops = new Task[inFlight];
        for (var k = 0; k < inFlight; k++)
        {
            loops[k] = LoopAsync(k % paths.Length);
        }

        await Task.WhenAll(loops).ConfigureAwait(false);
        return completed;
    }

    private static async Task<long> CreateDeleteAsync(ZooKeeperClient zk, string prefix, int inFlight, TimeSpan duration, CancellationToken ct)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var data = new byte[1024];
        long issued = 0;
        long pairs = 0;

        async Task LoopAsync()
        {
            long id;
            while (Stopwatch.GetTimestamp() < end && (id = Interlocked.Increment(ref issued)) <= MaxOps)
            {
                var path = prefix + id.ToString(CultureInfo.InvariantCulture);
                await zk.CreateAsync(path, data, Acls.OpenUnsafe, CreateMode.Persistent, 0, ct).ConfigureAwait(false);
                await zk.DeleteAsync(path, -1, ct).ConfigureAwait(false);
                Interlocked.Increment(ref pairs);
            }
        }

        var loops = new Task[inFlight];
        for (var k = 0; k < inFlight; k++)
        {
            loops[k] = LoopAsync();
        }

        await Task.WhenAll(loops).ConfigureAwait(false);
        return pairs;
    }
}
