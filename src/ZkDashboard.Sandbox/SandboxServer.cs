using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ZkDashboard.Sandbox;

/// <summary>One real ZooKeeper server of a <see cref="SandboxEnsemble"/>, with controls for fault tests.</summary>
public sealed class SandboxServer
{
    private static readonly TimeSpan FourLetterWordTimeout = TimeSpan.FromSeconds(3);
    private readonly SandboxEnsemble _owner;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ServerProcess? _process;
    private volatile bool _paused;

    internal SandboxServer(SandboxEnsemble owner, int id, int clientPort, int quorumPort, int electionPort, string directory)
    {
        _owner = owner;
        Id = id;
        ClientPort = clientPort;
        QuorumPort = quorumPort;
        ElectionPort = electionPort;
        Directory = directory;
    }

    /// <summary>The server's myid (1-based).</summary>
    public int Id { get; }

    public int ClientPort { get; }

    public int QuorumPort { get; }

    public int ElectionPort { get; }

    /// <summary>The TLS client port (<c>secureClientPort</c>), 0 when the sandbox has no TLS.</summary>
    public int SecureClientPort { get; internal init; }

    /// <summary>"127.0.0.1:port" of the TLS client port (null without TLS).</summary>
    public string? SecureHostPort => SecureClientPort == 0 ? null : "127.0.0.1:" + SecureClientPort.ToString(CultureInfo.InvariantCulture);

    /// <summary>"127.0.0.1:port" of the client port.</summary>
    public string HostPort => "127.0.0.1:" + ClientPort.ToString(CultureInfo.InvariantCulture);

    /// <summary>The server's own directory: zoo.cfg, data/ (with myid), server.log.</summary>
    public string Directory { get; }

    public string ConfigPath => Path.Combine(Directory, "zoo.cfg");

    public string DataDirectory => Path.Combine(Directory, "data");

    public string LogPath => Path.Combine(Directory, "server.log");

    /// <summary>PID of the java process while it runs.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Pid : null;

    /// <summary>The java process is alive (it may be paused).</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Stopped with SIGSTOP and not resumed yet.</summary>
    public bool IsPaused => _paused && IsRunning;

    /// <summary>Starts java and waits until the server answers <c>ruok</c>. It serves clients only once it is in a
    /// quorum: use <see cref="SandboxEnsemble.WaitForQuorumAsync"/>. No-op when already running.</summary>
    public Task StartAsync() => StartAsync(CancellationToken.None);

    public async Task StartAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (IsRunning)
            {
                return;
            }

            ReleaseExited();
            _paused = false;
            await File.AppendAllTextAsync(LogPath, $"==== sandbox: starting server {Id} at {DateTime.UtcNow:O}{Environment.NewLine}", ct).ConfigureAwait(false);
            _process = await ServerProcess.StartAsync(_owner.Setsid, LogPath, _owner.BuildCommand(this), ct).ConfigureAwait(false);
            _owner.Log($"server {Id} started (pid {_process.Pid}, {HostPort})");
            await WaitUntilListeningAsync(_owner.Options.StartTimeout, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Graceful stop: SIGTERM, then SIGKILL after a few seconds.</summary>
    public async Task StopAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_process is { } p)
            {
                await p.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                _owner.Log($"server {Id} stopped");
            }

            _process = null;
            _paused = false;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>kill -9 of the java process (and its watchdog).</summary>
    public async Task KillAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_process is { } p)
            {
                await p.KillAsync().ConfigureAwait(false);
                _owner.Log($"server {Id} killed");
            }

            _process = null;
            _paused = false;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>SIGSTOP: the process stays alive but answers nothing (a hung server). Returns once the kernel reports it stopped.</summary>
    public async Task PauseAsync()
    {
        var p = _process is { HasExited: false } running ? running : throw new InvalidOperationException($"Server {Id} is not running; start it before pausing it.");
        if (!p.Signal(Native.SigStop) || !await Native.WaitForStoppedAsync(p.Pid, stopped: true, TimeSpan.FromSeconds(10)).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"Server {Id} (pid {p.Pid}) could not be stopped with SIGSTOP; it has probably just exited.");
        }

        _paused = true;
    }

    /// <summary>SIGCONT after <see cref="PauseAsync"/>; returns once the process runs again.</summary>
    public async Task ResumeAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Signal(Native.SigCont);
            await Native.WaitForStoppedAsync(p.Pid, stopped: false, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }

        _paused = false;
    }

    /// <summary>Stop (graceful) and start again on the same ports and data.</summary>
    public async Task RestartAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await StartAsync().ConfigureAwait(false);
    }

    /// <summary>Sends a four-letter word and returns the raw reply, read to EOF.</summary>
    public async Task<string> SendFourLetterWordAsync(string word, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(word);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(FourLetterWordTimeout);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, ClientPort), timeout.Token).ConfigureAwait(false);
            await socket.SendAsync(Encoding.ASCII.GetBytes(word), SocketFlags.None, timeout.Token).ConfigureAwait(false);
            var buffer = new byte[8192];
            using var reply = new MemoryStream();
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                reply.Write(buffer, 0, n);
            }

            return Encoding.UTF8.GetString(reply.GetBuffer(), 0, (int)reply.Length);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"Server {Id} ({HostPort}) did not answer '{word}' within {FourLetterWordTimeout.TotalSeconds:0} s.");
        }
    }

    /// <summary>"leader" | "follower" | "standalone" | "observer", or null when the server is not serving.</summary>
    public async Task<string?> GetModeAsync(CancellationToken ct = default)
    {
        if (!IsRunning || IsPaused)
        {
            return null;
        }

        try
        {
            var srvr = await SendFourLetterWordAsync("srvr", ct).ConfigureAwait(false);
            foreach (var line in srvr.Split('\n'))
            {
                if (line.StartsWith("Mode:", StringComparison.Ordinal))
                {
                    return line["Mode:".Length..].Trim();
                }
            }

            return null;
        }
        catch (Exception e) when (e is SocketException or TimeoutException or IOException)
        {
            return null;
        }
    }

    /// <summary>The last lines of this server's log, for error messages.</summary>
    public string ReadLogTail(int lines = 25)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length > 64 * 1024)
            {
                stream.Seek(-64 * 1024, SeekOrigin.End);
            }

            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException e)
        {
            return $"(no log at {LogPath}: {e.Message})";
        }
    }

    internal bool LogShowsBindFailure()
    {
        var tail = ReadLogTail(300);
        var start = tail.LastIndexOf("==== sandbox: starting", StringComparison.Ordinal);
        if (start > 0)
        {
            tail = tail[start..];
        }

        return tail.Contains("Address already in use", StringComparison.Ordinal)
            || tail.Contains("BindException", StringComparison.Ordinal);
    }

    /// <summary>Kills without waiting for the gate; used by dispose and emergency paths.</summary>
    internal async Task ForceKillAsync()
    {
        if (_process is { } p)
        {
            await p.KillAsync().ConfigureAwait(false);
        }

        _process = null;
        _paused = false;
    }

    private void ReleaseExited()
    {
        if (_process is { HasExited: true } p)
        {
            p.Release();
            _process = null;
        }
    }

    private async Task WaitUntilListeningAsync(TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_process is not { } p || p.HasExited)
            {
                var code = _process?.ExitCode;
                _process?.Release();
                _process = null;
                var tail = ReadLogTail();
                if (LogShowsBindFailure())
                {
                    throw new SandboxPortInUseException($"Server {Id} could not bind its ports (client {ClientPort}, quorum {QuorumPort}, election {ElectionPort}): another process uses one. Log {LogPath}:\n{tail}");
                }

                throw new SandboxException($"Server {Id} exited during start (exit code {code}). Log {LogPath}:\n{tail}");
            }

            try
            {
                var reply = await SendFourLetterWordAsync("ruok", ct).ConfigureAwait(false);
                if (reply.StartsWith("imok", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception e) when (e is SocketException or TimeoutException or IOException)
            {
                // not listening yet
            }

            if (LogShowsBindFailure())
            {
                await ForceKillAsync().ConfigureAwait(false);
                throw new SandboxPortInUseException($"Server {Id} could not bind its ports (client {ClientPort}, quorum {QuorumPort}, election {ElectionPort}): another process uses one. Log {LogPath}:\n{ReadLogTail()}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new SandboxException($"Server {Id} did not open its client port {ClientPort} within {timeout.TotalSeconds:0} s. Log {LogPath}:\n{ReadLogTail()}");
            }

            await Task.Delay(50, ct).ConfigureAwait(false);
        }
    }
}
