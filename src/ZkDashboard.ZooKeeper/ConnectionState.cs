namespace ZkDashboard.ZooKeeper;

/// <summary>
/// The client's connection state, as seen by callers. Changes are raised in order through
/// <see cref="ZooKeeperClient.StateChanged"/> and <see cref="ZooKeeperClient.WatchStateAsync"/>.
/// </summary>
public enum ConnectionState
{
    /// <summary>
    /// Trying to establish the first connection. Calls wait until connected or fail with
    /// <see cref="ConnectionLossException"/>. Nothing to do but wait.
    /// </summary>
    Connecting,
    /// <summary>
    /// Connected to a read-write server; the session is alive. Everything works; watches set are live.
    /// </summary>
    Connected,
    /// <summary>
    /// Connected to a server that lost contact with the quorum and serves reads only (only when
    /// <see cref="ZooKeeperClientOptions.CanBeReadOnly"/>). Reads may be stale; writes fail with
    /// <see cref="NotReadOnlyException"/>. The client keeps the session and moves on when it reconnects.
    /// </summary>
    ConnectedReadOnly,
    /// <summary>
    /// The connection dropped and the client is reconnecting to the next server; the session may still be
    /// alive. Stop trusting locks and leadership until Connected again; calls in flight failed with
    /// <see cref="ConnectionLossException"/> (writes: <see cref="OperationOutcomeUnknownException"/>).
    /// If it becomes <see cref="Connected"/> again, the session, its ephemerals and its watches survived.
    /// </summary>
    Suspended,
    /// <summary>
    /// Terminal. The ensemble expired the session (reported by a server on reconnect, or concluded by the
    /// client after hearing from no server for longer than the session timeout): its ephemeral nodes and
    /// watches are gone (or about to be) and every watcher got a final event. Open a new client (and
    /// recreate ephemerals and watches) to go on.
    /// </summary>
    Expired,
    /// <summary>
    /// Terminal. The server rejected the credentials. Fix the credentials and open a new client.
    /// </summary>
    AuthFailed,
    /// <summary>Terminal. The client was closed by the caller.</summary>
    Closed,
}

/// <summary>A change of <see cref="ConnectionState"/>.</summary>
public sealed class ConnectionStateChangedEventArgs(ConnectionState previous, ConnectionState current, string? server, string? reason) : EventArgs
{
    /// <summary>The state before.</summary>
    public ConnectionState Previous { get; } = previous;
    /// <summary>The new state.</summary>
    public ConnectionState Current { get; } = current;
    /// <summary>The server concerned ("host:port"), if any.</summary>
    public string? Server { get; } = server;
    /// <summary>Why the state changed (human-readable), if known.</summary>
    public string? Reason { get; } = reason;
    /// <summary>When the change happened.</summary>
    public DateTimeOffset At { get; } = DateTimeOffset.UtcNow;
    /// <inheritdoc/>
    public override string ToString() => $"{Previous} -> {Current}{(Server is null ? "" : " (" + Server + ")")}{(Reason is null ? "" : ": " + Reason)}";
}
