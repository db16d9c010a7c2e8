using System.Globalization;
using System.Text;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Sandbox;

/// <summary>
/// N real ZooKeeper servers on free loopback ports, each in its own directory and under a watchdog, so no java
/// process outlives its owner (dispose, Ctrl+C/SIGTERM, or the owner being killed).
/// </summary>
public sealed class SandboxEnsemble : IAsyncDisposable
{
    /// <summary>How often the deadline-bounded waits (leader, quorum, data-dir removal) look again.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Environment variable naming the parent directory of default data roots (build.sh sets it to find leftovers).</summary>
    public const string RootEnvironmentVariable = "ZKDASHBOARD_SANDBOX_ROOT";

    /// <summary>Digest user that ZooKeeper treats as super user (all permissions, reconfig).</summary>
    public const string SuperUser = "super";

    private readonly bool _ownsDataRoot;
    private readonly ZooKeeperInstallation _installation;
    private List<SandboxServer> _servers = [];
    private int _disposed;

    private SandboxEnsemble(SandboxOptions options, ZooKeeperInstallation installation, string dataRoot, bool ownsDataRoot, string setsid)
    {
        Options = options;
        _installation = installation;
        DataRoot = dataRoot;
        _ownsDataRoot = ownsDataRoot;
        Setsid = setsid;
    }

    public SandboxOptions Options { get; }

    /// <summary>"127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3".</summary>
    public string ConnectString => string.Join(',', _servers.Select(s => s.HostPort));

    public IReadOnlyList<SandboxServer> Servers => _servers;

    /// <summary>The connect string of the TLS client ports (null when <see cref="SandboxOptions.Tls"/> is off).</summary>
    public string? SecureConnectString => Tls is null ? null : string.Join(',', _servers.Select(s => s.SecureHostPort));

    /// <summary>The CA and server certificate of the TLS client ports (null when <see cref="SandboxOptions.Tls"/> is off).</summary>
    public SandboxTlsMaterial? Tls { get; private set; }

    /// <summary>Directory holding one sub-directory per server.</summary>
    public string DataRoot { get; }

    /// <summary>Password of <see cref="SuperUser"/> (digest scheme): <c>AddAuthAsync("digest", "super:" + SuperPassword)</c>.</summary>
    public string SuperPassword => Options.SuperPassword;

    /// <summary>Where the servers come from (for logs).</summary>
    public string InstallationDescription => _installation.Description;

    /// <summary>Receives one line per lifecycle event (start, stop, kill); null by default.</summary>
    public Action<string>? Logger { get; set; }

    internal string Setsid { get; }

    /// <summary>Starts the servers and waits until they form a quorum with exactly one leader.</summary>
    public static async Task<SandboxEnsemble> StartAsync(SandboxOptions? options = null, CancellationToken ct = default)
    {
        options ??= new SandboxOptions();
        options.Validate();
        var installation = ZooKeeperInstallation.Find();
        var setsid = ZooKeeperInstallation.FindSetsid();
        var ownsDataRoot = options.DataRoot is null;
        if (ownsDataRoot)
        {
            SweepStaleRoots();
        }

        var dataRoot = options.DataRoot ?? Path.Combine(DefaultRootParent(), $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(dataRoot);
        var ensemble = new SandboxEnsemble(options, installation, Path.GetFullPath(dataRoot), ownsDataRoot, setsid);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await ensemble.StartOnFreshPortsAsync(ct).ConfigureAwait(false);
                    return ensemble;
                }
                catch (SandboxPortInUseException) when (attempt <= options.PortRetries)
                {
                    await ensemble.KillAllAsync().ConfigureAwait(false);
                }
            }
        }
        catch
        {
            await ensemble.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The parent directory of default data roots.</summary>
    public static string DefaultRootParent()
    {
        var fromEnv = Environment.GetEnvironmentVariable(RootEnvironmentVariable);
        return string.IsNullOrWhiteSpace(fromEnv) ? Path.Combine(Path.GetTempPath(), "zkdashboard-sandbox") : Path.GetFullPath(fromEnv);
    }

    /// <summary>Waits until exactly one running server reports "leader" (or "standalone") and returns it.</summary>
    public async Task<SandboxServer> WaitForLeaderAsync(TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var limit = timeout ?? Options.StartTimeout;
        var deadline = DateTime.UtcNow + limit;
        var last = "";
        while (true)
        {
            var modes = await GetModesAsync(ct).ConfigureAwait(false);
            var leaders = modes.Where(m => m.Mode is "leader" or "standalone").ToList();
            if (leaders.Count == 1)
            {
                return leaders[0].Server;
            }

            last = Describe(modes);
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No single leader within {limit.TotalSeconds:0} s ({last}).{LogTails()}");
            }

            await Task.Delay(PollInterval, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until every running, unpaused server serves (has a mode) and exactly one is the leader.</summary>
    public async Task WaitForQuorumAsync(TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var limit = timeout ?? Options.StartTimeout;
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var modes = await GetModesAsync(ct).ConfigureAwait(false);
            var active = modes.Where(m => m.Server.IsRunning && !m.Server.IsPaused).ToList();
            if (active.Count > 0
                && active.All(m => m.Mode is not null)
                && active.Count(m => m.Mode is "leader" or "standalone") == 1
                && await LeaderSeesFollowersSyncedAsync(active, ct).ConfigureAwait(false))
            {
                return;
            }

            if (!_servers.Any(s => s.IsRunning))
            {
                throw new SandboxException($"No server of the ensemble is running ({Describe(modes)}).{LogTails()}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The ensemble did not form a quorum within {limit.TotalSeconds:0} s ({Describe(modes)}).{LogTails()}");
            }

            await Task.Delay(PollInterval, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Stops every server gracefully (whole-ensemble outage).</summary>
    public Task StopAllAsync() => Task.WhenAll(_servers.Select(s => s.StopAsync()));

    /// <summary>Starts every server that is not running and waits for the quorum.</summary>
    public async Task StartAllAsync()
    {
        await Task.WhenAll(_servers.Select(s => s.StartAsync())).ConfigureAwait(false);
        await WaitForQuorumAsync().ConfigureAwait(false);
    }

    /// <summary>Kills every server (SIGKILL, paused ones too) and deletes the data root unless it was given.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await KillAllAsync().ConfigureAwait(false);
        Tls?.Dispose();
        if (_ownsDataRoot)
        {
            for (var i = 0; i < 5; i++)
            {
                try
                {
                    if (Directory.Exists(DataRoot))
                    {
                        Directory.Delete(DataRoot, recursive: true);
                    }

                    break;
                }
                catch (IOException)
                {
                    await Task.Delay(PollInterval).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Deletes default data roots left by owners that were killed (their pid is in the name and is gone).</summary>
    private static void SweepStaleRoots()
    {
        var parent = DefaultRootParent();
        if (!Directory.Exists(parent))
        {
            return;
        }

        foreach (var dir in Directory.EnumerateDirectories(parent))
        {
            var parts = Path.GetFileName(dir).Split('-');
            if (parts.Length == 4 && int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var owner)
                && owner != Environment.ProcessId && !Native.IsAlive(owner))
            {
                try
                {
                    Directory.Delete(dir, recursive: true);
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
    }

    internal void Log(string message) => Logger?.Invoke(message);

    internal IReadOnlyList<string> BuildCommand(SandboxServer server)
    {
        var args = new List<string>
        {
            _installation.JavaPath,
            "-Xmx" + Options.MaxHeap,
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xshare:auto",
            "-XX:-UsePerfData",
            "-Djava.awt.headless=true",
            "-Dzookeeper.forceSync=no",
            "-Dzookeeper.admin.enableServer=false",
            "-Dzookeeper.DigestAuthenticationProvider.superDigest=" + SuperDigest(Options.SuperPassword),
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
            "-Dzkdashboard.sandbox.owner=" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
        };
        if (Options.ExtendedTypes)
        {
            args.Add("-Dzookeeper.extendedTypesEnabled=true");
        }

        if (Options.Tls is { } tls && Tls is { } material)
        {
            args.AddRange(material.JvmArgs(tls));
        }

        args.AddRange(Options.ExtraJvmArgs);
        args.Add("-cp");
        args.Add(Options.Tls is null ? _installation.ClassPath : SandboxTlsMaterial.NettyClassPath(_installation.ClassPath));
        args.Add(ZooKeeperInstallation.MainClass);
        args.Add(server.ConfigPath);
        return args;
    }

    private static string SuperDigest(string password) => DigestAuth.MakeDigestId(SuperUser, password);

    private async Task StartOnFreshPortsAsync(CancellationToken ct)
    {
        var n = Options.Servers;
        var stride = Options.Tls is null ? 3 : 4;
        var ports = PortAllocator.Allocate(stride * n);
        if (Options.Tls is not null && Tls is null)
        {
            Tls = SandboxTlsMaterial.Create(Path.Combine(DataRoot, "tls"));
        }
        var servers = new List<SandboxServer>(n);
        for (var i = 0; i < n; i++)
        {
            var dir = Path.Combine(DataRoot, "server" + (i + 1).ToString(CultureInfo.InvariantCulture));
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }

            servers.Add(new SandboxServer(this, i + 1, ports[stride * i], ports[(stride * i) + 1], ports[(stride * i) + 2], dir)
            {
                SecureClientPort = stride == 4 ? ports[(stride * i) + 3] : 0,
            });
        }

        _servers = servers;
        foreach (var server in servers)
        {
            WriteConfig(server, servers);
        }

        await Task.WhenAll(servers.Select(s => s.StartAsync(ct))).ConfigureAwait(false);
        try
        {
            await WaitForQuorumAsync(Options.StartTimeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException) when (servers.Any(s => s.LogShowsBindFailure()))
        {
            throw new SandboxPortInUseException($"A server could not bind a quorum or election port.{LogTails()}");
        }
    }

    private void WriteConfig(SandboxServer server, IReadOnlyList<SandboxServer> all)
    {
        Directory.CreateDirectory(server.DataDirectory);
        File.WriteAllText(Path.Combine(server.DataDirectory, "myid"), server.Id.ToString(CultureInfo.InvariantCulture) + "\n");
        var cfg = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["tickTime"] = Options.TickTimeMs.ToString(CultureInfo.InvariantCulture),
            ["initLimit"] = Options.InitLimit.ToString(CultureInfo.InvariantCulture),
            ["syncLimit"] = Options.SyncLimit.ToString(CultureInfo.InvariantCulture),
            ["dataDir"] = server.DataDirectory,
            ["clientPortAddress"] = "127.0.0.1",
            ["4lw.commands.whitelist"] = "*",
            ["admin.enableServer"] = "false",
            ["maxClientCnxns"] = "0",
            ["minSessionTimeout"] = Options.MinSessionTimeoutMs.ToString(CultureInfo.InvariantCulture),
            ["maxSessionTimeout"] = Options.MaxSessionTimeoutMs.ToString(CultureInfo.InvariantCulture),
            ["autopurge.purgeInterval"] = "0",
        };
        if (Options.Reconfig)
        {
            cfg["reconfigEnabled"] = "true";
            cfg["standaloneEnabled"] = "false";
            cfg.Remove("clientPortAddress");
        }
        else
        {
            cfg["clientPort"] = server.ClientPort.ToString(CultureInfo.InvariantCulture);
        }

        if (server.SecureClientPort != 0)
        {
            cfg["secureClientPort"] = server.SecureClientPort.ToString(CultureInfo.InvariantCulture);
            cfg["secureClientPortAddress"] = "127.0.0.1";
        }

        foreach (var (key, value) in Options.ExtraConfig)
        {
            cfg[key] = value;
        }

        var sb = new StringBuilder();
        sb.Append("# Generated by ZkDashboard.Sandbox\n");
        foreach (var (key, value) in cfg)
        {
            sb.Append(key).Append('=').Append(value).Append('\n');
        }

        if (all.Count > 1 || Options.Reconfig)
        {
            foreach (var s in all)
            {
                sb.Append(CultureInfo.InvariantCulture, $"server.{s.Id}=127.0.0.1:{s.QuorumPort}:{s.ElectionPort}");
                if (Options.Reconfig)
                {
                    sb.Append(CultureInfo.InvariantCulture, $":participant;127.0.0.1:{s.ClientPort}");
                }

                sb.Append('\n');
            }
        }

        File.WriteAllText(server.ConfigPath, sb.ToString());
    }

    private async Task<List<(SandboxServer Server, string? Mode)>> GetModesAsync(CancellationToken ct)
    {
        var servers = _servers;
        var modes = await Task.WhenAll(servers.Select(s => s.GetModeAsync(ct))).ConfigureAwait(false);
        return servers.Select((s, i) => (s, modes[i])).ToList();
    }

    /// <summary>A follower that was paused can still say "follower" while the leader has dropped it; the leader's
    /// <c>mntr</c> count of synced followers settles that.</summary>
    private static async Task<bool> LeaderSeesFollowersSyncedAsync(List<(SandboxServer Server, string? Mode)> active, CancellationToken ct)
    {
        var followers = active.Count(m => m.Mode == "follower");
        if (followers == 0)
        {
            return true;
        }

        var leader = active.First(m => m.Mode == "leader").Server;
        try
        {
            var mntr = await leader.SendFourLetterWordAsync("mntr", ct).ConfigureAwait(false);
            foreach (var line in mntr.Split('\n'))
            {
                var parts = line.Split('\t');
                if (parts.Length == 2 && parts[0] == "zk_synced_followers"
                    && double.TryParse(parts[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var synced))
                {
                    return synced >= followers;
                }
            }

            return true; // a server without that metric: trust the modes
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or TimeoutException or IOException)
        {
            return false;
        }
    }

    private static string Describe(List<(SandboxServer Server, string? Mode)> modes) =>
        string.Join(", ", modes.Select(m => $"server {m.Server.Id}: " + (m.Server.IsPaused ? "paused" : !m.Server.IsRunning ? "not running" : m.Mode ?? "not serving")));

    private string LogTails() =>
        string.Concat(_servers.Select(s => $"\n--- server {s.Id} log tail ({s.LogPath}) ---\n{s.ReadLogTail(12)}"));

    private async Task KillAllAsync() => await Task.WhenAll(_servers.Select(s => s.ForceKillAsync())).ConfigureAwait(false);
}
