using System.Globalization;

namespace ZkDashboard.Benchmarks.Client;

/// <summary>Knobs of the client benchmark, passed identically to every client under test.</summary>
public sealed record ClientBenchSettings
{
    public int Nodes { get; init; } = 1000;

    public double PhaseSeconds { get; init; } = 3;

    public double WarmupSeconds { get; init; } = 3;

    public int LatencyOps { get; init; } = 3000;

    public int CreateDeleteInFlight { get; init; } = 64;

    public int Rounds { get; init; } = 3;

    /// <summary>Also run the minimal raw getData loop as a reference column (off with --no-raw).</summary>
    public bool IncludeRaw { get; init; } = true;

    public static ClientBenchSettings From(BenchmarkArgs a) => new()
    {
        Nodes = a.GetInt("nodes", 1000),
        PhaseSeconds = a.GetDouble("phase-seconds", 3),
        WarmupSeconds = a.GetDouble("warmup-seconds", 3),
        LatencyOps = a.GetInt("latency-ops", 3000),
        CreateDeleteInFlight = a.GetInt("cd-in-flight", 64),
        Rounds = Math.Clamp(a.GetInt("rounds", 3), 1, 10),
        IncludeRaw = a.Get("no-raw") is null,
    };

    /// <summary>Arguments common to every harness: connect root nodes phase warmup latencyOps cdInFlight.</summary>
    public string[] HarnessArgs(string connectString, string root) =>
    [
        connectString, root,
        Nodes.ToString(CultureInfo.InvariantCulture),
        PhaseSeconds.ToString(CultureInfo.InvariantCulture),
        WarmupSeconds.ToString(CultureInfo.InvariantCulture),
        LatencyOps.ToString(CultureInfo.InvariantCulture),
        CreateDeleteInFlight.ToString(CultureInfo.InvariantCulture),
    ];

    /// <summary>Generous bound for one harness run (phases, warmup, JVM start, drain).</summary>
    public TimeSpan HarnessTimeout => TimeSpan.FromSeconds(120 + (8 * PhaseSeconds) + WarmupSeconds);

    public static string NodePath(string root, int i) => $"{root}/n-{i:D5}";
}
