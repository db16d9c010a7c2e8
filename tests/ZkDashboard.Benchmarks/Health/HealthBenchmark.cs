using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core;
using ZkDashboard.Core.Health;

namespace ZkDashboard.Benchmarks.Health;

/// <summary>
/// One health poll cycle across N server endpoints (default 100): every server gets the seven polled words concurrently, as the
/// monitor does. The endpoints are a fake four-letter-word farm on loopback (in this process) answering with replies shaped like
/// ZooKeeper 3.8's, so CPU figures include the farm's own work (an upper bound for the dashboard). Then the 24 h chart's first
/// paint in Chromium (<see cref="ChartPaintBenchmark"/>; <c>--chart-runs 0</c> skips it).
/// </summary>
public sealed class HealthBenchmark : IBenchmark
{
    public string Name => "health";

    public string Description => "health poll cycle across 100 fake 4lw servers on loopback (p50/p99, CPU % of a core at the poll interval); 24 h chart paint";

    public async Task<int> RunAsync(BenchmarkArgs args, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        var servers = args.GetInt("servers", 100);
        var cycles = args.GetInt("cycles", 60);
        var warmup = args.GetInt("warmup", 5);
        var interval = TimeSpan.FromSeconds(args.GetDouble("interval-s", 5));
        var chartRuns = args.GetInt("chart-runs", 7);
        var chromium = args.Get("chromium") ?? Environment.GetEnvironmentVariable("ZKDASHBOARD_CHROMIUM") ?? "/usr/bin/chromium";

        await using var farm = FakeFourLetterFarm.Start(servers);
        var dataDir = Path.Combine(Path.GetTempPath(), "zkd-bench-health-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        try
        {
            var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ZkDashboard:Store:SqlitePath"] = Path.Combine(dataDir, "bench.db"),
                ["ZkDashboard:Health:Enabled"] = "false",
                ["ZkDashboard:Health:PersistAlerts"] = "false",
                ["ZkDashboard:Ensembles:0:Name"] = "farm",
                ["ZkDashboard:Ensembles:0:ConnectString"] = string.Join(',', farm.HostPorts),
            }).Build();
            var services = new ServiceCollection();
            services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning).AddConsole());
            services.AddZkDashboardCore(config);
            await using var provider = services.BuildServiceProvider();
            var monitor = provider.GetRequiredService<IHealthMonitor>();

            for (var i = 0; i < warmup; i++)
            {
                await monitor.PollNowAsync("farm", ct).ConfigureAwait(false);
            }
            var first = monitor.Get("farm") ?? throw new InvalidOperationException("The farm was not polled.");
            var up = first.Servers.Count(s => s.Status == ServerStatus.Up);
            if (up != servers)
            {
                await Console.Error.WriteLineAsync($"Only {up} of {servers} fake servers polled as up: {first.Servers.FirstOrDefault(s => s.Status != ServerStatus.Up)?.Error}").ConfigureAwait(false);
                return 1;
            }

            var durations = new List<double>(cycles);
            var process = Process.GetCurrentProcess();
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            for (var i = 0; i < cycles; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await monitor.PollNowAsync("farm", ct).ConfigureAwait(false);
                durations.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            wall.Stop();
            process.Refresh();
            var cpuMsPerCycle = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / cycles;
            durations.Sort();
            double P(double q) => durations[Math.Clamp((int)Math.Ceiling(q * durations.Count) - 1, 0, durations.Count - 1)];
            var corePercent = cpuMsPerCycle / interval.TotalMilliseconds * 100;
            var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine($"endpoints: {servers} fake four-letter-word servers on loopback in this process (replies shaped like ZooKeeper 3.8), {HealthOptions.Commands.Count} words each per cycle");
            Console.WriteLine(string.Create(inv, $"poll cycle: p50 {P(0.50):0.0} ms, p99 {P(0.99):0.0} ms, max {durations[^1]:0.0} ms over {cycles} cycles (goal: p99 < 1000 ms)"));
            Console.WriteLine(string.Create(inv, $"cpu: {cpuMsPerCycle:0.0} ms per cycle (dashboard + fake farm) = {corePercent:0.00}% of one core at a {interval.TotalSeconds:0.#} s poll interval (goal: < 5%)"));
            Console.WriteLine($"load average: {load}");
            var chart = "not-measured";
            if (chartRuns > 0)
            {
                var r = await ChartPaintBenchmark.RunAsync(chartRuns, chromium, ct).ConfigureAwait(false);
                var chartLoad = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
                Console.WriteLine(string.Create(inv,
                    $"chart 24 h ({ChartPaintBenchmark.SamplesPerSeries:N0} samples per series and server before downsampling, 3 servers; \"{r.Resolution}\", up to {r.PathsPoints} points per line): click on \"24 h\" → lines painted p50 {r.P50:0} ms, max {r.Max:0} ms over {r.Runs.Count} runs (goal: < 500 ms {(r.P50 < 500 ? "met" : "MISSED")})"));
                Console.WriteLine(string.Create(inv,
                    $"chart 24 h breakdown (p50): lines in the DOM after {r.LinesP50:0} ms (round trip + store reads + chart render on the server + circuit message), painted after {r.P50:0} ms; the same click on \"5 min\" (round trip and a small chart): {r.BaselineP50:0} ms; the 24 h store reads alone (in this process): {ChartPaintBenchmark.StoreReadMs:0.0} ms for {ChartPaintBenchmark.StoreReadRows} rows merged in the database, {ChartPaintBenchmark.StoreReadRawMs:0.0} ms for all {ChartPaintBenchmark.StoreReadRawRows} 1-min buckets"));
                Console.WriteLine($"load average: {chartLoad}");
                chart = r.P50.ToString("0", inv);
            }
            Console.WriteLine(string.Create(inv, $"RESULT health-cycle-ms@{servers}-servers={P(0.99):0.0} chart-first-paint-ms@24h={chart}"));
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (IOException)
            {
                // best effort
            }
        }
    }
}

/// <summary>N loopback listeners answering four-letter words like a 3-server ensemble's follower (one leader among them).</summary>
internal sealed class FakeFourLetterFarm : IAsyncDisposable
{
    private readonly List<TcpListener> _listeners = [];
    private readonly List<Task> _loops = [];
    private readonly CancellationTokenSource _stop = new();

    public IReadOnlyList<string> HostPorts => _listeners.Select(l => "127.0.0.1:" + ((IPEndPoint)l.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture)).ToArray();

    public static FakeFourLetterFarm Start(int count)
    {
        var farm = new FakeFourLetterFarm();
        for (var i = 0; i < count; i++)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start(512);
            farm._listeners.Add(listener);
        }
        for (var i = 0; i < count; i++)
        {
            var index = i;
            farm._loops.Add(Task.Run(() => farm.AcceptLoopAsync(farm._listeners[index], index == 0)));
        }
        return farm;
    }

    private async Task AcceptLoopAsync(TcpListener listener, bool leader)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(socket, leader));
        }
    }

    private static async Task ServeAsync(Socket socket, bool leader)
    {
        using (socket)
        {
            try
            {
                var buffer = new byte[4];
                var read = 0;
                while (read < 4)
                {
                    var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None).ConfigureAwait(false);
                    if (n == 0)
                    {
                        return;
                    }
                    read += n;
                }
                var reply = Reply(Encoding.ASCII.GetString(buffer), leader);
                await socket.SendAsync(Encoding.ASCII.GetBytes(reply), SocketFlags.None).ConfigureAwait(false);
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // the poller timed out and went away
            }
        }
    }

    private static string Reply(string word, bool leader) => word switch
    {
        "ruok" => "imok",
        "isro" => "rw",
        "srvr" => $"Zookeeper version: 3.8.0-debian, built on 2022-02-25 00:00 UTC\nLatency min/avg/max: 0/0.5/12\nReceived: 1234\nSent: 1240\nConnections: 3\nOutstanding: 0\nZxid: 0x100000153\nMode: {(leader ? "leader" : "follower")}\nNode count: 1042\n",
        "mntr" => $"zk_version\t3.8.0-debian\nzk_server_state\t{(leader ? "leader" : "follower")}\nzk_avg_latency\t0.5\nzk_max_latency\t12\nzk_min_latency\t0\nzk_packets_received\t1234\nzk_packets_sent\t1240\nzk_num_alive_connections\t3\nzk_outstanding_requests\t0\nzk_znode_count\t1042\nzk_watch_count\t17\nzk_ephemerals_count\t9\nzk_approximate_data_size\t123456\nzk_open_file_descriptor_count\t72\nzk_max_file_descriptor_count\t1048576\n"
                  + (leader ? "zk_followers\t99\nzk_synced_followers\t99\nzk_pending_syncs\t0\n" : ""),
        "conf" => "clientPort=2181\ndataDir=/tmp/zk\ntickTime=2000\nmaxClientCnxns=60\nserverId=1\n",
        "cons" => " /127.0.0.1:38562[1](queued=0,recved=4,sent=4,sid=0x3000024a1d50003,lop=PING,est=1796284094858,to=20000,lcxid=0x1,lzxid=0x100000153,lresp=2413280,llat=0,minlat=0,avglat=0,maxlat=1)\n /127.0.0.1:52746[0](queued=0,recved=1,sent=0)\n",
        "wchs" => "3 connections watching 12 paths\nTotal watches:17\n",
        _ => word + " is not executed because it is not in the whitelist.\n",
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var l in _listeners)
        {
            l.Stop();
        }
        await Task.WhenAll(_loops).ConfigureAwait(false);
        _stop.Dispose();
    }
}
