using System.Diagnostics;

namespace ZkDashboard.Testing;

/// <summary>Other ZooKeeper clients used as oracles: Apache's zkCli.sh (Java) and kazoo (Python).</summary>
public static class PeerClients
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>/usr/bin/python3 (Debian's, which has python3-kazoo), not a pyenv shim.</summary>
    public static string PythonPath { get; } = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    /// <summary>zkCli.sh from ZOOKEEPER_HOME/bin, else Debian's /usr/share/zookeeper/bin.</summary>
    public static string ZkCliPath
    {
        get
        {
            var home = Environment.GetEnvironmentVariable("ZOOKEEPER_HOME");
            var fromHome = string.IsNullOrWhiteSpace(home) ? null : Path.Combine(home, "bin", "zkCli.sh");
            return fromHome is not null && File.Exists(fromHome) ? fromHome : "/usr/share/zookeeper/bin/zkCli.sh";
        }
    }

    /// <summary>Runs zkCli.sh against <paramref name="connectString"/> with the commands fed on stdin, one per line
    /// (e.g. "create /a hello", "get /a"). zkCli prints results on stdout and some confirmations ("Created /a")
    /// and errors on stderr.</summary>
    public static Task<ProcessResult> ZkCliAsync(string connectString, params string[] commands)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectString);
        ArgumentNullException.ThrowIfNull(commands);
        var cli = ZkCliPath;
        if (!File.Exists(cli))
        {
            throw new FileNotFoundException($"zkCli.sh not found at {cli}. Install it with: apt-get install -y zookeeper (or set ZOOKEEPER_HOME).", cli);
        }

        var psi = new ProcessStartInfo("/bin/bash") { UseShellExecute = false };
        psi.ArgumentList.Add(cli);
        psi.ArgumentList.Add("-server");
        psi.ArgumentList.Add(connectString);
        psi.Environment["CLIENT_JVMFLAGS"] = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -Xmx128m";
        psi.Environment["ZOO_LOG_DIR"] = Path.GetTempPath();
        return RunAsync(psi, string.Join('\n', commands) + "\nquit\n");
    }

    /// <summary>Runs <c>/usr/bin/python3 -c script args...</c>; the script sees the args in sys.argv[1:]
    /// (e.g. pass the connect string and do <c>from kazoo.client import KazooClient</c>).</summary>
    public static Task<ProcessResult> KazooAsync(string pythonScript, params string[] args)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pythonScript);
        ArgumentNullException.ThrowIfNull(args);
        var psi = new ProcessStartInfo(PythonPath) { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(pythonScript);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        return RunAsync(psi, stdin: null);
    }

    private static async Task<ProcessResult> RunAsync(ProcessStartInfo psi, string? stdin)
    {
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = true;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {psi.FileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin).ConfigureAwait(false);
        }

        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
            throw new TimeoutException($"{psi.FileName} {string.Join(' ', psi.ArgumentList.Take(3))} did not finish within {Timeout.TotalSeconds:0} s.\nstdout: {await stdout.ConfigureAwait(false)}\nstderr: {await stderr.ConfigureAwait(false)}");
        }

        return new ProcessResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}
