using Microsoft.Extensions.Logging;

namespace ZkDashboard.ZooKeeper.Internal;

/// <summary>Log messages (source-generated, no allocations when disabled).</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Watch event queue full (capacity {Capacity}): dropped {Type} for {Path} ({Total} dropped so far). Raise EventQueueCapacity or make handlers faster.")]
    public static partial void EventDropped(ILogger logger, EventType type, string? path, int capacity, long total);

    [LoggerMessage(2, LogLevel.Error, "A WatchEvent/StateChanged handler threw; the exception was ignored.")]
    public static partial void HandlerFailed(ILogger logger, Exception ex);

    [LoggerMessage(3, LogLevel.Information, "ZooKeeper connection state {Previous} -> {Current} (server {Server}): {Reason}")]
    public static partial void StateChanged(ILogger logger, ConnectionState previous, ConnectionState current, string? server, string? reason);

    [LoggerMessage(4, LogLevel.Information, "Connected to {Server}: session 0x{SessionId:x}, negotiated timeout {Timeout} ms, read-only {ReadOnly}")]
    public static partial void Connected(ILogger logger, string server, long sessionId, int timeout, bool readOnly);

    [LoggerMessage(5, LogLevel.Warning, "Connection attempt to {Server} failed: {Reason}")]
    public static partial void ConnectFailed(ILogger logger, string server, string reason);

    [LoggerMessage(6, LogLevel.Warning, "Connection to {Server} lost: {Reason}")]
    public static partial void ConnectionLost(ILogger logger, string server, string reason);

    [LoggerMessage(7, LogLevel.Warning, "SetWatches reply carried error {Error}")]
    public static partial void SetWatchesFailed(ILogger logger, ErrorCode error);

    [LoggerMessage(8, LogLevel.Information, "Restoring {Count} watches in {Packets} SetWatches2 packet(s) from zxid 0x{Zxid:x}")]
    public static partial void RestoringWatches(ILogger logger, int count, int packets, long zxid);

    [LoggerMessage(9, LogLevel.Warning, "Reply of {Length} bytes exceeds MaxReplyLength {Max}; skipping it")]
    public static partial void ReplyTooLarge(ILogger logger, int length, int max);

    [LoggerMessage(10, LogLevel.Warning, "Authentication failed on {Server}")]
    public static partial void AuthFailed(ILogger logger, string server);

    [LoggerMessage(11, LogLevel.Warning, "The reader of the dropped connection to {Server} is still running a continuation of one of this client's tasks (it blocks synchronously, which it must not: await instead); the calls in flight are failed without waiting for it")]
    public static partial void ReaderBlocked(ILogger logger, string server);

    [LoggerMessage(12, LogLevel.Warning, "A continuation of the call to {Action} {Path} ran {Ms:0} ms on the reader; replies waited meanwhile. Move heavy or blocking work after an await off the reader (Task.Run), or set ZooKeeperClientOptions.ContinuationsOnReader = false")]
    public static partial void SlowContinuation(ILogger logger, double ms, string action, string? path);
}
