using System.Globalization;

namespace ZkDashboard.Benchmarks.Browser;

/// <summary>setData→DOM samples of one setting (ms, sorted once complete) and the updates a page never showed.</summary>
public sealed class LatencySamples
{
    public List<double> Samples { get; } = [];

    /// <summary>setData until the page began handling the circuit message that carried the value (the rest is applying it).</summary>
    public List<double> ToMessage { get; } = [];

    /// <summary>setData until a watcher of our own (another session) got the watch event: ZooKeeper's share.</summary>
    public List<double> Notified { get; } = [];

    /// <summary>Circuit bytes (WebSocket messages, both ways' replies included) a page received per update, mean over the pages.</summary>
    public double BytesPerPageUpdate { get; set; } = double.NaN;

    /// <summary>Renderer main-thread time per page and update (whole phase, idle time included), mean over the pages.</summary>
    public RendererTimes? RendererPerPageUpdate { get; set; }

    public int Missed { get; set; }

    public double P(double p) => Percentile(Samples, p);

    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}

/// <summary>The browser benchmark's figures, the targets, and the RESULT line.</summary>
public sealed class BrowserReport(BrowserBenchSettings settings)
{
    public const double FirstRowsTargetMs = 1000;
    /// <summary>The goal for a node of a million children (issue 11): first rows under 1.5 s.</summary>
    public const double FirstRowsTargetMsAt1M = 1500;
    public const double P99TargetMs = 150;
    public const double MbPerCircuitTarget = 10;

    private readonly List<string> _loads = [];

    public double SeedMs { get; set; }

    public List<double> FirstRows { get; } = [];

    public int MaxTreeRows { get; set; }

    public LatencySamples Latency1 { get; set; } = new();

    public LatencySamples LatencyN { get; set; } = new();

    public double ServerCpu1 { get; set; }

    public double ServerCpuN { get; set; }

    public double BrowserCpu1 { get; set; }

    public double ServerCpuIdleN { get; set; }

    public double QuietMs1 { get; set; }

    public double QuietMsN { get; set; }

    public double BrowserCpuIdleN { get; set; }

    public double BrowserCpuN { get; set; }

    public MemoryReading? MemoryAt1 { get; set; }

    /// <summary>The app after start, before any page.</summary>
    public MemoryReading? MemoryAtStart { get; set; }

    /// <summary>The app with the big node in the shared cache (stats fetched) and no page open.</summary>
    public MemoryReading? MemoryCached { get; set; }

    public double QuietMsCache { get; set; }

    /// <summary>Jumps to 10%…90% of the expanded big node (ms until the rows in view are painted), sorted.</summary>
    public List<double> ScrollJumps { get; } = [];

    public double ScrollEndMs { get; set; } = double.NaN;

    public string? ScrollEndRow { get; set; }

    public MemoryReading? MemoryAtN { get; set; }

    public MemoryReading? MemoryAfterN { get; set; }

    /// <summary>Notes the machine's load average (1/5/15 min) with a label; printed with the figures.</summary>
    public void Load(string label)
    {
        var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        _loads.Add($"{label}: {load}");
    }

    public void Print(TextWriter w)
    {
        var sorted = FirstRows.Order().ToList();
        var firstRowsP50 = LatencySamples.Percentile(sorted, 0.5);
        var (mbManaged, mbRss, circuits) = PerCircuit();
        var p99N = LatencyN.P(0.99);
        var n = settings.Contexts;

        w.WriteLine();
        w.WriteLine(Inv($"browser benchmark — {settings.Servers}-server sandbox, {settings.Children:N0} children, Release app (Production) on Kestrel, headless Chromium, {Environment.ProcessorCount} cores"));
        w.WriteLine(Inv($"load average (1/5/15 min): {string.Join("; ", _loads)}"));
        w.WriteLine($"{"metric",-52} {"value",28}");
        w.WriteLine(new string('-', 81));
        Row("seeding children (multi batches of 1,000, 4 in flight)", Inv($"{SeedMs / 1000:0.0} s"));
        Row(Inv($"first rows @{settings.Children / 1000}k: first (cold cache)"), Ms(FirstRows.Count > 0 ? FirstRows[0] : double.NaN));
        Row(Inv($"first rows @{settings.Children / 1000}k: min / p50 / max ({FirstRows.Count} runs)"),
            Inv($"{sorted.FirstOrDefault():0} / {firstRowsP50:0} / {sorted.LastOrDefault():0} ms"));
        Row("treeitems in the DOM after expanding (max)", MaxTreeRows.ToString(CultureInfo.InvariantCulture));
        LatencyRows("1 context", Latency1, ServerCpu1, BrowserCpu1, QuietMs1);
        LatencyRows(Inv($"{n} contexts"), LatencyN, ServerCpuN, BrowserCpuN, QuietMsN);
        Row(Inv($"CPU idle with {n} pages open: app / Chromium"), Inv($"{ServerCpuIdleN:0}% / {BrowserCpuIdleN:0}%"));
        Row("server managed heap after GC: 1 circuit", Mb(MemoryAt1?.ManagedBytes));
        Row(Inv($"server managed heap after GC: {MemoryAtN?.OpenCircuits} circuits"), Mb(MemoryAtN?.ManagedBytes));
        Row(Inv($"  … after the {n}-context updates"), Mb(MemoryAfterN?.ManagedBytes));
        Row("server managed heap after GC: at start, no page", Mb(MemoryAtStart?.ManagedBytes));
        Row("  … big node in the shared cache, no page open", Mb(MemoryCached?.ManagedBytes));
        Row("shared cache memory for the big node (parent)", Inv($"{CacheMb():0.0} MB ({CacheMb() * 1048576 / settings.Children:0} B per child)"));
        Row("  wait until the app is quiet (child stats fetched)", Inv($"{QuietMsCache / 1000:0.0} s"));
        Row("scroll: jumps to 10%…90%, p50 / max", Inv($"{LatencySamples.Percentile(ScrollJumps, 0.5):0} / {ScrollJumps.LastOrDefault():0} ms"));
        Row("scroll: jump to the end (last child painted)", Inv($"{ScrollEndMs:0} ms ({ScrollEndRow})"));
        Row("server VmRSS: 1 circuit → N circuits", Inv($"{Mb(MemoryAt1?.VmRssBytes)} → {Mb(MemoryAtN?.VmRssBytes)}"));
        Row(Inv($"managed heap growth per circuit ({circuits} circuits added)"), Inv($"{mbManaged:0.00} MB"));
        Row("VmRSS growth per circuit", Inv($"{mbRss:0.00} MB"));
        w.WriteLine();
        if (settings.Children >= 1_000_000)
        {
            // Issue 11's goal is about the cold cache: the first run, not the median of mostly warm ones.
            var cold = FirstRows.Count > 0 ? FirstRows[0] : double.NaN;
            Target(Inv($"first rows @{settings.Children / 1000}k cold < {FirstRowsTargetMsAt1M:0} ms"), cold < FirstRowsTargetMsAt1M, Ms(cold));
        }
        else
        {
            Target(Inv($"first rows @{settings.Children / 1000}k p50 < {FirstRowsTargetMs:0} ms"), firstRowsP50 < FirstRowsTargetMs, Ms(firstRowsP50));
        }
        Target(Inv($"setData→DOM p99 @{n} contexts < {P99TargetMs:0} ms"), p99N < P99TargetMs && LatencyN.Missed == 0,
            Ms(p99N) + (LatencyN.Missed > 0 ? Inv($" ({LatencyN.Missed} updates never shown)") : ""));
        Target(Inv($"server memory per circuit < {MbPerCircuitTarget:0} MB (managed heap)"), mbManaged < MbPerCircuitTarget, Inv($"{mbManaged:0.00} MB"));
        w.WriteLine(Inv($"RESULT dom-update-p99-ms@1={Latency1.P(0.99):0.0} mem-mb-per-circuit={mbManaged:0.00} cache-mb-per-parent={CacheMb():0.0} scroll-end-ms={ScrollEndMs:0}"));
        // The issue fixes the last line's shape: exactly these two keys.
        w.WriteLine(Inv($"RESULT first-rows-ms@100k={firstRowsP50:0} dom-update-p99-ms@20={p99N:0.0}"));

        void Row(string label, string value) => w.WriteLine($"{label,-52} {value,28}");

        void LatencyRows(string label, LatencySamples s, double appCpu, double browserCpu, double quietMs)
        {
            Row(Inv($"wait until the app is quiet before {label}"), Inv($"{quietMs / 1000:0.0} s"));
            Row(Inv($"setData→DOM {label}: p50 / p99 / max"), Inv($"{s.P(0.5):0.0} / {s.P(0.99):0.0} / {s.Samples.LastOrDefault():0.0} ms"));
            Row(Inv($"  until a watcher of ours is notified: p50 / p99"), Inv($"{LatencySamples.Percentile(s.Notified, 0.5):0.0} / {LatencySamples.Percentile(s.Notified, 0.99):0.0} ms"));
            Row(Inv($"  until the page handles the message: p50 / p99"), Inv($"{LatencySamples.Percentile(s.ToMessage, 0.5):0.0} / {LatencySamples.Percentile(s.ToMessage, 0.99):0.0} ms"));
            Row(Inv($"  circuit bytes received per page and update"), Inv($"{s.BytesPerPageUpdate:N0} B"));
            if (s.RendererPerPageUpdate is { } r)
            {
                Row(Inv($"  renderer per page+update: task/script/layout/style"), Inv($"{r.Task:0.0}/{r.Script:0.0}/{r.Layout:0.0}/{r.Style:0.0} ms"));
            }

            Row(Inv($"  samples / never shown"), Inv($"{s.Samples.Count} / {s.Missed}"));
            Row(Inv($"  CPU (% of one core): app / Chromium"), Inv($"{appCpu:0.0}% / {browserCpu:0.0}%"));
        }

        void Target(string label, bool met, string value) => w.WriteLine($"target {label,-50} {value,16}  {(met ? "met" : "MISSED")}");
    }

    /// <summary>Managed heap the shared cache holds for the big node: with it cached and no page open, minus at start.</summary>
    private double CacheMb() =>
        MemoryAtStart is { } a && MemoryCached is { } c ? (c.ManagedBytes - a.ManagedBytes) / 1048576.0 : double.NaN;

    private (double ManagedMb, double RssMb, int Circuits) PerCircuit()
    {
        if (MemoryAt1 is not { } a || MemoryAtN is not { } b || b.OpenCircuits <= a.OpenCircuits)
        {
            return (double.NaN, double.NaN, 0);
        }

        var added = b.OpenCircuits - a.OpenCircuits;
        return ((b.ManagedBytes - a.ManagedBytes) / 1048576.0 / added, (b.VmRssBytes - a.VmRssBytes) / 1048576.0 / added, added);
    }

    private static string Ms(double v) => Inv($"{v:0.0} ms");

    private static string Mb(long? bytes) => bytes is { } b ? Inv($"{b / 1048576.0:0.0} MB") : "-";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
