using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace ZkDashboard.Sandbox;

/// <summary>
/// One java process started under a watchdog, in its own session and process group:
/// <c>setsid /bin/sh -c SCRIPT</c>. The script forks a watchdog subshell that reads the stdin pipe held by this
/// .NET process, then <c>exec</c>s java, so the PID we hold is java's and equals the process group id. When this
/// process dies for any reason the pipe reaches EOF and the watchdog SIGKILLs the whole group.
/// </summary>
internal sealed class ServerProcess
{
    // $1 = log file, the rest = the java command line.
    private const string Script = """
        log=$1; shift
        exec 2>>"$log"
        exec 3<&0
        ( while read -r _ <&3; do :; done; kill -9 -$$ ) </dev/null >/dev/null 2>&1 &
        echo "$$"
        exec "$@" 3<&- </dev/null >>"$log" 2>&1
        """;

    private readonly Process _process;
    private int _killed;

    private ServerProcess(Process process, int pid)
    {
        _process = process;
        Pid = pid;
        Exited = process.WaitForExitAsync();
        // When java ends on its own (crash, kill -9 from outside), end its watchdog right away too.
        _ = Exited.ContinueWith(_ => KillGroupOnce(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public int Pid { get; }

    public Task Exited { get; }

    public bool HasExited => Exited.IsCompleted;

    public int? ExitCode => HasExited ? _process.ExitCode : null;

    public static async Task<ServerProcess> StartAsync(string setsid, string logPath, IReadOnlyList<string> command, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(setsid)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
        };
        psi.ArgumentList.Add("/bin/sh");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Script);
        psi.ArgumentList.Add("zk-sandbox");
        psi.ArgumentList.Add(logPath);
        foreach (var arg in command)
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Process.Start(psi) ?? throw new SandboxException($"Could not start {setsid} /bin/sh for a ZooKeeper server.");
        ProcessRegistry.Add(process.Id);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false);
            if (line is null || !int.TryParse(line.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
            {
                throw new SandboxException($"The server launcher exited before starting java (exit code {(process.HasExited ? process.ExitCode : -1)}); see {logPath}.");
            }

            if (pid != process.Id)
            {
                throw new SandboxException($"setsid forked (launcher pid {pid}, started pid {process.Id}); the sandbox cannot track the server. Start it from a process that is not a process group leader.");
            }

            return new ServerProcess(process, pid);
        }
        catch
        {
            KillGroup(process.Id);
            ProcessRegistry.Remove(process.Id);
            process.Dispose();
            throw;
        }
    }

    public bool Signal(int sig) => !HasExited && Native.Signal(Pid, sig);

    /// <summary>SIGKILL to the whole group (java and its watchdog; works on stopped processes too), then wait for java.</summary>
    public async Task KillAsync()
    {
        KillGroupOnce();
        await Exited.ConfigureAwait(false);
        Release();
    }

    /// <summary>SIGTERM to java; SIGKILL to the group if it has not exited within the grace period.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!HasExited)
        {
            Native.Signal(Pid, Native.SigCont);
            Native.Signal(Pid, Native.SigTerm);
            await Task.WhenAny(Exited, Task.Delay(grace)).ConfigureAwait(false);
        }

        await KillAsync().ConfigureAwait(false);
    }

    /// <summary>After java exited on its own: end the watchdog and release the pipes.</summary>
    public void Release()
    {
        // The group id cannot be reused while the watchdog (a member) lives, and the watchdog only ends on EOF of
        // the pipe, which we close below, or on this very kill; so signalling the group here is safe.
        KillGroupOnce();
        if (ProcessRegistry.Remove(Pid))
        {
            _process.Dispose();
        }
    }

    private void KillGroupOnce()
    {
        if (Interlocked.Exchange(ref _killed, 1) == 0)
        {
            KillGroup(Pid);
        }
    }

    private static void KillGroup(int pgid)
    {
        Native.Signal(-pgid, Native.SigKill);
        Native.Signal(pgid, Native.SigKill);
    }

    /// <summary>Every group this process started and has not released; killed when this process exits or is signalled.</summary>
    private static class ProcessRegistry
    {
        private static readonly ConcurrentDictionary<int, byte> Groups = new();
        private static int _hooked;
        private static readonly List<PosixSignalRegistration> Registrations = [];

        public static void Add(int pgid)
        {
            Groups[pgid] = 0;
            if (Interlocked.Exchange(ref _hooked, 1) == 0)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
                AppDomain.CurrentDomain.UnhandledException += (_, _) => KillAll();
                Console.CancelKeyPress += (_, _) => KillAll();
                foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT, PosixSignal.SIGHUP })
                {
                    // Not cancelled: the default action (process shutdown) still happens afterwards.
                    Registrations.Add(PosixSignalRegistration.Create(signal, _ => KillAll()));
                }
            }
        }

        public static bool Remove(int pgid) => Groups.TryRemove(pgid, out _);

        private static void KillAll()
        {
            foreach (var pgid in Groups.Keys)
            {
                KillGroup(pgid);
            }
        }
    }
}
