using System.Diagnostics;
using System.Globalization;

namespace ZkDashboard.Testing.Identity;

/// <summary>
/// A server process (slapd) started under a watchdog, in its own session and process group:
/// <c>setsid /bin/sh -c SCRIPT</c>. The script forks a watchdog that reads the stdin pipe this process holds, then
/// <c>exec</c>s the server. Closing the pipe, on <see cref="StopAsync"/> or because the test process died for any
/// reason, makes the watchdog SIGKILL the whole group, so no server outlives the tests.
/// </summary>
public sealed class WatchedProcess : IAsyncDisposable
{
    // $1 = log file, the rest = the command line.
    private const string Script = """
        log=$1; shift
        exec 2>>"$log"
        exec 3<&0
        ( while read -r _ <&3; do :; done; kill -9 -$$ ) </dev/null >/dev/null 2>&1 &
        echo "$$"
        exec "$@" 3<&- </dev/null >>"$log" 2>&1
        """;

    private readonly Process process;
    private int stopped;

    private WatchedProcess(Process process, string logPath)
    {
        this.process = process;
        LogPath = logPath;
        Exited = process.WaitForExitAsync();
    }

    /// <summary>The file that receives the server's stdout and stderr.</summary>
    public string LogPath { get; }

    /// <summary>Completes when the server has exited.</summary>
    public Task Exited { get; }

    /// <summary>Starts <paramref name="command"/> under the watchdog.</summary>
    public static async Task<WatchedProcess> StartAsync(string logPath, IReadOnlyList<string> command)
    {
        var psi = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        foreach (var arg in (string[])["/bin/sh", "-c", Script, "zkd-identity", logPath, .. command])
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start setsid /bin/sh for {command[0]}.");
        var watched = new WatchedProcess(process, logPath);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false);
        if (line is null || !int.TryParse(line.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) || pid != process.Id)
        {
            await watched.StopAsync().ConfigureAwait(false);
            throw new InvalidOperationException(
                $"The launcher for {command[0]} did not report its own pid (got \"{line}\", started {process.Id}); setsid must not fork. See {logPath}.");
        }

        return watched;
    }

    /// <summary>Closes the watchdog's pipe (the group is SIGKILLed) and waits for the server to exit. Safe to call twice.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref stopped, 1) != 0)
        {
            return;
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await Exited.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await Exited.ConfigureAwait(false);
        }

        process.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => new(StopAsync());
}
