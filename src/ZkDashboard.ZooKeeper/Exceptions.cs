namespace ZkDashboard.ZooKeeper;

/// <summary>
/// Base of every error the client reports. <see cref="Code"/> is ZooKeeper's result code and
/// <see cref="Path"/> the node concerned (relative to the chroot), when there is one.
/// </summary>
public class ZooKeeperException : Exception
{
    /// <summary>Creates an exception.</summary>
    public ZooKeeperException(ErrorCode code, string message, string? path = null, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        Path = path;
    }

    /// <summary>ZooKeeper's result code.</summary>
    public ErrorCode Code { get; }

    /// <summary>The node concerned, if any.</summary>
    public string? Path { get; }

    /// <summary>Builds the typed exception for a result code returned by the server.</summary>
    /// <param name="code">The code.</param>
    /// <param name="path">The caller's path (chroot-relative) or null.</param>
    /// <param name="action">What was being done, e.g. "read", "write", "delete" (used in messages).</param>
    public static ZooKeeperException Create(ErrorCode code, string? path, string? action = null)
    {
        var p = path ?? "(no path)";
        var act = action ?? "access";
        return code switch
        {
            ErrorCode.NoNode => new NoNodeException(path, $"{p} does not exist."),
            ErrorCode.NodeExists => new NodeExistsException(path, $"{p} already exists."),
            ErrorCode.BadVersion => new BadVersionException(path, null, null, $"Version conflict on {p}: the node is not at the expected version."),
            ErrorCode.NoAuth => new NoAuthException(path, $"Not authorized to {act} {p}: the node's ACL does not grant this session the needed permission (add credentials with AddAuthAsync)."),
            ErrorCode.NotEmpty => new NotEmptyException(path, $"{p} has children; delete them first."),
            ErrorCode.NoChildrenForEphemerals => new NoChildrenForEphemeralsException(path, $"Cannot create a child under {p}: ephemeral nodes may not have children."),
            ErrorCode.ConnectionLoss => new ConnectionLossException($"Connection to the ensemble was lost while trying to {act} {p}.", path),
            ErrorCode.SessionExpired => new SessionExpiredException($"The session has expired; open a new client to continue."),
            ErrorCode.SessionMoved => new SessionMovedException(path, "The session moved to another server; the request was ignored."),
            ErrorCode.InvalidAcl => new InvalidAclException(path, $"The ACL given for {p} is invalid (empty, unknown scheme, malformed id, or 'auth' without credentials)."),
            ErrorCode.AuthFailed => new AuthFailedException("Authentication failed: the server rejected the credentials."),
            ErrorCode.BadArguments => new BadArgumentsException(path, $"The server rejected the arguments for {p} (BadArguments)."),
            ErrorCode.Unimplemented => new UnimplementedException(path, $"The server does not implement or has disabled this operation on {p}."),
            ErrorCode.OperationTimeout => new OperationTimeoutException(path, $"The operation on {p} timed out."),
            ErrorCode.NotReadOnly => new NotReadOnlyException(path, $"Cannot {act} {p}: connected to a read-only server."),
            ErrorCode.NoWatcher => new NoWatcherException(path, $"No watch of the requested kind is set on {p}."),
            ErrorCode.ReconfigDisabled => new ReconfigDisabledException("Dynamic reconfiguration is disabled on the server (reconfigEnabled=false)."),
            ErrorCode.ReconfigInProgress => new ReconfigInProgressException("Another reconfiguration is in progress."),
            ErrorCode.NewConfigNoQuorum => new NewConfigNoQuorumException("No quorum of the new configuration is connected and up to date with the leader."),
            ErrorCode.QuotaExceeded => new QuotaExceededException(path, $"A quota was exceeded under {p}."),
            ErrorCode.Throttled => new ThrottledException(path, "The server throttled the request; retry later."),
            ErrorCode.RequestTimeout => new RequestTimeoutException(path, $"The request for {p} was not completed by the server in time."),
            ErrorCode.EphemeralOnLocalSession => new EphemeralOnLocalSessionException(path, $"Cannot create ephemeral {p} on a local session."),
            ErrorCode.SessionClosedRequireSaslAuth => new SessionClosedRequireSaslAuthException("The session was closed because the server requires SASL authentication."),
            ErrorCode.MarshallingError => new MarshallingErrorException(path, $"The server could not decode the request for {p}."),
            ErrorCode.UnknownSession => new UnknownSessionException("The session is not known to the server."),
            ErrorCode.RuntimeInconsistency => new RuntimeInconsistencyException(path, $"Runtime inconsistency on {p} (in a multi: an earlier operation failed)."),
            ErrorCode.DataInconsistency => new DataInconsistencyException(path, $"Data inconsistency on {p}."),
            ErrorCode.InvalidCallback => new ZooKeeperException(code, "Invalid callback.", path),
            _ => new ZooKeeperException(code, $"ZooKeeper error {code} ({(int)code}) on {p}.", path),
        };
    }
}

/// <summary>The node does not exist.</summary>
public sealed class NoNodeException(string? path, string message) : ZooKeeperException(ErrorCode.NoNode, message, path);
/// <summary>The node already exists.</summary>
public sealed class NodeExistsException(string? path, string message) : ZooKeeperException(ErrorCode.NodeExists, message, path);
/// <summary>The node is not at the expected version.</summary>
public sealed class BadVersionException(string? path, int? expectedVersion, int? actualVersion, string message) : ZooKeeperException(ErrorCode.BadVersion, message, path)
{
    /// <summary>The version the caller expected.</summary>
    public int? ExpectedVersion { get; } = expectedVersion;
    /// <summary>The node's actual version, when known.</summary>
    public int? ActualVersion { get; } = actualVersion;
}
/// <summary>The session lacks the permission.</summary>
public sealed class NoAuthException(string? path, string message) : ZooKeeperException(ErrorCode.NoAuth, message, path);
/// <summary>The node has children.</summary>
public sealed class NotEmptyException(string? path, string message) : ZooKeeperException(ErrorCode.NotEmpty, message, path);
/// <summary>Ephemeral nodes may not have children.</summary>
public sealed class NoChildrenForEphemeralsException(string? path, string message) : ZooKeeperException(ErrorCode.NoChildrenForEphemerals, message, path);

/// <summary>
/// The connection was lost before a reply arrived. For reads (and for requests that were never sent)
/// nothing happened on the server and the call may be retried. For writes that were sent, see
/// <see cref="OperationOutcomeUnknownException"/>.
/// </summary>
public class ConnectionLossException(string message, string? path = null, Exception? inner = null)
    : ZooKeeperException(ErrorCode.ConnectionLoss, message, path, inner);

/// <summary>
/// A write was sent but the connection was lost (or the call timed out) before its reply: it may or may
/// not have been applied. Read the node back to find out; never assume success or failure.
/// </summary>
public sealed class OperationOutcomeUnknownException(string message, string? path = null, Exception? inner = null)
    : ConnectionLossException(message, path, inner);

/// <summary>The client was closed (or disposed); no more calls are possible on it.</summary>
public sealed class ClientClosedException(string message) : ConnectionLossException(message);

/// <summary>The session has expired: ephemerals and watches are gone. Open a new client.</summary>
public sealed class SessionExpiredException(string message) : ZooKeeperException(ErrorCode.SessionExpired, message);
/// <summary>The session moved to another server.</summary>
public sealed class SessionMovedException(string? path, string message) : ZooKeeperException(ErrorCode.SessionMoved, message, path);
/// <summary>The ACL is invalid.</summary>
public sealed class InvalidAclException(string? path, string message) : ZooKeeperException(ErrorCode.InvalidAcl, message, path);
/// <summary>Authentication failed.</summary>
public sealed class AuthFailedException(string message) : ZooKeeperException(ErrorCode.AuthFailed, message);
/// <summary>The server rejected the arguments.</summary>
public sealed class BadArgumentsException(string? path, string message) : ZooKeeperException(ErrorCode.BadArguments, message, path);
/// <summary>The operation is not implemented or disabled on the server.</summary>
public sealed class UnimplementedException(string? path, string message) : ZooKeeperException(ErrorCode.Unimplemented, message, path);
/// <summary>The call did not complete within its timeout (for reads; writes report <see cref="OperationOutcomeUnknownException"/>).</summary>
public sealed class OperationTimeoutException(string? path, string message, Exception? inner = null) : ZooKeeperException(ErrorCode.OperationTimeout, message, path, inner);
/// <summary>A write was sent to a read-only server.</summary>
public sealed class NotReadOnlyException(string? path, string message) : ZooKeeperException(ErrorCode.NotReadOnly, message, path);
/// <summary>No such watch.</summary>
public sealed class NoWatcherException(string? path, string message) : ZooKeeperException(ErrorCode.NoWatcher, message, path);
/// <summary>Reconfiguration is disabled.</summary>
public sealed class ReconfigDisabledException(string message) : ZooKeeperException(ErrorCode.ReconfigDisabled, message);
/// <summary>A reconfiguration is already in progress.</summary>
public sealed class ReconfigInProgressException(string message) : ZooKeeperException(ErrorCode.ReconfigInProgress, message);
/// <summary>The new configuration has no quorum.</summary>
public sealed class NewConfigNoQuorumException(string message) : ZooKeeperException(ErrorCode.NewConfigNoQuorum, message);
/// <summary>A quota was exceeded.</summary>
public sealed class QuotaExceededException(string? path, string message) : ZooKeeperException(ErrorCode.QuotaExceeded, message, path);
/// <summary>The server throttled the request.</summary>
public sealed class ThrottledException(string? path, string message) : ZooKeeperException(ErrorCode.Throttled, message, path);
/// <summary>The server did not complete the request in time.</summary>
public sealed class RequestTimeoutException(string? path, string message) : ZooKeeperException(ErrorCode.RequestTimeout, message, path);
/// <summary>Ephemeral node on a local session.</summary>
public sealed class EphemeralOnLocalSessionException(string? path, string message) : ZooKeeperException(ErrorCode.EphemeralOnLocalSession, message, path);
/// <summary>SASL required.</summary>
public sealed class SessionClosedRequireSaslAuthException(string message) : ZooKeeperException(ErrorCode.SessionClosedRequireSaslAuth, message);
/// <summary>The server could not decode a request.</summary>
public sealed class MarshallingErrorException(string? path, string message) : ZooKeeperException(ErrorCode.MarshallingError, message, path);
/// <summary>Unknown session.</summary>
public sealed class UnknownSessionException(string message) : ZooKeeperException(ErrorCode.UnknownSession, message);
/// <summary>Runtime inconsistency.</summary>
public sealed class RuntimeInconsistencyException(string? path, string message) : ZooKeeperException(ErrorCode.RuntimeInconsistency, message, path);
/// <summary>Data inconsistency.</summary>
public sealed class DataInconsistencyException(string? path, string message) : ZooKeeperException(ErrorCode.DataInconsistency, message, path);

/// <summary>A path was refused before sending because it breaks ZooKeeper's path rules.</summary>
public sealed class InvalidPathException(string? path, string message) : ZooKeeperException(ErrorCode.BadArguments, message, path);

/// <summary>Data larger than <see cref="ZooKeeperClientOptions.MaxDataLength"/> was refused before sending.</summary>
public sealed class DataTooLargeException(string? path, string message) : ZooKeeperException(ErrorCode.BadArguments, message, path);

/// <summary>
/// A reply frame was larger than <see cref="ZooKeeperClientOptions.MaxReplyLength"/>; it was skipped
/// without being buffered. Raise the setting to read such replies.
/// </summary>
public sealed class ReplyTooLargeException(string? path, string message) : ZooKeeperException(ErrorCode.MarshallingError, message, path);

/// <summary>The server sent bytes that break the protocol (the connection is dropped).</summary>
public sealed class ZooKeeperProtocolException(string message) : ZooKeeperException(ErrorCode.MarshallingError, message);

/// <summary>
/// A multi transaction failed: nothing was applied. <see cref="Results"/> holds one result per op;
/// the op at <see cref="FailedOpIndex"/> carries the real error (<see cref="ZooKeeperException.Code"/>).
/// </summary>
public sealed class MultiOperationException(ErrorCode code, string? path, int failedOpIndex, IReadOnlyList<OpResult> results, string message)
    : ZooKeeperException(code, message, path)
{
    /// <summary>Index of the op that failed.</summary>
    public int FailedOpIndex { get; } = failedOpIndex;
    /// <summary>Results of every op (errors).</summary>
    public IReadOnlyList<OpResult> Results { get; } = results;
}
