using System.Diagnostics;
using System.Globalization;
using ZkDashboard.Sandbox;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Benchmarks.Client;

/// <summary>
/// Our ZooKeeper client against the Java client and kazoo, in the same run on one 3-server sandbox:
/// pipelined getData of 1 KiB nodes at 1/16/256 in flight, create+delete throughput, sequential getData
/// latency, allocations per op (ours) and client-process CPU per op. Each client runs in its own process.
/// Options: --nodes N --phase-seconds S --warmup-seconds S --latency-ops N --cd-in-flight N --rounds N; --ours-base PATH
/// (another build's benchmark executable as column "base") and --ours-env K=V[,K=V] (ours with environment variables);
/// --clients ours,base (only those columns).
/// </summary>
public sealed class ClientBenchmark : IBenchmark
{

    public string Name => "client";

    public string Description => "our client vs the Java client vs kazoo: getData pipelining, create+delete, latency, CPU/op";

    public async Task<int> RunAsync(BenchmarkArgs args, CancellationToken ct)
    {
        var settings = ClientBenchSettings.From(args);
        var javaDir = Path.Combine(Path.GetTempPath(), $"zkbench-java-{Environment.ProcessId}");
        try
        {
            Console.WriteLine("compiling the Java harness…");
            await ClientHarnesses.CompileJavaAsync(javaDir, ct).ConfigureAwait(false);

            Console.WriteLine("starting a 3-server sandbox ensemble…");
            await using var ensemble = await SandboxEnsemble.StartAsync(new SandboxOptions { Servers = 3, TickTimeMs = 500 }, ct).ConfigureAwait(false);
            await ensemble.WaitForQuorumAsync(TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
            var connect = ensemble.ConnectString;
            var root = $"/zkbench-{Guid.NewGuid():N}";
            await SetupAndWarmServersAsync(connect, root, settings, ct).ConfigureAwait(false);

            string[] clients =
            [
                "ours", "java", "kazoo",
                .. settings.IncludeRaw ? ["raw"] : Array.Empty<string>(),
                .. settings.OursBase is not null ? ["base"] : Array.Empty<string>(),
                .. settings.OursEnv is not null ? ["ours-env"] : Array.Empty<string>(),
            ];
            if (settings.OnlyClients is { } only)
            {
                var unknown = only.Except(clients, StringComparer.Ordinal).ToArray();
                if (unknown.Length > 0) throw new ArgumentException($"--clients: unknown or not enabled: {string.Join(", ", unknown)} (choose from {string.Join(", ", clients)}).");
                clients = [.. clients.Where(only.Contains)];
            }
            var rounds = clients.ToDictionary(c => c, _ => new List<HarnessResults>(), StringComparer.Ordinal);
            for (var round = 0; round < settings.Rounds; round++)
            {
                foreach (var client in Rotate(clients, round))
                {
                    Console.WriteLine($"round {round + 1}/{settings.Rounds}: {client}… (load average {LoadAverage()})");
                    var r = client switch
                    {
                        "ours" => await ClientHarnesses.RunOursAsync(settings, connect, root, ct).ConfigureAwait(false),
                        "java" => await ClientHarnesses.RunJavaAsync(javaDir, settings, connect, root, ct).ConfigureAwait(false),
                        "base" => await ClientHarnesses.RunOursBaseAsync(settings.OursBase!, settings, connect, root, ct).ConfigureAwait(false),
                        "ours-env" => await ClientHarnesses.RunOursEnvAsync(settings.OursEnv!, settings, connect, root, ct).ConfigureAwait(false),
                        "raw" => await ClientHarnesses.RunRawAsync(settings, connect, root, ct).ConfigureAwait(false),
                        _ => await ClientHarnesses.RunKazooAsync(settings, connect, root, ct).ConfigureAwait(false),
                    };
                    rounds[client].Add(r);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {client}: ops/s @1={Fmt(r["get1_ops_per_s"], "N0")} @16={Fmt(r["get16_ops_per_s"], "N0")} @256={Fmt(r["get256_ops_per_s"], "N0")}, cpu µs/op @1={Fmt(r["get1_cpu_us_per_op"], "N1")} @16={Fmt(r["get16_cpu_us_per_op"], "N1")} @256={Fmt(r["get256_cpu_us_per_op"], "N1")}"));
                }
            }

            HarnessResults Of(string client) => HarnessResults.Median(client, rounds.GetValueOrDefault(client) ?? []);
            var ours = Of("ours");
            var java = Of("java");
            var kazoo = Of("kazoo");
            var raw = Of("raw");
            PrintTable(Console.Out, settings, ours, java, kazoo, raw);
            if (settings.OursBase is not null) PrintVariant(Console.Out, $"base ({settings.OursBase})", Of("base"), ours, raw);
            if (settings.OursEnv is { } env)
                PrintVariant(Console.Out, $"ours-env ({string.Join(',', env.Select(kv => $"{kv.Key}={kv.Value}"))})", Of("ours-env"), ours, raw);
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(javaDir, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }

    private static IEnumerable<string> Rotate(string[] items, int by) => items.Skip(by % items.Length).Concat(items.Take(by % items.Length));

    /// <summary>Creates the 1 KiB nodes, then drives the servers for a few seconds so no client meets a cold JIT.</summary>
    private static async Task SetupAndWarmServersAsync(string connect, string root, ClientBenchSettings s, CancellationToken ct)
    {
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = connect, SessionTimeout = TimeSpan.FromSeconds(20) }, ct).ConfigureAwait(false);
        await zk.CreateAsync(root, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe, CreateMode.Persistent, 0, ct).ConfigureAwait(false);
        var data = new byte[1024];
        Random.Shared.NextBytes(data);
        const int Batch = 200;
        for (var start = 0; start < s.Nodes; start += Batch)
        {
            var creates = Enumerable.Range(start, Math.Min(Batch, s.Nodes - start))
                .Select(i => zk.CreateAsync(ClientBenchSettings.NodePath(root, i), data, Acls.OpenUnsafe, CreateMode.Persistent, 0, ct));
            await Task.WhenAll(creates).ConfigureAwait(false);
        }

        Console.WriteLine($"created {s.Nodes} nodes of 1 KiB under {root}; warming the servers…");
        var end = Stopwatch.GetTimestamp() + (long)(Math.Max(2, s.WarmupSeconds) * Stopwatch.Frequency);
        var loops = Enumerable.Range(0, 128).Select(async k =>
        {
            for (var i = k; i < 10_000_000 && Stopwatch.GetTimestamp() < end; i += 128)
            {
                await zk.GetDataAsync(ClientBenchSettings.NodePath(root, i % s.Nodes), false, ct).ConfigureAwait(false);
            }
        });
        await Task.WhenAll(loops).ConfigureAwait(false);
        await zk.CloseAsync(ct).ConfigureAwait(false);
    }

    private static void PrintTable(TextWriter w, ClientBenchSettings s, HarnessResults ours, HarnessResults java, HarnessResults kazoo, HarnessResults raw)
    {
        w.WriteLine();
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"client benchmark — 3-server sandbox, {s.Nodes} nodes of 1 KiB, {s.PhaseSeconds:0.#} s per phase, {s.Rounds} round(s) (median), each client in its own process"));
        w.WriteLine($"{"metric",-38} {"ours",12} {"java",12} {"kazoo",12} {"ours/java",10} {"ours/kazoo",11} {"raw loop*",12}");
        w.WriteLine(new string('-', 38 + (13 * 3) + 11 + 12 + 13));

        void Row(string label, string key, string format, bool ratios = true)
        {
            var o = ours[key];
            var j = java[key];
            var k = kazoo[key];
            w.WriteLine($"{label,-38} {Fmt(o, format),12} {Fmt(j, format),12} {Fmt(k, format),12} {(ratios ? Ratio(o, j) : ""),10} {(ratios ? Ratio(o, k) : ""),11} {Fmt(raw[key], format),12}");
        }

        Row("getData ops/s @1 in flight", "get1_ops_per_s", "N0");
        Row("getData ops/s @16 in flight", "get16_ops_per_s", "N0");
        Row("getData ops/s @256 in flight", "get256_ops_per_s", "N0");
        Row("create+delete pairs/s (64 in flight)", "create_delete_pairs_per_s", "N0");
        Row("sequential getData p50 (µs)", "latency_p50_us", "N0");
        Row("sequential getData p99 (µs)", "latency_p99_us", "N0");
        Row("client CPU µs/op getData @1", "get1_cpu_us_per_op", "N1");
        Row("client CPU µs/op getData @16", "get16_cpu_us_per_op", "N1");
        Row("client CPU µs/op getData @256", "get256_cpu_us_per_op", "N1");
        Row("client CPU µs/pair create+delete", "create_delete_cpu_us_per_pair", "N1");
        Row("allocated B/op getData @1", "get1_alloc_bytes_per_op", "N0", ratios: false);
        Row("allocated B/op getData @256", "get256_alloc_bytes_per_op", "N0", ratios: false);
        Row("allocated B/pair create+delete", "create_delete_alloc_bytes_per_pair", "N0", ratios: false);
        Row("thread-pool work items/op getData @1", "get1_pool_items_per_op", "N2", ratios: false);
        Row("thread-pool work items/op getData @256", "get256_pool_items_per_op", "N2", ratios: false);
        w.WriteLine("* raw loop: a minimal blocking-socket getData pipeline (not a client), shown as the room the machine leaves.");
        w.WriteLine();

        static double Div(double? a, double? b) => a is { } x && b is { } y && y != 0 ? x / y : double.NaN;
        var r1 = Div(ours["get256_ops_per_s"], java["get256_ops_per_s"]);
        var r2 = Div(ours["get256_ops_per_s"], kazoo["get256_ops_per_s"]);
        var r3 = Div(ours["get256_cpu_us_per_op"], java["get256_cpu_us_per_op"]);
        var cpuRaw256 = Div(ours["get256_cpu_us_per_op"], raw["get256_cpu_us_per_op"]);
        var cpuRaw1 = Div(ours["get1_cpu_us_per_op"], raw["get1_cpu_us_per_op"]);
        var cpuRaw16 = Div(ours["get16_cpu_us_per_op"], raw["get16_cpu_us_per_op"]);
        var tput1 = Div(ours["get1_ops_per_s"], raw["get1_ops_per_s"]);
        var tput16 = Div(ours["get16_ops_per_s"], raw["get16_ops_per_s"]);
        var tput256 = Div(ours["get256_ops_per_s"], raw["get256_ops_per_s"]);
        var cpuKazoo = Div(ours["get256_cpu_us_per_op"], kazoo["get256_cpu_us_per_op"]);
        var cpuJava1 = Div(ours["get1_cpu_us_per_op"], java["get1_cpu_us_per_op"]);
        var cpuKazoo1 = Div(ours["get1_cpu_us_per_op"], kazoo["get1_cpu_us_per_op"]);
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"vs raw loop: tput @1={tput1:0.00} @16={tput16:0.00} @256={tput256:0.00} (goal >= 0.9 / 0.95 / 0.95); cpu-per-op @1={cpuRaw1:0.00} @16={cpuRaw16:0.00} @256={cpuRaw256:0.00} (goal <= 2)"));
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cpu-per-op vs peers: @1 ours/java={cpuJava1:0.00} ours/kazoo={cpuKazoo1:0.00}; @256 ours/java={r3:0.00} ours/kazoo={cpuKazoo:0.00} (goal <= 0.5)"));
        var met = tput1 >= 0.9 && tput16 >= 0.95 && tput256 >= 0.95 && cpuRaw1 <= 2 && cpuRaw16 <= 2 && cpuRaw256 <= 2
            && r3 <= 0.5 && cpuKazoo <= 0.5 && cpuJava1 <= 0.5 && cpuKazoo1 <= 0.5;
        w.WriteLine($"targets: {(met ? "met" : "NOT met")}");
        w.WriteLine($"load average (1/5/15 min) at the end of the run: {LoadAverage()} — a shared 2-core machine: absolute figures are noisy, compare the ratios");
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RATIO getData@256 ours/java={r1:0.00} ours/kazoo={r2:0.00} cpu-per-op ours/java={r3:0.00} ours/raw={cpuRaw256:0.00} cpu-per-op@1 ours/raw={cpuRaw1:0.00} tput@1 ours/raw={tput1:0.00}"));
    }

    /// <summary>An extra column (another build, or ours with environment variables): its getData figures, and ours relative to it.</summary>
    private static void PrintVariant(TextWriter w, string label, HarnessResults v, HarnessResults ours, HarnessResults raw)
    {
        static string R(double? a, double? b) => Ratio(a, b);
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"variant {label}: ops/s @1={Fmt(v["get1_ops_per_s"], "N0")} @16={Fmt(v["get16_ops_per_s"], "N0")} @256={Fmt(v["get256_ops_per_s"], "N0")}; cpu µs/op @1={Fmt(v["get1_cpu_us_per_op"], "N1")} @16={Fmt(v["get16_cpu_us_per_op"], "N1")} @256={Fmt(v["get256_cpu_us_per_op"], "N1")}; pool items/op @1={Fmt(v["get1_pool_items_per_op"], "N2")} @256={Fmt(v["get256_pool_items_per_op"], "N2")}"));
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {v.Client} vs raw loop: tput @1={R(v["get1_ops_per_s"], raw["get1_ops_per_s"])} @16={R(v["get16_ops_per_s"], raw["get16_ops_per_s"])} @256={R(v["get256_ops_per_s"], raw["get256_ops_per_s"])}; cpu-per-op @1={R(v["get1_cpu_us_per_op"], raw["get1_cpu_us_per_op"])} @16={R(v["get16_cpu_us_per_op"], raw["get16_cpu_us_per_op"])} @256={R(v["get256_cpu_us_per_op"], raw["get256_cpu_us_per_op"])}"));
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  ours/{v.Client}: tput @1={R(ours["get1_ops_per_s"], v["get1_ops_per_s"])} @16={R(ours["get16_ops_per_s"], v["get16_ops_per_s"])} @256={R(ours["get256_ops_per_s"], v["get256_ops_per_s"])}; cpu-per-op @1={R(ours["get1_cpu_us_per_op"], v["get1_cpu_us_per_op"])} @16={R(ours["get16_cpu_us_per_op"], v["get16_cpu_us_per_op"])} @256={R(ours["get256_cpu_us_per_op"], v["get256_cpu_us_per_op"])}; latency p50 {Fmt(ours["latency_p50_us"], "N0")} vs {Fmt(v["latency_p50_us"], "N0")} µs"));
    }

    /// <summary>The 1/5/15-minute load average from /proc/loadavg ("n/a" elsewhere).</summary>
    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string Fmt(double? v, string format) => v is { } d ? d.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string Ratio(double? a, double? b) =>
        a is { } x && b is { } y && y != 0 ? (x / y).ToString("0.00", CultureInfo.InvariantCulture) : "-";
}
