using System.Buffers;
using System.Buffers.Binary;
using ZkDashboard.ZooKeeper.Internal;
using ZkDashboard.ZooKeeper.Protocol;
using ZkDashboard.ZooKeeper.Protocol.Records;

namespace ZkDashboard.ZooKeeper;

public sealed partial class ZooKeeperClient
{
    private const int MaxBatchBytes = 256 * 1024;
    private const int ReadBufferSize = 64 * 1024;

    /// <summary>
    /// The writer loop: takes requests from the queue, gives each an xid, appends it to the pending FIFO
    /// and serializes it into one pooled buffer; everything queued is sent with one socket write.
    /// </summary>
    private async Task WriterLoopAsync(Connection conn)
    {
        var buffer = new FrameBuffer();
        var reader = _requests.Reader;
        var ct = conn.Token;
        try
        {
            foreach (var item in conn.Preamble) Serialize(buffer, conn, item);
            if (buffer.WrittenCount > 0)
            {
                await conn.Stream.WriteAsync(buffer.WrittenMemory, ct).ConfigureAwait(false);
                conn.LastSend = Environment.TickCount64;
                buffer.Reset();
            }
            while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                while (buffer.WrittenCount < MaxBatchBytes && reader.TryRead(out var item)) Serialize(buffer, conn, item);
                if (buffer.WrittenCount == 0) continue;
                await conn.Stream.WriteAsync(buffer.WrittenMemory, ct).ConfigureAwait(false);
                conn.LastSend = Environment.TickCount64;
                buffer.Reset();
            }
            conn.Abort(TerminalException(State));
        }
        catch (Exception ex)
        {
            conn.Abort(ex);
        }
        finally
        {
            buffer.Dispose();
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
    /// The reader loop: reads into a pooled buffer and handles every complete frame in it. A frame over
    /// <see cref="ZooKeeperClientOptions.MaxReplyLength"/> fails its request and is skipped without being buffered.
    /// </summary>
    private async Task ReaderLoopAsync(Connection conn)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
        var start = 0;
        var end = 0;
        var ct = conn.Token;
        var max = _options.MaxReplyLength;
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
                        long toSkip = length - (long)inBuffer;
                        start = end = 0;
                        while (toSkip > 0)
                        {
                            var n = await conn.Stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, toSkip)), ct).ConfigureAwait(false);
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
                    ProcessFrame(conn, buffer.AsSpan(start + 4, length));
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

                var read = await conn.Stream.ReadAsync(buffer.AsMemory(end), ct).ConfigureAwait(false);
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
        if (call.Watch != WatchKind.None && call.ClientPath is { } watchPath) _watches.OnReply(call.Watch, watchPath, header.Err);
        if (_dispatcher.HasBacklog) _dispatcher.EnqueueCompletion(call);
        else call.Deliver();
    }
}
