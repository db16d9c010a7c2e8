namespace ZkDashboard.Benchmarks.Browser;

/// <summary>Knobs of the browser benchmark (options after "browser").</summary>
public sealed record BrowserBenchSettings
{
    /// <summary>Sandbox servers (--servers, default 1: the browser and the app need the cores more).</summary>
    public int Servers { get; init; } = 1;

    /// <summary>Children of the big node (--children, default 100,000).</summary>
    public int Children { get; init; } = 100_000;

    /// <summary>Fresh pages timed from the click to the first painted child rows (--first-rows-runs, default 7).</summary>
    public int FirstRowsRuns { get; init; } = 7;

    /// <summary>setData calls timed per setting (--updates, default 60; 3 more are sent first as warm-up).</summary>
    public int Updates { get; init; } = 60;

    /// <summary>Time between two setData calls (--interval-ms, default 1000).</summary>
    public int IntervalMs { get; init; } = 1000;

    /// <summary>Browser contexts of the second setting, also the circuits of the memory figure (--contexts, default 20).</summary>
    public int Contexts { get; init; } = 20;

    /// <summary>Print where the DOM changes after one setData (--trace-mutations; a diagnostic).</summary>
    public bool TraceMutations { get; init; }

    /// <summary>Chromium (--chromium or ZKDASHBOARD_CHROMIUM, default /usr/bin/chromium).</summary>
    public string Chromium { get; init; } = "/usr/bin/chromium";

    public static BrowserBenchSettings From(BenchmarkArgs a)
    {
        var s = new BrowserBenchSettings
        {
            Servers = a.GetInt("servers", 1),
            Children = a.GetInt("children", 100_000),
            FirstRowsRuns = a.GetInt("first-rows-runs", 7),
            Updates = a.GetInt("updates", 60),
            IntervalMs = a.GetInt("interval-ms", 1000),
            Contexts = a.GetInt("contexts", 20),
            TraceMutations = a.Get("trace-mutations") is not null,
            Chromium = a.Get("chromium") ?? (Environment.GetEnvironmentVariable("ZKDASHBOARD_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium"),
        };
        if (s.Servers < 1 || s.Children < 1 || s.FirstRowsRuns < 1 || s.Updates < 1 || s.IntervalMs < 0 || s.Contexts < 2)
        {
            throw new ArgumentException("browser benchmark: --servers, --children, --first-rows-runs and --updates must be at least 1, --interval-ms at least 0, --contexts at least 2.");
        }

        if (!File.Exists(s.Chromium))
        {
            throw new ArgumentException($"Chromium was not found at {s.Chromium}. Install it (Debian: apt-get install chromium) or pass --chromium PATH.");
        }

        return s;
    }
}
