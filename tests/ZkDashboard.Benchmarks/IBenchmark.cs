namespace ZkDashboard.Benchmarks;

/// <summary>One runnable benchmark. Register it in <see cref="BenchmarkRegistry.All"/>.</summary>
public interface IBenchmark
{
    /// <summary>Sub-command name, e.g. "client".</summary>
    string Name { get; }

    /// <summary>One line for the usage text.</summary>
    string Description { get; }

    /// <summary>Runs the benchmark with the options that follow its name; returns the exit code.</summary>
    Task<int> RunAsync(BenchmarkArgs args, CancellationToken ct);
}
