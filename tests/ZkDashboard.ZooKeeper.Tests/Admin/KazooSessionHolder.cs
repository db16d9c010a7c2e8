using System.Diagnostics;

namespace ZkDashboard.ZooKeeper.Tests.Admin;

/// <summary>
/// A real kazoo session held open by a python3 child process: it connects to one server, creates a node,
/// sets a data watch on it, prints its session id, and stays until disposed (stdin closed).
/// </summary>
internal sealed class KazooSessionHolder : IAsyncDisposable
{
    private const string Script = """
        import sys
        from kazoo.client import KazooClient
        zk = KazooClient(hosts=sys.argv[1], timeout=20.0)
        zk.start(timeout=30)
        zk.ensure_path(sys.argv[2])
        zk.exists(sys.argv[2], watch=lambda e: None)
        print("SESSION 0x%x" % zk.client_id[0], flush=True)
        sys.stdin.readline()
        zk.stop()
        zk.close()
        """;

    private readonly Process _process;

    private KazooSessionHolder(Process process, long sessionId)
    {
        _process = process;
        SessionId = sessionId;
    }

    public long SessionId { get; }

    /// <summary>As the server prints it: "0x" + lower-case hex.</summary>
    public string SessionIdHex => "0x" + SessionId.ToString("x", System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<KazooSessionHolder> StartAsync(string hostPort, string watchedPath, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Script);
        psi.ArgumentList.Add(hostPort);
        psi.ArgumentList.Add(watchedPath);
        var p = Process.Start(psi) ?? throw new InvalidOperationException("python3 did not start");
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            for (var i = 0; i < 100; i++)
            {
                var line = await p.StandardOutput.ReadLineAsync(cts.Token);
                if (line is null)
                {
                    var err = await p.StandardError.ReadToEndAsync(cts.Token);
                    throw new InvalidOperationException($"kazoo session holder exited: {err}");
                }

                if (line.StartsWith("SESSION 0x", StringComparison.Ordinal))
                {
                    return new KazooSessionHolder(p, Convert.ToInt64(line["SESSION 0x".Length..], 16));
                }
            }

            throw new InvalidOperationException("kazoo session holder printed no session id");
        }
        catch
        {
            p.Kill(entireProcessTree: true);
            p.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.StandardInput.WriteLineAsync();
            _process.StandardInput.Close();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
        }
    }
}
