using ZkDashboard.ZooKeeper.Protocol;
using ZkDashboard.ZooKeeper.Protocol.Records;

namespace ZkDashboard.ZooKeeper.Internal;

/// <summary>Which watch a read registers when its reply arrives (the client's own bookkeeping; the dashboard's subscription kind is Core's WatchKind).</summary>
internal enum WatchRegistration : byte { None, Data, Exists, Child, Persistent, PersistentRecursive }

/// <summary>A request waiting in the write queue or for its reply (the pending FIFO).</summary>
internal interface IPendingCall
{
    int Xid { get; set; }
    OpCode OpCode { get; }
    string? ClientPath { get; }
    WatchRegistration Watch { get; }
    bool IsWrite { get; }
    /// <summary>Moves the call from queued to sent; false when the caller gave up before it was written.</summary>
    bool TryMarkSent();
    bool WasSent { get; }
    void WriteBody(ref JuteWriter writer);
    /// <summary>Parses the reply (on the reader loop) into a stashed result or error; throws only for protocol faults.</summary>
    void OnReply(ref JuteReader reader, ErrorCode err, Chroot chroot);
    /// <summary>True when <see cref="OnReply"/> stashed a success.</summary>
    bool Succeeded { get; }
    /// <summary>Completes the task with the stashed result or error.</summary>
    void Deliver();
    void Fail(Exception error);
}

/// <summary>
/// One request and its completion. A reply is delivered synchronously by the reader (or, behind queued
/// watch events, by the event worker): the awaiting continuation runs there without a thread hand-off,
/// as Npgsql and StackExchange.Redis do. A failure (connection loss, a call that could not be written) is
/// delivered on the thread pool, so nothing of the caller's runs on the session loop or the writer.
/// </summary>
internal sealed class Call<TReq, TRes> : TaskCompletionSource<TRes>, IPendingCall
    where TReq : IRequest<TRes>
{
    private const int Queued = 0, Sent = 1, Abandoned = 2;
    private readonly TReq _request;
    private int _state;
    private TRes? _result;
    private Exception? _error;
    private CancellationTokenRegistration _cancellation;

    public Call(TReq request, string? clientPath, WatchRegistration watch, bool isWrite, bool continueOnReader = true)
        : base(continueOnReader ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously)
    {
        _request = request;
        ClientPath = clientPath;
        Watch = watch;
        IsWrite = isWrite;
    }

    public int Xid { get; set; }
    public OpCode OpCode => _request.OpCode;
    public string? ClientPath { get; }
    public WatchRegistration Watch { get; }
    public bool IsWrite { get; }
    public bool Succeeded => _error is null;
    public bool WasSent => Volatile.Read(ref _state) == Sent;

    public bool TryMarkSent() => Interlocked.CompareExchange(ref _state, Sent, Queued) == Queued;

    /// <summary>Called by a caller that stops waiting; true when the call had not been written yet (so it never will be).</summary>
    public bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Queued) == Queued;

    public void WriteBody(ref JuteWriter writer) => _request.Write(ref writer);

    public void OnReply(ref JuteReader reader, ErrorCode err, Chroot chroot)
    {
        if (err == ErrorCode.Ok)
        {
            try
            {
                _result = _request.ReadReply(ref reader, chroot);
            }
            catch (ZooKeeperProtocolException)
            {
                throw;
            }
            catch (ZooKeeperException ex)
            {
                _error = ex;
            }
        }
        else if (err == ErrorCode.NoNode && _request.OpCode == OpCode.Exists)
        {
            _result = default;
        }
        else
        {
            _error = ErrorMapper.Map(_request, err, ClientPath);
        }
    }

    public void Deliver()
    {
        _cancellation.Unregister();
        if (_error is null) TrySetResult(_result!);
        else TrySetException(_error);
    }

    public void Fail(Exception error)
    {
        _error = error;
        ThreadPool.UnsafeQueueUserWorkItem(static call =>
        {
            call._cancellation.Unregister();
            call.TrySetException(call._error!);
        }, this, preferLocal: false);
    }

    /// <summary>
    /// Cancels the caller's wait when <paramref name="ct"/> fires (cheaper than WaitAsync: no extra task or
    /// state machine). A call not yet written is then never sent; one already sent is left to complete unobserved.
    /// </summary>
    public void CancelWith(CancellationToken ct) =>
        _cancellation = ct.UnsafeRegister(static (state, token) =>
        {
            var call = (Call<TReq, TRes>)state!;
            call.TryAbandon();
            call.TrySetCanceled(token);
        }, this);
}
