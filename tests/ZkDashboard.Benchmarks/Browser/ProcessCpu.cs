using System.Globalization;

namespace ZkDashboard.Benchmarks.Browser;

/// <summary>CPU time of processes read from /proc (Linux): one process, or every Chromium process under this one.</summary>
public static class ProcessCpu
{
    /// <summary>user + system CPU of <paramref name="pid"/>, or zero when it is gone.</summary>
    public static TimeSpan Of(int pid)
    {
        var fields = StatFields(pid);
        return fields is null ? TimeSpan.Zero : Ticks(fields);
    }

    /// <summary>Sum over the live descendants of this process whose command is Chromium (browser, renderers, GPU, utility).</summary>
    public static TimeSpan OfBrowserProcesses()
    {
        var parents = new Dictionary<int, int>();
        var comm = new Dictionary<int, string>();
        var cpu = new Dictionary<int, TimeSpan>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || StatFields(pid, out var name) is not { } f)
            {
                continue;
            }

            parents[pid] = int.Parse(f[1], CultureInfo.InvariantCulture);
            comm[pid] = name;
            cpu[pid] = Ticks(f);
        }

        var me = Environment.ProcessId;
        var total = TimeSpan.Zero;
        foreach (var (pid, name) in comm)
        {
            if (!name.StartsWith("chrom", StringComparison.Ordinal))
            {
                continue;
            }

            for (var p = parents[pid]; p > 1 && parents.ContainsKey(p); p = parents[p])
            {
                if (p == me)
                {
                    total += cpu[pid];
                    break;
                }
            }
        }

        return total;
    }

    private static TimeSpan Ticks(string[] f) =>
        TimeSpan.FromSeconds((long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture)) / 100.0); // USER_HZ

    private static string[]? StatFields(int pid) => StatFields(pid, out _);

    /// <summary>The fields after "(comm)" of /proc/pid/stat: [0] state, [1] ppid, … [11] utime, [12] stime.</summary>
    private static string[]? StatFields(int pid, out string comm)
    {
        comm = "";
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var open = stat.IndexOf('(', StringComparison.Ordinal);
        var close = stat.LastIndexOf(')');
        if (open < 0 || close < open)
        {
            return null;
        }

        comm = stat[(open + 1)..close];
        return stat[(close + 2)..].Split(' ');
    }
}
