using System.Collections.Concurrent;
using System.Net.Sockets;
using ZkDashboard.ZooKeeper.Protocol.Records;

namespace ZkDashboard.ZooKeeper.Internal;

/// <summary>A ping request (xid -2); one instance serves every ping.</summary>
internal sealed class PingRequest
{
    public static readonly PingRequest Instance = new();
}

/// <summary>An auth packet in the write queue (xid -4); <see cref="Done"/> is null for re-auth on reconnect.</summary>
internal sealed class AuthRequest(AuthInfo info, TaskCompletionSource? done)
{
    public AuthInfo Info { get; } = info;
    public TaskCompletionSource? Done { get; } = done;
}

/// <summary>The state of one TCP (or TLS) connection: its stream, its pending FIFO and its clocks.</summary>
internal sealed class Connection(HostEndpoint host, Socket socket, Stream stream, int negotiatedTimeoutMs, bool readOnly, CancellationToken clientToken) : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts = CancellationTokenSource.CreateLinkedTokenSource(clientToken);
    private Exception? _failure;
    private long _lastSend = Environment.TickCount64;
    private long _lastRecv = Environment.TickCount64;

    public HostEndpoint Host { get; } = host;
    public string Server { get; } = host.ToString();
    public Stream Stream { get; } = stream;
    public int NegotiatedTimeoutMs { get; } = negotiatedTimeoutMs;
    /// <summary>Two thirds of the session timeout, as in ClientCnxn: no bytes from the server for this long drops the connection.</summary>
    public int ReadTimeoutMs { get; } = Math.Max(1, negotiatedTimeoutMs * 2 / 3);
    public bool ReadOnly { get; } = readOnly;
    public CancellationToken Token => _cts.Token;

    /// <summary>Requests written to the socket, oldest first; replies must come in this order.</summary>
    public ConcurrentQueue<IPendingCall> Pending { get; } = new();
    /// <summary>Auth packets written, oldest first.</summary>
    public ConcurrentQueue<AuthRequest> Auths { get; } = new();
    /// <summary>Frames written before anything else on this connection (re-auth, SetWatches2).</summary>
    public List<object> Preamble { get; } = [];

    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>Write ownership: <see cref="WriteIdle"/>, <see cref="WriteBusy"/> (one flusher owns <see cref="WriteBuffer"/>) or <see cref="WriteClosed"/>.</summary>
    public int WriteState = WriteBusy;
    public const int WriteIdle = 0, WriteBusy = 1, WriteClosed = 2;
    /// <summary>The frames being batched for one socket write; only the owner of <see cref="WriteState"/> touches it.</summary>
    public Protocol.FrameBuffer WriteBuffer { get; } = new();
    /// <summary>Set when a request was queued while the reader was completing a batch of replies; the reader flushes once after the batch.</summary>
    public bool FlushDeferred;
    /// <summary>A slow continuation on the reader was logged for this connection (once is enough).</summary>
    public bool SlowContinuationLogged;

    public long LastSend
    {
        get => Volatile.Read(ref _lastSend);
        set => Volatile.Write(ref _lastSend, value);
    }

    public long LastRecv
    {
        get => Volatile.Read(ref _lastRecv);
        set => Volatile.Write(ref _lastRecv, value);
    }

    /// <summary>Drops the connection; the first reason wins.</summary>
    public void Abort(Exception reason)
    {
        if (Interlocked.CompareExchange(ref _failure, reason, null) is not null) return;
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
        try
        {
            socket.Dispose();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public ValueTask DisposeAsync()
    {
        Abort(new ConnectionLossException("connection closed"));
        try
        {
            // Synchronous: the socket never sees an async operation (see ZooKeeperClient.OpenConnection).
            Stream.Dispose();
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        _cts.Dispose();
        return ValueTask.CompletedTask;
    }
}
