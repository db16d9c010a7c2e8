namespace ZkDashboard.Core.Sessions;

/// <summary>The user-facing state of an ensemble's shared session.</summary>
public enum EnsembleConnectionState
{
    /// <summary>No session opened yet (sessions open lazily on first use).</summary>
    NotConnected,
    /// <summary>Opening a session.</summary>
    Connecting,
    /// <summary>Connected to a serving member; reads and writes work; cached views are fresh.</summary>
    Connected,
    /// <summary>Connected to a server in read-only mode: reads work, writes are refused.</summary>
    ReadOnly,
    /// <summary>Connection lost, the session may still be alive; the client reconnects. Everything cached is stale.</summary>
    Suspended,
    /// <summary>The session expired; a new one is being opened. Everything cached is stale.</summary>
    Expired,
    /// <summary>The server refused the credentials. Fix the ensemble's digest credentials.</summary>
    AuthFailed,
    /// <summary>Opening a session failed (bad connect string, unreachable hosts). See the error.</summary>
    Failed,
    /// <summary>The session was closed (ensemble removed or the dashboard shutting down).</summary>
    Closed,
}

/// <summary>A snapshot of one ensemble's session.</summary>
/// <param name="Ensemble">Ensemble name.</param>
/// <param name="State">Current state.</param>
/// <param name="Since">When the state was entered.</param>
/// <param name="Error">Why the ensemble is not usable, when it is not.</param>
/// <param name="ConnectedServer">The server the session is connected to ("host:port").</param>
/// <param name="SessionId">The ZooKeeper session id (0 when none).</param>
/// <param name="FreshSince">When the session last became connected; cached data older than this, or any
/// cached data while not connected, is stale.</param>
public sealed record EnsembleSessionStatus(
    string Ensemble,
    EnsembleConnectionState State,
    DateTimeOffset Since,
    string? Error,
    string? ConnectedServer,
    long SessionId,
    DateTimeOffset? FreshSince)
{
    /// <summary>True when reads are served by a live session (connected or read-only).</summary>
    public bool IsLive => State is EnsembleConnectionState.Connected or EnsembleConnectionState.ReadOnly;

    /// <summary>Session id as ZooKeeper prints it (hex).</summary>
    public string SessionIdHex => $"0x{SessionId:x}";
}

/// <summary>Raised when an ensemble's session is usable again after a disconnection.</summary>
/// <param name="Ensemble">Ensemble name.</param>
/// <param name="NewSession">True when a new session replaced an expired (or re-configured) one: every server
/// watch must be registered again. False after a reconnect of the same session: watches survive, but changes
/// made while disconnected must be re-read.</param>
public sealed record SessionRestoredEventArgs(string Ensemble, bool NewSession);
