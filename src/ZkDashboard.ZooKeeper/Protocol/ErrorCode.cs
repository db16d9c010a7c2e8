namespace ZkDashboard.ZooKeeper;

/// <summary>Result codes, as numbered by ZooKeeper's <c>KeeperException.Code</c>.</summary>
public enum ErrorCode
{
    /// <summary>Everything is OK.</summary>
    Ok = 0,
    /// <summary>A server-side system error (never thrown by the server directly; used for ranges).</summary>
    SystemError = -1,
    /// <summary>A runtime inconsistency was found (also: later operations of a failed multi).</summary>
    RuntimeInconsistency = -2,
    /// <summary>A data inconsistency was found.</summary>
    DataInconsistency = -3,
    /// <summary>Connection to the server has been lost.</summary>
    ConnectionLoss = -4,
    /// <summary>Error while marshalling or unmarshalling data.</summary>
    MarshallingError = -5,
    /// <summary>Operation is unimplemented (or disabled) on this server.</summary>
    Unimplemented = -6,
    /// <summary>Operation timeout.</summary>
    OperationTimeout = -7,
    /// <summary>Invalid arguments.</summary>
    BadArguments = -8,
    /// <summary>The session does not exist on the server.</summary>
    UnknownSession = -12,
    /// <summary>No quorum of new config is connected and up-to-date with the leader.</summary>
    NewConfigNoQuorum = -13,
    /// <summary>Another reconfiguration is in progress.</summary>
    ReconfigInProgress = -14,
    /// <summary>API errors (range marker).</summary>
    ApiError = -100,
    /// <summary>Node does not exist.</summary>
    NoNode = -101,
    /// <summary>Not authorized.</summary>
    NoAuth = -102,
    /// <summary>Version conflict.</summary>
    BadVersion = -103,
    /// <summary>Ephemeral nodes may not have children.</summary>
    NoChildrenForEphemerals = -108,
    /// <summary>The node already exists.</summary>
    NodeExists = -110,
    /// <summary>The node has children.</summary>
    NotEmpty = -111,
    /// <summary>The session has been expired by the server.</summary>
    SessionExpired = -112,
    /// <summary>Invalid callback specified.</summary>
    InvalidCallback = -113,
    /// <summary>Invalid ACL specified.</summary>
    InvalidAcl = -114,
    /// <summary>Client authentication failed.</summary>
    AuthFailed = -115,
    /// <summary>Session moved to another server, so operation is ignored.</summary>
    SessionMoved = -118,
    /// <summary>State-changing request is passed to a read-only server.</summary>
    NotReadOnly = -119,
    /// <summary>Attempt to create an ephemeral node on a local session.</summary>
    EphemeralOnLocalSession = -120,
    /// <summary>Attempts to remove a non-existing watcher.</summary>
    NoWatcher = -121,
    /// <summary>Request not completed within max allowed time.</summary>
    RequestTimeout = -122,
    /// <summary>Attempts to perform a reconfiguration operation when reconfiguration is disabled.</summary>
    ReconfigDisabled = -123,
    /// <summary>The session was closed because SASL authentication is required.</summary>
    SessionClosedRequireSaslAuth = -124,
    /// <summary>A quota was exceeded.</summary>
    QuotaExceeded = -125,
    /// <summary>The request was throttled by the server.</summary>
    Throttled = -127,
}
