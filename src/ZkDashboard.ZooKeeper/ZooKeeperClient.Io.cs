using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using ZkDashboard.ZooKeeper.Internal;
using ZkDashboard.ZooKeeper.Protocol;
using ZkDashboard.ZooKeeper.Protocol.Records;

namespace ZkDashboard.ZooKeeper;

public sealed partial class ZooKeeperClient
{
    private const int MaxBatchBytes = 256 * 1024;
    private const int ReadBufferSize = 64 * 1024;
    /// <summary>A continuation that keeps the reader this long is logged (once per connection).</summary>
    private const double SlowContinuationMs = 100;

    /// <summary>The connection whose reader is completing a batch of replies on this thread (its flush is deferred to the batch's end).</summary>
    [ThreadStatic]
    private static Connection? t_readerBatch;

    /// <summary>The client whose <see cref="Pipeline{T}"/> runs on this thread, and whether a request of it was queued meanwhile.</summary>
    [ThreadStatic]
    private static ZooKeeperClient? t_pipelining;
    [ThreadStatic]
    private static bool t_pipelined;

    /// <summary>Whether a request is queued and not yet taken by a flush (tests).</summary>
    internal bool HasQueuedRequests => _requests.Reader.TryPeek(out _);

    /// <summary>
    /// Runs <paramref name="issue"/>, which starts calls on this client without awaiting them, and writes the requests it
    /// queued together when it returns (one socket write for all of them instead of one each; ZooKeeper then also reads
    /// them in one go). Returns what <paramref name="issue"/> returns, typically the calls' tasks. Only the synchronous
    /// part of <paramref name="issue"/> is covered; what it queued is written even when it throws.
    /// </summary>
    public T Pipeline<T>(Func<T> issue)
    {
        ArgumentNullException.ThrowIfNull(issue);
        if (ReferenceEquals(t_pipelining, this)) return issue();
        var outer = t_pipelining;
        var outerQueued = t_pipelined;
        t_pipelining = this;
        t_pipelined = false;
        try
        {
            return issue();
        }
        finally
        {
            var queued = t_pipelined;
            t_pipelining = outer;
            t_pipelined = outerQueued;
            if (queued) KickWriter();
        }
    }

    /// <summary>
    /// The writer of a connection: sends the preamble (re-auth, SetWatches2), then opens the connection to
    /// <see cref="KickWriter"/>, which writes on the thread that queued a request (no hand-off to a writer
    /// thread); returns when the connection drops or the client ends, once no flush is running any more.
    /// Every socket operation of a connection is synchronous (see <see cref="OpenConnection"/>): the socket stays a
    /// blocking one, so the reader thread's reads are plain blocking reads.
    /// </summary>
    private async Task WriterLoopAsync(Connection conn)
    {
        var buffer = conn.WriteBuffer;
        var ct = conn.Token;
        try
        {
            foreach (var item in conn.Preamble) Serialize(buffer, conn, item);
            if (buffer.WrittenCount > 0)
            {
                conn.Stream.Write(buffer.WrittenSpan);
                conn.LastSend = Environment.TickCount64;
                buffer.Reset();
            }
            // Still the owner: drain what was queued before and during the preamble, then release.
            Flush(conn, owned: true);
            await _requests.Reader.Completion.WaitAsync(ct).ConfigureAwait(false);
            conn.Abort(TerminalException(State));
        }
        catch (Exception ex)
        {
            conn.Abort(ex);
        }
        finally
        {
            // No flush may start or still run once this returns: FailInFlight then sees every request put in Pending.
            while (Interlocked.CompareExchange(ref conn.WriteState, Connection.WriteClosed, Connection.WriteIdle) == Connection.WriteBusy)
                await Task.Delay(1, CancellationToken.None).ConfigureAwait(false);
            buffer.Dispose();
        }
    }

    /// <summary>
    /// Makes sure what is queued gets written: when no flush runs on the current connection, the calling
    /// thread becomes the flusher (it serializes everything queued and writes it with a blocking send: no thread
    /// hand-off; the send returns once the bytes are in the socket's send buffer, see <see cref="ConfigureSocket"/>).
    /// On the reader thread, during a batch of replies, the flush is deferred to the end of the batch so that
    /// requests issued by continuations go out together.
    /// </summary>
    private void KickWriter()
    {
        if (ReferenceEquals(t_pipelining, this))
        {
            t_pipelined = true;
            return;
        }
        var conn = _connection;
        if (conn is null) return;
        if (ReferenceEquals(t_readerBatch, conn))
        {
            conn.FlushDeferred = true;
            return;
        }
        if (Interlocked.CompareExchange(ref conn.WriteState, Connection.WriteBusy, Connection.WriteIdle) != Connection.WriteIdle) return;
        Flush(conn, owned: true);
    }

    /// <summary>Runs while owning <see cref="Connection.WriteState"/>; releases it when the queue is empty. Never throws: a failed write drops the connection.</summary>
    private void Flush(Connection conn, bool owned)
    {
        var buffer = conn.WriteBuffer;
        var reader = _requests.Reader;
        try
        {
            while (owned)
            {
                var ct = conn.Token;
                if (ct.IsCancellationRequested) break;
                while (buffer.WrittenCount < MaxBatchBytes && reader.TryRead(out var item)) Serialize(buffer, conn, item);
                if (buffer.WrittenCount == 0)
                {
                    Volatile.Write(ref conn.WriteState, Connection.WriteIdle);
                    // A request queued after the last TryRead saw the flusher busy and left it to us: take it back.
                    owned = reader.TryPeek(out _)
                        && Interlocked.CompareExchange(ref conn.WriteState, Connection.WriteBusy, Connection.WriteIdle) == Connection.WriteIdle;
                    continue;
                }
                conn.Stream.Write(buffer.WrittenSpan);
                conn.LastSend = Environment.TickCount64;
                buffer.Reset();
            }
        }
        catch (Exception ex)
        {
            conn.Abort(ex);
        }
        finally
        {
            if (owned)
            {
                buffer.Truncate(0);
                Volatile.Write(ref conn.WriteState, Connection.WriteIdle);
            }
        }
    }

    private void Serialize(FrameBuffer buffer, Connection conn, object item)
    {
        var start = buffer.WrittenCount;
        switch (item)
        {
            case IPendingCall call:
            {
                if (!call.TryMarkSent()) return;
                var xid = _xid;
                _xid = xid == int.MaxValue ? Xids.First : xid + 1;
                call.Xid = xid;
                var frame = buffer.BeginFrame();
                var w = new JuteWriter(buffer);
                new RequestHeader(xid, call.OpCode).Write(ref w);
                try
                {
                    call.WriteBody(ref w);
                }
                catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
                {
                    buffer.Truncate(start);
                    call.Fail(ex);
                    return;
                }
                buffer.EndFrame(frame);
                conn.Pending.Enqueue(call);
                break;
            }
            case PingRequest:
            {
                var frame = buffer.BeginFrame();
                var w = new JuteWriter(buffer);
                new RequestHeader(Xids.Ping, OpCode.Ping).Write(ref w);
                buffer.EndFrame(frame);
                break;
            }
            case AuthRequest auth:
            {
                var frame = buffer.BeginFrame();
                var w = new JuteWriter(buffer);
                new RequestHeader(Xids.Auth, OpCode.Auth).Write(ref w);
                new AuthPacket(0, auth.Info.Scheme, auth.Info.Auth).Write(ref w);
                buffer.EndFrame(frame);
                conn.Auths.Enqueue(auth);
                break;
            }
            case SetWatches2 sw:
            {
                var frame = buffer.BeginFrame();
                var w = new JuteWriter(buffer);
                new RequestHeader(Xids.SetWatches, OpCode.SetWatches2).Write(ref w);
                sw.Write(ref w);
                buffer.EndFrame(frame);
                break;
            }
        }
    }

    /// <summary>
    /// Starts the reader of a connection on its own thread (background, named "zk-reader host:port"). It blocks in
    /// the socket's read, which on a socket that never saw an async operation is a plain blocking recv: a reply
    /// wakes this thread directly (no thread-pool work item, no socket-engine event). The task ends with the thread.
    /// </summary>
    private Task StartReader(Connection conn)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(static state =>
        {
            var (client, c, tcs) = ((ZooKeeperClient, Connection, TaskCompletionSource))state!;
            try
            {
                client.ReaderLoop(c);
            }
            finally
            {
                tcs.TrySetResult();
            }
        })
        {
            IsBackground = true,
            Name = $"zk-reader {conn.Server}",
        };
        thread.UnsafeStart((this, conn, done));
        return done.Task;
    }

    /// <summary>
    /// The reader loop (on the reader thread): reads into a pooled buffer and handles every complete frame in it. A frame over
    /// <see cref="ZooKeeperClientOptions.MaxReplyLength"/> fails its request and is skipped without being buffered.
    /// </summary>
    private void ReaderLoop(Connection conn)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
        var start = 0;
        var end = 0;
        var max = _options.MaxReplyLength;
        // A blocking read ends when the socket is disposed: closing the client (or the connection) aborts it.
        using var stop = conn.Token.UnsafeRegister(static c => ((Connection)c!).Abort(new ConnectionLossException("connection closed")), conn);
        try
        {
            while (true)
            {
                var needed = 4;
                while (end - start >= 4)
                {
                    var length = BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(start, 4));
                    if (length < ReplyHeader.Size)
                        throw new ZooKeeperProtocolException($"Malformed reply from {conn.Server}: frame length {length}.");
                    if (length > max)
                    {
                        if (end - start < 4 + ReplyHeader.Size)
                        {
                            needed = 4 + ReplyHeader.Size;
                            break;
                        }
                        OnOversizedFrame(conn, buffer.AsSpan(start + 4, ReplyHeader.Size), length);
                        var inBuffer = end - start - 4;
                        if (inBuffer >= length)
                        {
                            start += 4 + length;
                            continue;
                        }
                        FlushIfDeferred(conn);
                        long toSkip = length - (long)inBuffer;
                        start = end = 0;
                        while (toSkip > 0)
                        {
                            var n = conn.Stream.Read(buffer.AsSpan(0, (int)Math.Min(buffer.Length, toSkip)));
                            if (n == 0) throw new EndOfStreamException();
                            conn.LastRecv = Environment.TickCount64;
                            toSkip -= n;
                        }
                        continue;
                    }
                    if (end - start - 4 < length)
                    {
                        needed = 4 + length;
                        break;
                    }
                    t_readerBatch = conn;
                    try
                    {
                        ProcessFrame(conn, buffer.AsSpan(start + 4, length));
                    }
                    finally
                    {
                        t_readerBatch = null;
                    }
                    start += 4 + length;
                }

                if (start == end)
                {
                    start = end = 0;
                }
                if (buffer.Length - start < needed)
                {
                    if (needed > buffer.Length)
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent(needed);
                        buffer.AsSpan(start, end - start).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                    else
                    {
                        buffer.AsSpan(start, end - start).CopyTo(buffer);
                    }
                    end -= start;
                    start = 0;
                }
                else if (end == buffer.Length && start > 0)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }
                else if (start == 0 && end == 0 && buffer.Length > 4 * 1024 * 1024)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
                }

                FlushIfDeferred(conn);
                var read = conn.Stream.Read(buffer.AsSpan(end));
                if (read == 0) throw new EndOfStreamException();
                end += read;
                conn.LastRecv = Environment.TickCount64;
            }
        }
        catch (Exception ex)
        {
            conn.Abort(ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes, in one batch, the requests that continuations queued while the reader completed replies.</summary>
    private void FlushIfDeferred(Connection conn)
    {
        if (!conn.FlushDeferred) return;
        conn.FlushDeferred = false;
        KickWriter();
    }

    private void OnOversizedFrame(Connection conn, ReadOnlySpan<byte> headerBytes, int length)
    {
        var r = new JuteReader(headerBytes);
        var header = ReplyHeader.Read(ref r);
        Log.ReplyTooLarge(_logger, length, _options.MaxReplyLength);
        if (header.Xid < 0) return;
        var call = DequeuePending(conn, header.Xid);
        var path = call.ClientPath;
        call.Fail(new ReplyTooLargeException(path,
            $"The reply to {ErrorMapper.ActionOf(call.OpCode)} {path ?? "(no path)"} is {length} bytes, over ZooKeeperClientOptions.MaxReplyLength ({_options.MaxReplyLength} bytes); raise MaxReplyLength to read it."));
    }

    private IPendingCall DequeuePending(Connection conn, int xid)
    {
        if (!conn.Pending.TryDequeue(out var call))
            throw new ZooKeeperProtocolException($"Protocol error from {conn.Server}: reply with xid {xid} but no request is pending.");
        if (call.Xid != xid)
        {
            call.Fail(new ConnectionLossException($"Protocol error from {conn.Server}: expected the reply to xid {call.Xid} but got xid {xid}; the connection was dropped.", call.ClientPath));
            throw new ZooKeeperProtocolException($"Protocol error from {conn.Server}: reply xid {xid} does not match the oldest pending request (xid {call.Xid}).");
        }
        return call;
    }

    private void ProcessFrame(Connection conn, ReadOnlySpan<byte> frame)
    {
        var r = new JuteReader(frame);
        var header = ReplyHeader.Read(ref r);
        switch (header.Xid)
        {
            case Xids.Notification:
            {
                var ev = WatcherEvent.Read(ref r);
                var path = ev.Path is null ? null : _chroot.ToClient(ev.Path);
                if (path is null || _watches.Materialize(ev.Type, path))
                    _dispatcher.EnqueueWatch(new WatchedEvent(ev.Type, ev.State, path));
                return;
            }
            case Xids.Ping:
                return;
            case Xids.Auth:
            {
                conn.Auths.TryDequeue(out var auth);
                if (header.Err == ErrorCode.AuthFailed)
                {
                    Log.AuthFailed(_logger, conn.Server);
                    var error = new AuthFailedException($"The server {conn.Server} rejected the '{auth?.Info.Scheme}' credentials.");
                    auth?.Done?.TrySetException(error);
                    conn.Abort(error);
                }
                else if (header.Err != ErrorCode.Ok)
                {
                    auth?.Done?.TrySetException(ZooKeeperException.Create(header.Err, null, "authenticate"));
                }
                else
                {
                    auth?.Done?.TrySetResult();
                }
                return;
            }
            case Xids.SetWatches:
                if (header.Err != ErrorCode.Ok) Log.SetWatchesFailed(_logger, header.Err);
                return;
        }

        var call = DequeuePending(conn, header.Xid);
        if (header.Zxid > 0)
        {
            var last = Interlocked.Read(ref _lastZxid);
            if (header.Zxid > last) Interlocked.Exchange(ref _lastZxid, header.Zxid);
        }
        try
        {
            call.OnReply(ref r, header.Err, _chroot);
        }
        catch (ZooKeeperProtocolException ex)
        {
            call.Fail(ex);
            throw;
        }
        if (call.Watch != WatchRegistration.None && call.ClientPath is { } watchPath) _watches.OnReply(call.Watch, watchPath, header.Err);
        if (_dispatcher.HasBacklog)
        {
            _dispatcher.EnqueueCompletion(call);
            return;
        }
        var started = Stopwatch.GetTimestamp();
        call.Deliver();
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (ms >= SlowContinuationMs && !conn.SlowContinuationLogged)
        {
            conn.SlowContinuationLogged = true;
            Log.SlowContinuation(_logger, ms, ErrorMapper.ActionOf(call.OpCode), call.ClientPath);
        }
    }
}
