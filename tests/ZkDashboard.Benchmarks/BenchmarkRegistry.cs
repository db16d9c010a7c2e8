using ZkDashboard.Benchmarks.Access;
using ZkDashboard.Benchmarks.Audit;
using ZkDashboard.Benchmarks.Api;
using ZkDashboard.Benchmarks.Browser;
using ZkDashboard.Benchmarks.Bulk;
using ZkDashboard.Benchmarks.Client;
using ZkDashboard.Benchmarks.Fanout;
using ZkDashboard.Benchmarks.Health;
using ZkDashboard.Benchmarks.Tracking;

namespace ZkDashboard.Benchmarks;

/// <summary>The benchmarks this executable knows, and the dispatch of its command line.</summary>
public static class BenchmarkRegistry
{
    /// <summary>Every benchmark, in the order "no argument = all" runs them. Add one line per benchmark.</summary>
    public static IReadOnlyList<IBenchmark> All { get; } =
    [
        new ClientBenchmark(),
        new FanoutBenchmark(),
        new AccessBenchmark(),
        new HealthBenchmark(),
        new AuditBenchmark(),
        new TrackBenchmark(),
        new ApiBenchmark(),
        new BulkBenchmark(),
        new BrowserBenchmark(), // last: its RESULT line is the last line of ./build.sh bench
    ];

    /// <summary>Hidden sub-commands used when a benchmark re-launches this executable as a measured child process.</summary>
    private static readonly IReadOnlyDictionary<string, Func<string[], CancellationToken, Task<int>>> Workers =
        new Dictionary<string, Func<string[], CancellationToken, Task<int>>>(StringComparer.Ordinal)
        {
            [OursClientWorker.Command] = OursClientWorker.RunAsync,
            [RawGetDataWorker.Command] = RawGetDataWorker.RunAsync,
        };

    public static async Task<int> RunAsync(string[] args)
    {
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };

        if (args.Length > 0 && Workers.TryGetValue(args[0], out var worker))
        {
            return await worker(args[1..], cts.Token).ConfigureAwait(false);
        }

        if (args.Length > 0 && args[0] is "-h" or "--help" or "help")
        {
            PrintUsage();
            return 0;
        }

        var names = args.TakeWhile(a => !a.StartsWith('-')).ToList();
        var options = BenchmarkArgs.Parse(args.Skip(names.Count).ToArray());
        var selected = new List<IBenchmark>();
        foreach (var name in names)
        {
            var b = All.FirstOrDefault(x => string.Equals(x.Name, name, StringComparison.OrdinalIgnoreCase));
            if (b is null)
            {
                await Console.Error.WriteLineAsync($"Unknown benchmark '{name}'. Known: {string.Join(", ", All.Select(x => x.Name))}.").ConfigureAwait(false);
                PrintUsage();
                return 2;
            }

            selected.Add(b);
        }

        if (selected.Count == 0)
        {
            selected.AddRange(All);
        }

        var exit = 0;
        foreach (var b in selected)
        {
            Console.WriteLine($"=== benchmark: {b.Name} — {b.Description}");
            try
            {
                exit = Math.Max(exit, await b.RunAsync(options, cts.Token).ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync("Cancelled.").ConfigureAwait(false);
                return 130;
            }
        }

        return exit;
    }

    private static void PrintUsage()
    {
        Console.WriteLine("usage: ZkDashboard.Benchmarks [benchmark...] [--key value...]   (no benchmark = all)");
        foreach (var b in All)
        {
            Console.WriteLine($"  {b.Name,-10} {b.Description}");
        }
    }
}
