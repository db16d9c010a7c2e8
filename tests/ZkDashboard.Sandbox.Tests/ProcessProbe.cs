namespace ZkDashboard.Sandbox.Tests;

/// <summary>Reads /proc to see which processes exist, without trusting the sandbox's own bookkeeping.</summary>
internal static class ProcessProbe
{
    /// <summary>True when the pid exists and is not a zombie.</summary>
    public static bool IsAlive(int pid) => State(pid) is { } s && s is not ('Z' or 'X');

    /// <summary>The state letter from /proc/pid/stat (R, S, T for stopped, Z...), or null when there is no such process.</summary>
    public static char? State(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2];
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Live processes whose command line contains <paramref name="marker"/>.</summary>
    public static List<int> FindByCommandLine(string marker)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(marker, StringComparison.Ordinal) && IsAlive(pid))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    /// <summary>Async variant of <see cref="WaitUntilAsync(Func{bool}, TimeSpan)"/>.</summary>
    public static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return await condition();
            }

            await Task.Delay(200);
        }

        return true;
    }

    /// <summary>Polls until the condition holds or the deadline passes; returns the last value of the condition.</summary>
    public static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return condition();
            }

            await Task.Delay(50);
        }

        return true;
    }
}
