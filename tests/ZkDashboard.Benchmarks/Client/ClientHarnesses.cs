using ZkDashboard.Benchmarks.Common;

namespace ZkDashboard.Benchmarks.Client;

/// <summary>Launches each client under test as its own process and collects its RESULT lines.</summary>
public static class ClientHarnesses
{
    private const string ZooKeeperJar = "/usr/share/java/zookeeper.jar";
    private const string Slf4jNop = "/usr/share/java/slf4j-nop.jar";
    private const string Python = "/usr/bin/python3";

    private static string HarnessDir => Path.Combine(AppContext.BaseDirectory, "Harness");

    /// <summary>Compiles ZkBench.java with javac into <paramref name="outDir"/>.</summary>
    public static async Task CompileJavaAsync(string outDir, CancellationToken ct)
    {
        if (!File.Exists(ZooKeeperJar))
        {
            throw new FileNotFoundException($"{ZooKeeperJar} is missing; install the Debian 'zookeeper' package to benchmark the Java client.");
        }

        Directory.CreateDirectory(outDir);
        var r = await ChildProcess.RunAsync("javac", ["-d", outDir, "-cp", ZooKeeperJar, Path.Combine(HarnessDir, "ZkBench.java")], TimeSpan.FromMinutes(3), ct).ConfigureAwait(false);
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"javac failed ({r.ExitCode}):\n{r.StdOut}\n{r.StdErr}");
        }
    }

    public static Task<HarnessResults> RunJavaAsync(string classDir, ClientBenchSettings s, string connect, string root, CancellationToken ct)
    {
        var cp = string.Join(':', new[] { classDir, ZooKeeperJar, Slf4jNop }.Where(p => Directory.Exists(p) || File.Exists(p)));
        return RunAsync("java", "java", ["-Xms128m", "-Xmx512m", "-cp", cp, "ZkBench", .. s.HarnessArgs(connect, root)], s, ct);
    }

    public static Task<HarnessResults> RunKazooAsync(ClientBenchSettings s, string connect, string root, CancellationToken ct) =>
        RunAsync("kazoo", Python, [Path.Combine(HarnessDir, "kazoo_bench.py"), .. s.HarnessArgs(connect, root)], s, ct);

    public static Task<HarnessResults> RunOursAsync(ClientBenchSettings s, string connect, string root, CancellationToken ct) =>
        RunSelfAsync("ours", OursClientWorker.Command, s, connect, root, ct);

    /// <summary>Our client's worker from another build's executable (column "base").</summary>
    public static Task<HarnessResults> RunOursBaseAsync(string executable, ClientBenchSettings s, string connect, string root, CancellationToken ct) =>
        RunAsync("base", executable, [OursClientWorker.Command, .. s.HarnessArgs(connect, root)], s, ct);

    /// <summary>This build's worker with extra environment variables (column "ours-env").</summary>
    public static Task<HarnessResults> RunOursEnvAsync(IReadOnlyDictionary<string, string> env, ClientBenchSettings s, string connect, string root, CancellationToken ct) =>
        RunSelfAsync("ours-env", OursClientWorker.Command, s, connect, root, ct, env);

    public static Task<HarnessResults> RunRawAsync(ClientBenchSettings s, string connect, string root, CancellationToken ct) =>
        RunSelfAsync("raw", RawGetDataWorker.Command, s, connect, root, ct);

    /// <summary>Re-launches this executable with a hidden worker sub-command.</summary>
    private static Task<HarnessResults> RunSelfAsync(string client, string command, ClientBenchSettings s, string connect, string root, CancellationToken ct, IReadOnlyDictionary<string, string>? env = null)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot find the benchmark executable to re-launch.");
        string[] prefix = Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? [typeof(ClientHarnesses).Assembly.Location, command]
            : [command];
        return RunAsync(client, self, [.. prefix, .. s.HarnessArgs(connect, root)], s, ct, env);
    }

    private static async Task<HarnessResults> RunAsync(string client, string file, string[] args, ClientBenchSettings s, CancellationToken ct, IReadOnlyDictionary<string, string>? env = null)
    {
        var r = await ChildProcess.RunAsync(file, args, s.HarnessTimeout, ct, environment: env).ConfigureAwait(false);
        var results = HarnessResults.Parse(client, r.StdOut);
        if (r.ExitCode != 0 || !results.Values.ContainsKey("get256_ops_per_s"))
        {
            throw new InvalidOperationException($"The {client} harness failed (exit {r.ExitCode}).\nstdout:\n{r.StdOut}\nstderr:\n{r.StdErr}");
        }

        return results;
    }
}
