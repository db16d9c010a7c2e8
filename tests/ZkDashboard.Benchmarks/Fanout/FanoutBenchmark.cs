using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Cache;
using ZkDashboard.Core.Metrics;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Watches;
using ZkDashboard.Sandbox;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Benchmarks.Fanout;

/// <summary>
/// Watch fan-out and node cache figures: external setData → subscriber callback latency (p50/p99) at 1, 100
/// and 1,000 subscribers; sustained events/s under a storm; memory per subscriber; time to the first page of
/// a 100k-children node against a raw getChildren; server watches for 100 viewers (wchc).
/// Options: --servers N (sandbox size, default 1), --children N (default 100000), --writes N (latency samples per level, default 100),
/// --storm-seconds N (default 5).
/// </summary>
public sealed class FanoutBenchmark : IBenchmark
{
    private const string Ensemble = "bench";

    public string Name => "fanout";

    public string Description => "watch fan-out latency at 1/100/1000 subscribers, storm rate, memory per subscriber, first page of 100k children vs raw getChildren";

    public async Task<int> RunAsync(BenchmarkArgs args, CancellationToken ct)
    {
        var servers = args.GetInt("servers", 1);
        var children = args.GetInt("children", 100_000);
        var writes = args.GetInt("writes", 100);
        var stormSeconds = args.GetInt("storm-seconds", 5);

        Console.WriteLine($"starting a {servers}-server sandbox...");
        await using var sandbox = await SandboxEnsemble.StartAsync(new SandboxOptions { Servers = servers }, ct).ConfigureAwait(false);
        await using var ext = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = sandbox.ConnectString }, ct).ConfigureAwait(false);
        await ext.CreateAsync("/bench", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe, ct: ct).ConfigureAwait(false);

        await using var stack = Stack.Create(sandbox.ConnectString);
        await stack.Sessions.GetClientAsync(Ensemble, ct).ConfigureAwait(false);

        var p99At1000 = double.NaN;
        foreach (var n in new[] { 1, 100, 1000 })
        {
            var (p50, p99) = await LatencyAsync(stack, ext, n, writes, ct).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"latency setData->callback  subscribers={n,5}  p50={p50,7:0.00} ms  p99={p99,7:0.00} ms"));
            if (n == 1000)
            {
                p99At1000 = p99;
            }
        }

        await StormAsync(stack, ext, stormSeconds, ct).ConfigureAwait(false);
        MemoryPerSubscriber(stack);
        var watches = await ServerWatchesFor100ViewersAsync(stack, ext, sandbox, ct).ConfigureAwait(false);
        var ratio = await FirstPageAsync(sandbox.ConnectString, ext, children, ct).ConfigureAwait(false);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT fanout-p99-ms@1000={p99At1000:0.00} firstpage-over-raw={ratio:0.00} server-watches@100-viewers={watches}"));
        return 0;
    }

    /// <summary>One write at a time; every subscriber's callback time for that version is one sample.</summary>
    private static async Task<(double P50, double P99)> LatencyAsync(Stack stack, ZooKeeperClient ext, int subscribers, int writes, CancellationToken ct)
    {
        var path = $"/bench/lat{subscribers}";
        await ext.CreateAsync(path, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe, ct: ct).ConfigureAwait(false);
        var samples = new List<double>(subscribers * writes);
        var expected = -1;
        long start = 0;
        var remaining = 0;
        TaskCompletionSource? round = null;
        var gate = new Lock();
        var subs = Enumerable.Range(0, subscribers).Select(_ => stack.Hub.Subscribe(Ensemble, path, WatchKind.Data, WatchSubscriber.Create(n =>
        {
            var now = Stopwatch.GetTimestamp();
            lock (gate)
            {
                if (n.Stat?.Version == expected)
                {
                    samples.Add(Stopwatch.GetElapsedTime(start, now).TotalMilliseconds);
                    if (--remaining == 0)
                    {
                        round?.TrySetResult();
                    }
                }
            }
        }))).ToList();
        await Task.WhenAll(subs.Select(s => s.Ready)).ConfigureAwait(false);
        for (var i = 0; i < writes + 5; i++)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (gate)
            {
                expected = i + 1;
                remaining = subscribers;
                round = done;
                if (i == 5)
                {
                    samples.Clear(); // the first rounds warm up the JIT
                }
                start = Stopwatch.GetTimestamp();
            }
            await ext.SetDataAsync(path, BitConverter.GetBytes(i), i, ct).ConfigureAwait(false);
            await done.Task.WaitAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        }
        foreach (var s in subs)
        {
            s.Dispose();
        }
        samples.Sort();
        return (Percentile(samples, 0.50), Percentile(samples, 0.99));
    }

    private static double Percentile(List<double> sorted, double p)
        => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>As many setData as the server takes (200 in flight) on 20 nodes under a watched subtree.</summary>
    private static async Task StormAsync(Stack stack, ZooKeeperClient ext, int seconds, CancellationToken ct)
    {
        const int Nodes = 20;
        await ext.CreateAsync("/bench/storm", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe, ct: ct).ConfigureAwait(false);
        for (var i = 0; i < Nodes; i++)
        {
            await ext.CreateAsync($"/bench/storm/n{i}", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe, ct: ct).ConfigureAwait(false);
        }
        long delivered = 0;
        var subs = Enumerable.Range(0, 100).Select(_ => stack.Hub.Subscribe(Ensemble, "/bench/storm", WatchKind.Subtree,
            WatchSubscriber.Create(_ => Interlocked.Increment(ref delivered)))).ToList();
        await Task.WhenAll(subs.Select(s => s.Ready)).ConfigureAwait(false);
        var m = stack.Metrics;
        var events0 = m.EventsReceived;
        var coalesced0 = m.CoalescedEvents;
        var sw = Stopwatch.StartNew();
        long written = 0;
        var payload = new byte[32];
        var deadline = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, 200).Select(async w =>
        {
            while (sw.Elapsed < deadline && !ct.IsCancellationRequested)
            {
                await ext.SetDataAsync($"/bench/storm/n{w % Nodes}", payload, ct: ct).ConfigureAwait(false);
                Interlocked.Increment(ref written);
            }
        })).ConfigureAwait(false);
        var elapsed = sw.Elapsed.TotalSeconds;
        var peak = subs.Max(s => s.MaxPendingObserved);
        // Drain: wait until the hub's queues are empty.
        var drain = Stopwatch.StartNew();
        while (subs.Any(s => s.PendingCount > 0) && drain.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(10, ct).ConfigureAwait(false);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"storm: {written / elapsed:0} setData/s written, {(m.EventsReceived - events0) / elapsed:0} watch events/s received, " +
            $"{Interlocked.Read(ref delivered) / elapsed:0} notifications/s delivered to 100 subtree subscribers, " +
            $"{m.CoalescedEvents - coalesced0} coalesced, peak queue {peak} (bound {new SessionOptions().SubscriberQueueCapacity}), drained in {drain.Elapsed.TotalMilliseconds:0} ms"));
        foreach (var s in subs)
        {
            s.Dispose();
        }
    }

    private static void MemoryPerSubscriber(Stack stack)
    {
        const int N = 10_000;
        var subscriber = WatchSubscriber.Create(_ => { });
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var subs = new List<IWatchSubscription>(N);
        for (var i = 0; i < N; i++)
        {
            subs.Add(stack.Hub.Subscribe(Ensemble, "/bench/mem", WatchKind.Data, subscriber));
        }
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"memory per subscriber: {(after - before) / (double)N:0} bytes ({N} subscriptions on one path)"));
        foreach (var s in subs)
        {
            s.Dispose();
        }
        GC.KeepAlive(subs);
    }

    private static async Task<int> ServerWatchesFor100ViewersAsync(Stack stack, ZooKeeperClient ext, SandboxEnsemble sandbox, CancellationToken ct)
    {
        await ext.CreateAsync("/bench/viewers", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe, ct: ct).ConfigureAwait(false);
        var subs = Enumerable.Range(0, 100).Select(_ => stack.Hub.Subscribe(Ensemble, "/bench/viewers", WatchKind.Data, WatchSubscriber.Create(_ => { }))).ToList();
        await Task.WhenAll(subs.Select(s => s.Ready)).ConfigureAwait(false);
        var client = stack.Sessions.Get(Ensemble).CurrentClient!;
        var server = sandbox.Servers.First(s => s.HostPort == client.ConnectedServer);
        var wchc = await server.SendFourLetterWordAsync("wchc", ct).ConfigureAwait(false);
        var count = CountWatches(wchc, client.SessionId, "/bench/viewers");
        Console.WriteLine($"server watches for 100 viewers of one path (wchc): {count}");
        foreach (var s in subs)
        {
            s.Dispose();
        }
        return count;
    }

    private static int CountWatches(string wchc, long sessionId, string path)
    {
        var mine = false;
        var count = 0;
        var id = "0x" + sessionId.ToString("x", CultureInfo.InvariantCulture);
        foreach (var line in wchc.Split('\n'))
        {
            if (line.Length == 0)
            {
                continue;
            }
            if (!char.IsWhiteSpace(line[0]))
            {
                mine = string.Equals(line.Trim(), id, StringComparison.OrdinalIgnoreCase);
            }
            else if (mine && line.Trim() == path)
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>Median time to the first page (cold cache, warm session) over median raw getChildren time.</summary>
    private static async Task<double> FirstPageAsync(string connectString, ZooKeeperClient ext, int children, CancellationToken ct)
    {
        Console.WriteLine($"creating {children} children...");
        await ext.CreateAsync("/bench/big", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe, ct: ct).ConfigureAwait(false);
        foreach (var chunk in Enumerable.Range(0, children).Chunk(1000))
        {
            await ext.MultiAsync(chunk.Select(i => (Op)Op.Create($"/bench/big/item-{i:D7}", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe)), ct).ConfigureAwait(false);
        }
        await using var raw = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = connectString }, ct).ConfigureAwait(false);
        await raw.GetChildrenAsync("/bench/big", ct: ct).ConfigureAwait(false); // warm-up
        var rawTimes = new List<double>();
        var pageTimes = new List<double>();
        for (var run = 0; run < 5; run++)
        {
            var sw = Stopwatch.StartNew();
            var list = await raw.GetChildrenAsync("/bench/big", ct: ct).ConfigureAwait(false);
            rawTimes.Add(sw.Elapsed.TotalMilliseconds);
            if (list.Children.Count != children)
            {
                throw new InvalidOperationException($"raw getChildren returned {list.Children.Count} children, expected {children}");
            }

            await using var stack = Stack.Create(connectString);
            await stack.Sessions.GetClientAsync(Ensemble, ct).ConfigureAwait(false);
            sw.Restart();
            var page = await stack.Cache.GetChildrenPageAsync(Ensemble, "/bench/big", new ChildrenQuery(Limit: 100), ct).ConfigureAwait(false);
            pageTimes.Add(sw.Elapsed.TotalMilliseconds);
            if (page.TotalChildren != children || page.Items[0].Name != "item-0000000")
            {
                throw new InvalidOperationException("the first page is wrong");
            }
            if (run == 4)
            {
                sw.Restart();
                var bySize = await stack.Cache.GetChildrenPageAsync(Ensemble, "/bench/big", new ChildrenQuery(ChildSort.Mtime, Limit: 100), ct).ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"all {bySize.StatsLoaded} child stats ready (page sorted by mtime) {sw.Elapsed.TotalMilliseconds:0} ms after the first page"));
            }
        }
        rawTimes.Sort();
        pageTimes.Sort();
        var rawMs = rawTimes[rawTimes.Count / 2];
        var pageMs = pageTimes[pageTimes.Count / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{children} children: raw getChildren median {rawMs:0.0} ms, first page (cold cache) median {pageMs:0.0} ms, ratio {pageMs / rawMs:0.00}"));
        return pageMs / rawMs;
    }

    /// <summary>The sessions stack over one ensemble named "bench".</summary>
    private sealed class Stack : IAsyncDisposable
    {
        private readonly ServiceProvider _provider;

        private Stack(ServiceProvider provider) => _provider = provider;

        public IEnsembleSessions Sessions => _provider.GetRequiredService<IEnsembleSessions>();
        public IWatchFanout Hub => _provider.GetRequiredService<IWatchFanout>();
        public INodeCache Cache => _provider.GetRequiredService<INodeCache>();
        public DashboardMetrics Metrics => _provider.GetRequiredService<DashboardMetrics>();

        public static Stack Create(string connectString)
        {
            var services = new ServiceCollection();
            services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning).AddConsole());
            services.AddSingleton<IEnsembleRegistry>(new SingleEnsembleRegistry(
                new EnsembleDefinition(Ensemble, connectString, TimeSpan.FromSeconds(30), null, null, false, [], EnsembleSource.Configuration)));
            services.AddZkDashboardSessions(new ConfigurationBuilder().Build());
            return new Stack(services.BuildServiceProvider());
        }

        public ValueTask DisposeAsync() => _provider.DisposeAsync();
    }

    private sealed class SingleEnsembleRegistry(EnsembleDefinition definition) : IEnsembleRegistry
    {
        public IReadOnlyList<EnsembleDefinition> All => [definition];
        public IReadOnlyList<string> ConfigurationErrors => [];
        public event EventHandler<EnsembleRegistryChangedEventArgs>? Changed { add { } remove { } }
        public EnsembleDefinition? Find(string name) => name == definition.Name ? definition : null;
        public Task<EnsembleDefinition> AddAsync(EnsembleDefinition d, ActingUser user, CancellationToken ct = default) => throw new NotSupportedException("benchmark registry is fixed");
        public Task<EnsembleDefinition> AddAsync(EnsembleDefinition d, ActingUser user, EnsembleSaveOptions options, CancellationToken ct = default) => throw new NotSupportedException("benchmark registry is fixed");
        public Task<EnsembleDefinition> UpdateAsync(EnsembleDefinition d, ActingUser user, CancellationToken ct = default) => throw new NotSupportedException("benchmark registry is fixed");
        public Task<EnsembleDefinition> UpdateAsync(EnsembleDefinition d, ActingUser user, EnsembleSaveOptions options, CancellationToken ct = default) => throw new NotSupportedException("benchmark registry is fixed");
        public Task RemoveAsync(string name, ActingUser user, CancellationToken ct = default) => throw new NotSupportedException("benchmark registry is fixed");
        public Task<ReachabilityResult> CheckReachabilityAsync(EnsembleDefinition d, CancellationToken ct = default) => Task.FromResult(new ReachabilityResult([]));
    }
}
