using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;

namespace ZkDashboard.Benchmarks.Browser;

/// <summary>
/// The Release build of src/ZkDashboard.Web (its root appsettings.json, Production environment) as a child process on
/// 127.0.0.1, so its memory can be read from /proc. It runs under a small bash watchdog that holds our pipe on its
/// stdin: when this process ends in any way (even killed), the pipe closes and the watchdog stops the app.
/// </summary>
public sealed class WebAppProcess : IAsyncDisposable
{
    private readonly Process _watchdog;
    private readonly StringBuilder _log = new();
    private readonly HttpClient _http;
    private int _disposed;

    private WebAppProcess(Process watchdog, int appPid, Uri baseUri)
    {
        _watchdog = watchdog;
        AppPid = appPid;
        BaseUri = baseUri;
        _http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>The app's own process id (the dotnet host running ZkDashboard.Web.dll).</summary>
    public int AppPid { get; }

    /// <summary>e.g. http://127.0.0.1:41234/</summary>
    public Uri BaseUri { get; }

    /// <summary>The last lines the app wrote (for error messages).</summary>
    public string RecentOutput
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Path of the app's dll in the Release build of this repository.</summary>
    public static string FindAppDll()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ZkDashboard.sln")))
            {
                var dll = Path.Combine(dir.FullName, "src", "ZkDashboard.Web", "bin", "Release", "net10.0", "ZkDashboard.Web.dll");
                return File.Exists(dll)
                    ? dll
                    : throw new InvalidOperationException($"{dll} is missing: build it first (dotnet build src/ZkDashboard.Web -c Release, or run through ./build.sh bench browser).");
            }
        }

        throw new InvalidOperationException($"No ZkDashboard.sln above {AppContext.BaseDirectory}: run the benchmark from the repository's build output.");
    }

    /// <summary>
    /// Runs the app's <c>demo-accounts</c> command with the same settings (so the same store) and returns the admin's
    /// fresh password: pages need a signed-in user.
    /// </summary>
    public static async Task<string> SeedAdminAsync(IReadOnlyDictionary<string, string> settings, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(FindAppDll());
        psi.ArgumentList.Add("demo-accounts");
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings)
        {
            psi.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start dotnet for demo-accounts.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        var output = await stdout.ConfigureAwait(false);
        foreach (var line in output.Split('\n'))
        {
            const string Prefix = "Login: admin / ";
            if (line.StartsWith(Prefix, StringComparison.Ordinal))
            {
                return line[Prefix.Length..].Split(' ')[0];
            }
        }
        throw new InvalidOperationException($"demo-accounts printed no admin login (exit {process.ExitCode}):\n{output}{await stderr.ConfigureAwait(false)}");
    }

    /// <summary>Starts the app with <paramref name="settings"/> as environment overrides (keys like "ZkDashboard:Ensembles:0:Name") and waits for /healthz.</summary>
    public static async Task<WebAppProcess> StartAsync(IReadOnlyDictionary<string, string> settings, CancellationToken ct)
    {
        var dll = FindAppDll();
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        // bash: start the app, print its pid, block on stdin (our pipe) and stop the app when it closes.
        const string Script = "dotnet \"$0\" --urls \"$1\" </dev/null & app=$!; echo \"PID $app\"; " +
                              "while read -r _; do :; done; kill -TERM $app 2>/dev/null; " +
                              "for _ in $(seq 100); do kill -0 $app 2>/dev/null || exit 0; sleep 0.1; done; kill -KILL $app 2>/dev/null; wait";
        var psi = new ProcessStartInfo("/bin/bash")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-c", Script, dll, url })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings)
        {
            psi.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var watchdog = Process.Start(psi) ?? throw new InvalidOperationException("Could not start /bin/bash for the web app.");
        var pidLine = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new StringBuilder();
        void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            if (line.StartsWith("PID ", StringComparison.Ordinal) && int.TryParse(line.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                pidLine.TrySetResult(pid);
                return;
            }

            lock (log)
            {
                if (log.Length > 64_000)
                {
                    log.Remove(0, 32_000);
                }

                log.AppendLine(line);
            }
        }

        watchdog.OutputDataReceived += (_, e) => Append(e.Data);
        watchdog.ErrorDataReceived += (_, e) => Append(e.Data);
        watchdog.BeginOutputReadLine();
        watchdog.BeginErrorReadLine();
        var appPid = await pidLine.Task.WaitAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        var app = new WebAppProcess(watchdog, appPid, new Uri(url + "/"));
        lock (log)
        {
            app._log.Append(log);
        }

        watchdog.OutputDataReceived += (_, e) => app.AppendLog(e.Data);
        watchdog.ErrorDataReceived += (_, e) => app.AppendLog(e.Data);
        try
        {
            await app.WaitHealthyAsync(TimeSpan.FromSeconds(120), ct).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return app;
    }

    /// <summary>Forces a full GC in the app and reads its managed heap, working set and open circuits (needs the diagnostics endpoint).</summary>
    public async Task<MemoryReading> ReadMemoryAsync(CancellationToken ct)
    {
        var report = await _http.GetFromJsonAsync<Report>("_diag/memory", ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException("/_diag/memory answered nothing");
        return new MemoryReading(report.ManagedBytes, report.HeapSizeBytes, ReadVmRssBytes(), report.OpenCircuits);
    }

    /// <summary>VmRSS of the app process from /proc/&lt;pid&gt;/status.</summary>
    public long ReadVmRssBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{AppPid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{AppPid}/status has no VmRSS line");
    }

    /// <summary>CPU time (user + system) the app process has used so far.</summary>
    public TimeSpan ReadCpuTime() => ProcessCpu.Of(AppPid);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _http.Dispose();
        try
        {
            _watchdog.StandardInput.Close(); // the watchdog stops the app (TERM, then KILL after 10 s)
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await _watchdog.WaitForExitAsync(bound.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            KillQuietly(AppPid);
            try
            {
                _watchdog.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
        }
        finally
        {
            _watchdog.Dispose();
        }
    }

    private static void KillQuietly(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            p.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // already gone
        }
    }

    private void AppendLog(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            if (_log.Length > 64_000)
            {
                _log.Remove(0, 32_000);
            }

            _log.AppendLine(line);
        }
    }

    private async Task WaitHealthyAsync(TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_watchdog.HasExited)
            {
                throw new InvalidOperationException($"The web app exited during start:\n{RecentOutput}");
            }

            try
            {
                using var response = await _http.GetAsync("healthz", ct).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"The web app did not answer /healthz within {timeout.TotalSeconds:0} s:\n{RecentOutput}");
            }

            await Task.Delay(200, ct).ConfigureAwait(false);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record Report(long ManagedBytes, long HeapSizeBytes, long WorkingSetBytes, int OpenCircuits);
}

/// <summary>One memory reading of the app after a forced full GC.</summary>
public sealed record MemoryReading(long ManagedBytes, long HeapSizeBytes, long VmRssBytes, int OpenCircuits);
