using System.Runtime.InteropServices;

namespace ZkDashboard.Sandbox;

/// <summary>POSIX signals (Linux numbers) sent with libc kill(2).</summary>
internal static partial class Native
{
    public const int SigKill = 9;
    public const int SigTerm = 15;
    public const int SigCont = 18;
    public const int SigStop = 19;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillNative(int pid, int sig);

    /// <summary>Sends a signal; a negative pid targets a process group. Returns false when nothing received it.</summary>
    public static bool Signal(int pid, int sig) => KillNative(pid, sig) == 0;

    /// <summary>The state letter of /proc/pid/stat (R, S, T = stopped, Z = zombie...), or null when there is no such process.</summary>
    public static char? State(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            return close > 0 && close + 2 < stat.Length ? stat[close + 2] : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Polls /proc until the process is (or is no longer) stopped by a signal.</summary>
    public static async Task<bool> WaitForStoppedAsync(int pid, bool stopped, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var state = State(pid);
            if (state is null or 'Z' or 'X' || (state is 'T' or 't') == stopped)
            {
                return state is not (null or 'Z' or 'X');
            }

            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    /// <summary>True when the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            return close > 0 && close + 2 < stat.Length && stat[close + 2] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }
}
