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

    /// <summary>
    /// A ZkDashboard.Benchmarks executable of another build (e.g. main's) whose client worker runs as the extra
    /// column "base" in the same rounds (--ours-base PATH), for a before/after comparison in one run.
    /// </summary>
    public string? OursBase { get; init; }

    /// <summary>Environment variables for an extra column "ours-env": this build's worker with them set (--ours-env K=V[,K=V]).</summary>
    public IReadOnlyDictionary<string, string>? OursEnv { get; init; }

    /// <summary>Only these columns (--clients ours,base,...), e.g. for many quick rounds of a before/after comparison; null: all.</summary>
    public IReadOnlySet<string>? OnlyClients { get; init; }

    public static ClientBenchSettings From(BenchmarkArgs a) => new()
    {
        OnlyClients = a.Get("clients") is { } list ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal) : null,
        OursBase = a.Get("ours-base") is { } path ? CheckExecutable(path) : null,
        OursEnv = a.Get("ours-env") is { } env ? ParseEnv(env) : null,
        Nodes = a.GetInt("nodes", 1000),
        PhaseSeconds = a.GetDouble("phase-seconds", 3),
        WarmupSeconds = a.GetDouble("warmup-seconds", 3),
        LatencyOps = a.GetInt("latency-ops", 3000),
        CreateDeleteInFlight = a.GetInt("cd-in-flight", 64),
        Rounds = Math.Clamp(a.GetInt("rounds", 3), 1, 10),
        IncludeRaw = a.Get("no-raw") is null,
    };

    private static string CheckExecutable(string path) =>
        File.Exists(path) ? Path.GetFullPath(path) : throw new ArgumentException($"--ours-base: no file '{path}' (give the ZkDashboard.Benchmarks executable of the other build).");

    private static Dictionary<string, string> ParseEnv(string spec)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new ArgumentException($"--ours-env: '{pair}' is not KEY=VALUE.");
            env[pair[..eq]] = pair[(eq + 1)..];
        }
        return env.Count > 0 ? env : throw new ArgumentException("--ours-env: give at least one KEY=VALUE.");
    }

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
