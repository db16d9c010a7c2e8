using ZkDashboard.ZooKeeper.Internal;
using ZkDashboard.ZooKeeper.Protocol.Records;

namespace ZkDashboard.ZooKeeper;

public sealed partial class ZooKeeperClient
{
    /// <summary>Validates a caller path and maps it into the chroot.</summary>
    private string ServerPath(string path, bool isSequential = false)
    {
        PathUtils.Validate(path, isSequential);
        return _chroot.ToServer(path);
    }

    private void CheckData(string path, ReadOnlyMemory<byte> data)
    {
        if (data.Length > _options.MaxDataLength)
            throw new DataTooLargeException(path,
                $"The data for {path} is {data.Length} bytes, over ZooKeeperClientOptions.MaxDataLength ({_options.MaxDataLength} bytes, the servers' jute.maxbuffer); it was not sent. Store less data per node, or raise jute.maxbuffer on the servers and MaxDataLength together.");
    }

    /// <summary>Queues a request and returns its task; applies the per-call timeout and cancellation.</summary>
    private Task<TRes> Submit<TReq, TRes>(TReq request, string? clientPath, WatchRegistration watch, bool isWrite, CancellationToken ct)
        where TReq : IRequest<TRes>
    {
        ct.ThrowIfCancellationRequested();
        var call = new Call<TReq, TRes>(request, clientPath, watch, isWrite, _options.ContinuationsOnReader);
        var timeout = _options.OperationTimeout;
        if (timeout is null)
        {
            if (ct.CanBeCanceled) call.CancelWith(ct);
            try
            {
                Enqueue(call);
            }
            catch (ZooKeeperException ex)
            {
                call.Fail(ex);
                throw;
            }
            return call.Task;
        }
        Enqueue(call);
        return AwaitCallAsync(call, timeout, ct);
    }

    private void Enqueue(object item)
    {
        if (!_requests.Writer.TryWrite(item))
        {
            ConnectionState s;
            lock (_stateLock) s = _state;
            throw TerminalException(s);
        }
        KickWriter();
    }

    private static async Task<TRes> AwaitCallAsync<TReq, TRes>(Call<TReq, TRes> call, TimeSpan? timeout, CancellationToken ct)
        where TReq : IRequest<TRes>
    {
        try
        {
            return await call.Task.WaitAsync(timeout ?? Timeout.InfiniteTimeSpan, ct).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            var neverSent = call.TryAbandon();
            ObserveLateFailure(call.Task);
            var path = call.ClientPath ?? "(no path)";
            var action = ErrorMapper.ActionOf(call.OpCode);
            if (call.IsWrite && !neverSent)
                throw new OperationOutcomeUnknownException($"No reply within {timeout} to the request to {action} {path}: it may or may not have been applied. Read the node to find out.", call.ClientPath, ex);
            throw new OperationTimeoutException(call.ClientPath, $"No reply within {timeout} to the request to {action} {path}{(neverSent ? " (it was never sent)" : "")}.", ex);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            call.TryAbandon();
            ObserveLateFailure(call.Task);
            throw;
        }
    }

    /// <summary>Nobody awaits a call the caller gave up on; observe its late failure so it is not reported as unobserved.</summary>
    private static void ObserveLateFailure(Task task) =>
        task.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
