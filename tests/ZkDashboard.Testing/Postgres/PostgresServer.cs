using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace ZkDashboard.Testing.Postgres;

/// <summary>
/// A private PostgreSQL cluster for tests: <c>initdb</c> in a temp directory, <c>pg_ctl start</c> on a free loopback
/// port (trust authentication, loopback only), stopped and deleted on dispose. Runs the server as the
/// <c>postgres</c> system user when the tests run as root (PostgreSQL refuses to run as root). Needs Debian's
/// <c>postgresql</c> package (<c>/usr/lib/postgresql/N/bin</c>); <c>build.sh</c> installs it.
/// Use it as an xUnit class or collection fixture.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string SuperUser = "zkd";
    private string? _dataDir;
    private string? _root;
    private bool _asPostgres;

    /// <summary>The binaries directory (the newest installed version).</summary>
    public string BinDirectory { get; } = FindBinDirectory();

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>A connection string for <paramref name="database"/> (created by the caller or by EF's EnsureCreated).</summary>
    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username={SuperUser};Database={database};Pooling=false;Timeout=15";

    /// <summary>Starts the cluster.</summary>
    public async Task InitializeAsync()
    {
        _asPostgres = Environment.UserName == "root";
        _root = Path.Combine(Path.GetTempPath(), "zkd-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
        _dataDir = Path.Combine(_root, "data");
        if (_asPostgres)
        {
            await RunAsync("/bin/chown", ["postgres:postgres", _root], asPostgres: false).ConfigureAwait(false);
        }
        await RunAsync(Path.Combine(BinDirectory, "initdb"), ["-D", _dataDir, "-U", SuperUser, "-A", "trust", "-E", "UTF8", "--no-sync"], _asPostgres).ConfigureAwait(false);
        Port = FreePort();
        var options = $"-c listen_addresses=127.0.0.1 -c port={Port} -c unix_socket_directories={_root} -c fsync=off -c max_connections=50";
        await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", _dataDir, "-l", Path.Combine(_root, "server.log"), "-o", options, "-w", "-t", "60", "start"], _asPostgres)
            .ConfigureAwait(false);
    }

    /// <summary>Stops the server and deletes its directory.</summary>
    public async Task DisposeAsync()
    {
        if (_dataDir is not null && Directory.Exists(_dataDir))
        {
            try
            {
                await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", _dataDir, "-m", "immediate", "-w", "-t", "30", "stop"], _asPostgres).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Not running (start failed): nothing to stop.
            }
        }
        if (_root is not null && Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static string FindBinDirectory()
    {
        const string basePath = "/usr/lib/postgresql";
        var dir = Directory.Exists(basePath)
            ? Directory.GetDirectories(basePath).Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).FirstOrDefault()
            : null;
        return dir ?? throw new InvalidOperationException(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb). Install Debian's postgresql package (build.sh does it).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<ProcessResult> RunAsync(string file, string[] args, bool asPostgres)
    {
        var psi = new ProcessStartInfo(asPostgres ? "/usr/sbin/runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres)
        {
            foreach (var a in (string[])["-u", "postgres", "--", file])
            {
                psi.ArgumentList.Add(a);
            }
        }
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        var result = new ProcessResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} failed: {result}");
        }
        return result;
    }
}
