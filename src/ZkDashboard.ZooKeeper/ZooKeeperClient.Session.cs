using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using ZkDashboard.ZooKeeper.Internal;
using ZkDashboard.ZooKeeper.Protocol;
using ZkDashboard.ZooKeeper.Protocol.Records;

namespace ZkDashboard.ZooKeeper;

public sealed partial class ZooKeeperClient
{
    /// <summary>
    /// The session loop: connect to the next host (shuffled, round robin), run the connection until it
    /// drops, fail what was in flight, back off, repeat — until the session expires, auth fails or the
    /// client closes. A server behind our lastZxidSeen refuses the handshake, so the loop moves on.
    /// </summary>
    private async Task RunSessionAsync()
    {
        var failures = 0;
        var closing = _closeCts.Token;
        while (!closing.IsCancellationRequested && !IsTerminal(State))
        {
            if (SessionLapsed())
            {
                var ms = Volatile.Read(ref _negotiatedTimeoutMs);
                var lapse = $"no server could be reached for longer than the session timeout ({ms} ms); the ensemble has expired the session or will when it sees it";
                TransitionTo(ConnectionState.Expired, null, lapse);
                FailQueued(_ => TerminalException(ConnectionState.Expired, lapse));
                break;
            }
            var host = Interlocked.Exchange(ref _readWriteHost, null) ?? _hosts[_hostIndex];
            _hostIndex = (_hostIndex + 1) % _hosts.Length;
            Connection? conn = null;
            try
            {
                conn = await OpenConnectionAsync(host, closing).ConfigureAwait(false);
            }
            catch (Exception ex) when (!closing.IsCancellationRequested)
            {
                _lastConnectError = $"{host}: {Describe(ex)}";
                Log.ConnectFailed(_logger, host.ToString(), Describe(ex));
                FailQueued(c => new ConnectionLossException($"Not connected to ZooKeeper (last attempt, {host}: {Describe(ex)}); the request to {ErrorMapper.ActionOf(c.OpCode)} {c.ClientPath} was not sent.", c.ClientPath));
                failures++;
                try
                {
                    await Task.Delay(Backoff(failures), closing).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                continue;
            }
            catch (Exception)
            {
                break;
            }

            if (conn.NegotiatedTimeoutMs <= 0)
            {
                await conn.DisposeAsync().ConfigureAwait(false);
                TransitionTo(ConnectionState.Expired, conn.Server, "the server reported the session as expired on reconnect");
                FailQueued(_ => TerminalException(ConnectionState.Expired));
                break;
            }

            var connectedAt = Environment.TickCount64;
            var reason = await RunConnectionAsync(conn).ConfigureAwait(false);
            _connection = null;
            Interlocked.Exchange(ref _lastHeard, conn.LastRecv);
            // A connection that dies at once (a server that accepts and drops us) counts as a failed attempt, so we back off.
            failures = Environment.TickCount64 - connectedAt < 1000 ? failures + 1 : 0;
            var current = State;
            var terminal = reason is AuthFailedException ? ConnectionState.AuthFailed
                : IsTerminal(current) ? current
                : closing.IsCancellationRequested ? ConnectionState.Closed
                : (ConnectionState?)null;
            if (terminal is null) Log.ConnectionLost(_logger, conn.Server, Describe(reason));
            FailInFlight(conn, reason, terminal is { } term ? TerminalException(term, reason is AuthFailedException ? reason.Message : null) : null);
            await conn.DisposeAsync().ConfigureAwait(false);
            if (terminal is { } t)
            {
                TransitionTo(t, conn.Server, reason.Message);
                FailQueued(_ => TerminalException(t));
                break;
            }
            TransitionTo(ConnectionState.Suspended, conn.Server, Describe(reason));
            if (failures > 0)
            {
                try
                {
                    await Task.Delay(Backoff(failures), closing).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Client-side expiry (as Curator does): once a session exists, going longer than its timeout without
    /// hearing from any server means the ensemble expired it (or will as soon as it sees it), so the
    /// client reports Expired instead of retrying forever with a session nobody can trust.
    /// </summary>
    private bool SessionLapsed()
    {
        var timeout = Volatile.Read(ref _negotiatedTimeoutMs);
        var lastHeard = Interlocked.Read(ref _lastHeard);
        return timeout > 0 && lastHeard > 0 && Environment.TickCount64 - lastHeard > timeout;
    }

    private int Backoff(int failures)
    {
        if (failures < _hosts.Length) return Random.Shared.Next(0, 50);
        var exp = Math.Min(1000, 50 << Math.Min(failures - _hosts.Length, 5));
        return exp + Random.Shared.Next(0, 100);
    }

    private static string Describe(Exception? ex) => ex switch
    {
        null => "unknown reason",
        EndOfStreamException => "the server closed the connection",
        OperationCanceledException => "timed out",
        SocketException se => se.Message,
        _ => ex.Message,
    };

    /// <summary>
    /// TCP connect (+ TLS) and the ConnectRequest/ConnectResponse handshake, within one attempt timeout. The name is
    /// resolved asynchronously; the rest runs synchronously on a short-lived thread ("zk-connect host:port", see
    /// <see cref="OpenConnection"/>) so that the socket never sees an async operation. The attempt timeout and closing
    /// the client dispose the socket, which ends a blocked connect, handshake or read at once.
    /// </summary>
    private async Task<Connection> OpenConnectionAsync(HostEndpoint host, CancellationToken closing)
    {
        var sessionMs = (int)Math.Min(int.MaxValue, _options.SessionTimeout.TotalMilliseconds);
        var attemptMs = Math.Clamp(sessionMs / _hosts.Length, 1000, Math.Max(1000, (int)Math.Min(int.MaxValue, _options.ConnectTimeout.TotalMilliseconds)));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(closing);
        cts.CancelAfter(attemptMs);
        var addresses = await Dns.GetHostAddressesAsync(host.Host, cts.Token).ConfigureAwait(false);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var done = new TaskCompletionSource<Connection>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(static state =>
        {
            var (client, h, a, sock, ms, ct, close, tcs) = ((ZooKeeperClient, HostEndpoint, IPAddress[], Socket, int, CancellationToken, CancellationToken, TaskCompletionSource<Connection>))state!;
            try
            {
                tcs.TrySetResult(client.OpenConnection(h, a, sock, ms, ct, close));
            }
            catch (Exception ex)
            {
                tcs.TrySetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = $"zk-connect {host}",
        };
        Connection conn;
        // Registered before the thread starts: a cancel at any point disposes the socket, so the thread cannot stay blocked.
        using (cts.Token.UnsafeRegister(static s => ((Socket)s!).Dispose(), socket))
        {
            thread.UnsafeStart((this, host, addresses, socket, sessionMs, cts.Token, closing, done));
            conn = await done.Task.ConfigureAwait(false);
        }
        // The registration is gone (a running callback finished): a cancel that raced with success disposed this socket.
        if (cts.IsCancellationRequested)
        {
            await conn.DisposeAsync().ConfigureAwait(false);
            throw new OperationCanceledException("the connection attempt timed out or the client closed", cts.Token);
        }
        return conn;
    }

    /// <summary>
    /// The blocking part of <see cref="OpenConnectionAsync"/> (on its own thread): connect, TLS handshake, ConnectRequest
    /// and ConnectResponse. A failure after <paramref name="attempt"/> was cancelled (which disposed the socket) is
    /// reported as the <see cref="OperationCanceledException"/> of the attempt ("timed out").
    /// </summary>
    private Connection OpenConnection(HostEndpoint host, IPAddress[] addresses, Socket socket, int sessionMs, CancellationToken attempt, CancellationToken closing)
    {
        Stream? stream = null;
        try
        {
            ConfigureSocket(socket);
            socket.Connect(addresses, host.Port);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (_options.Tls is { } tls)
            {
                var plain = stream;
                stream = null; // the handshake disposes it when it fails
                stream = TlsHandshake.Authenticate(plain, tls, host, attempt);
            }

            using (var frame = new FrameBuffer(256))
            {
                var start = frame.BeginFrame();
                var w = new JuteWriter(frame);
                // Like ClientCnxn: a session that only ever saw read-only servers is a local throwaway one,
                // so until a read-write server has been seen we ask for a new session.
                var seenRw = Volatile.Read(ref _seenReadWrite);
                new ConnectRequest(WireConstants.ProtocolVersion, LastZxidSeen, sessionMs, seenRw ? SessionId : 0, seenRw ? _sessionPassword : new byte[16], _options.CanBeReadOnly).Write(ref w);
                frame.EndFrame(start);
                stream.Write(frame.WrittenSpan);
            }
            Span<byte> lengthBytes = stackalloc byte[4];
            stream.ReadExactly(lengthBytes);
            var length = BinaryPrimitives.ReadInt32BigEndian(lengthBytes);
            if (length is < 20 or > 4096)
            {
                var detail = "";
                if (length is > 0 and <= 64)
                {
                    var small = new byte[length];
                    stream.ReadExactly(small);
                    detail = " [" + Convert.ToHexString(small) + "]";
                }
                throw new ZooKeeperProtocolException($"Bad handshake reply from {host}: frame length {length}{detail} (is this a ZooKeeper client port?).");
            }
            var body = new byte[length];
            stream.ReadExactly(body);
            var response = Read(body);

            if (response.TimeOut > 0)
            {
                // A send that blocks this long (the server stopped reading) drops the connection, like the read timeout.
                socket.SendTimeout = Math.Max(1, response.TimeOut * 2 / 3);
                if (!response.ReadOnly) Volatile.Write(ref _seenReadWrite, true);
                Interlocked.Exchange(ref _sessionId, response.SessionId);
                Volatile.Write(ref _sessionPassword, response.Passwd);
                Volatile.Write(ref _negotiatedTimeoutMs, response.TimeOut);
                Log.Connected(_logger, host.ToString(), response.SessionId, response.TimeOut, response.ReadOnly);
            }
            return new Connection(host, socket, stream, response.TimeOut, response.ReadOnly, closing);
        }
        catch (Exception ex)
        {
            stream?.Dispose();
            socket.Dispose();
            if (attempt.IsCancellationRequested && ex is not OperationCanceledException) throw new OperationCanceledException("the connection attempt timed out or the client closed", ex, attempt);
            throw;
        }

        static ConnectResponse Read(byte[] body)
        {
            var r = new JuteReader(body);
            return ConnectResponse.Read(ref r);
        }
    }

    /// <summary>Runs the writer, reader and ping loops of a connection until one of them stops; returns why.</summary>
    private async Task<Exception> RunConnectionAsync(Connection conn)
    {
        AuthInfo[] auths;
        lock (_auth) auths = [.. _auth];
        foreach (var auth in auths) conn.Preamble.Add(new AuthRequest(auth, null));
        var (data, exist, child, persistent, recursive) = _watches.Snapshot();
        var total = data.Count + exist.Count + child.Count + persistent.Count + recursive.Count;
        if (total > 0)
        {
            var chunks = SetWatches2.Chunk(LastZxidSeen, ToServer(data), ToServer(exist), ToServer(child), ToServer(persistent), ToServer(recursive));
            Log.RestoringWatches(_logger, total, chunks.Count, LastZxidSeen);
            conn.Preamble.AddRange(chunks);
        }

        _connection = conn;
        var reader = StartReader(conn);
        var writer = Task.Run(() => WriterLoopAsync(conn));
        var pinger = PingLoopAsync(conn);
        var probe = conn.ReadOnly && _hosts.Length > 1 ? ProbeReadWriteAsync(conn) : Task.CompletedTask;
        TransitionTo(conn.ReadOnly ? ConnectionState.ConnectedReadOnly : ConnectionState.Connected, conn.Server,
            $"session 0x{SessionId:x}, timeout {conn.NegotiatedTimeoutMs} ms");
        await Task.WhenAny(reader, writer, pinger).ConfigureAwait(false);
        conn.Abort(new ConnectionLossException("connection stopped"));
        await Task.WhenAll(writer, pinger, probe).ConfigureAwait(false);
        try
        {
            // The aborted socket ends a read at once; a reader still busy is running a continuation that blocks
            // (see README: continuations run on the reader). The calls in flight are failed anyway, so it cannot hang.
            await reader.WaitAsync(TimeSpan.FromMilliseconds(500)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.ReaderBlocked(_logger, conn.Server);
        }
        return conn.Failure ?? new ConnectionLossException("connection stopped");

        List<string> ToServer(List<string> paths)
        {
            for (var i = 0; i < paths.Count; i++)
                if (paths[i] != "/zookeeper/config") paths[i] = _chroot.ToServer(paths[i]);
            return paths;
        }
    }

    /// <summary>
    /// Socket options of a connection, set before connecting. Writes are blocking sends by the thread that flushes
    /// (<see cref="KickWriter"/>), so the send buffer is made large enough (1 MiB asked; Linux doubles it, within
    /// net.core.wmem_max) that a batch (at most 256 KiB) nearly always fits at once and the send returns without waiting
    /// for the server. A send that has to wait blocks its caller only until the server reads; one blocked longer than
    /// the read timeout fails (SO_SNDTIMEO, set after the handshake) and drops the connection.
    /// </summary>
    private static void ConfigureSocket(Socket socket)
    {
        socket.NoDelay = true;
        socket.SendBufferSize = SocketSendBufferBytes;
    }

    private const int SocketSendBufferBytes = 1024 * 1024;

    /// <summary>
    /// While connected to a read-only server, looks for a read-write one like ClientCnxn.pingRwServer:
    /// sends the "isro" four-letter word to the other hosts with a growing interval (100 ms .. 60 s) and,
    /// when one answers "rw", drops the read-only connection to move there (the session is kept).
    /// Needs "isro" in the servers' 4lw.commands.whitelist.
    /// </summary>
    private async Task ProbeReadWriteAsync(Connection conn)
    {
        var delay = 100;
        try
        {
            while (!conn.Token.IsCancellationRequested)
            {
                await Task.Delay(delay, conn.Token).ConfigureAwait(false);
                delay = Math.Min(delay * 2, 60_000);
                foreach (var host in _hosts)
                {
                    if (host == conn.Host) continue;
                    if (await IsReadWriteAsync(host, conn.Token).ConfigureAwait(false))
                    {
                        Volatile.Write(ref _readWriteHost, host);
                        conn.Abort(new ConnectionLossException($"moving from read-only {conn.Server} to read-write {host}"));
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task<bool> IsReadWriteAsync(HostEndpoint host, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(1000);
        try
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(host.Host, host.Port, cts.Token).ConfigureAwait(false);
            await socket.SendAsync("isro"u8.ToArray(), SocketFlags.None, cts.Token).ConfigureAwait(false);
            var buffer = new byte[16];
            var total = 0;
            while (total < buffer.Length)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(total), SocketFlags.None, cts.Token).ConfigureAwait(false);
                if (n == 0) break;
                total += n;
            }
            return total == 2 && buffer[0] == (byte)'r' && buffer[1] == (byte)'w';
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException)
        {
            ct.ThrowIfCancellationRequested();
            return false;
        }
    }

    private async Task PingLoopAsync(Connection conn)
    {
        var readTimeout = conn.ReadTimeoutMs;
        var pingAfter = Math.Max(1, readTimeout / 3);
        var tick = Math.Clamp(readTimeout / 8, 10, 1000);
        try
        {
            while (true)
            {
                await Task.Delay(tick, conn.Token).ConfigureAwait(false);
                var now = Environment.TickCount64;
                if (now - conn.LastRecv > readTimeout)
                {
                    conn.Abort(new ConnectionLossException($"no reply from {conn.Server} within the read timeout ({readTimeout} ms, 2/3 of the session timeout)"));
                    return;
                }
                if (now - conn.LastSend >= pingAfter)
                {
                    conn.LastSend = now;
                    if (_requests.Writer.TryWrite(PingRequest.Instance)) KickWriter();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Fails every request written on a dropped connection (writes: outcome unknown) and its auth waiters.</summary>
    private void FailInFlight(Connection conn, Exception reason, Exception? terminal)
    {
        var why = Describe(reason);
        while (conn.Pending.TryDequeue(out var call))
        {
            if (terminal is not null && call.OpCode != OpCode.CloseSession)
            {
                call.Fail(terminal);
                continue;
            }
            var path = call.ClientPath;
            var action = ErrorMapper.ActionOf(call.OpCode);
            call.Fail(call.IsWrite
                ? new OperationOutcomeUnknownException($"The connection to {conn.Server} was lost before the reply to the request to {action} {path ?? "(no path)"} ({why}): it may or may not have been applied. Read the node to find out.", path, reason)
                : new ConnectionLossException($"The connection to {conn.Server} was lost before the reply to the request to {action} {path ?? "(no path)"} ({why}); it is safe to retry.", path, reason));
        }
        while (conn.Auths.TryDequeue(out var auth))
            auth.Done?.TrySetException(terminal ?? new ConnectionLossException($"The connection to {conn.Server} was lost before the auth reply ({why}); the credentials are re-sent on reconnect."));
    }

    /// <summary>Fails requests still in the write queue (never sent). Only called while no writer loop runs.</summary>
    private void FailQueued(Func<IPendingCall, Exception> error)
    {
        while (_requests.Reader.TryRead(out var item))
        {
            switch (item)
            {
                case IPendingCall call:
                    call.Fail(error(call));
                    break;
                case AuthRequest auth:
                    auth.Done?.TrySetException(new ConnectionLossException("Not connected; the credentials were kept and are sent on the next connection."));
                    break;
            }
        }
    }
}
