namespace ZkDashboard.ZooKeeper.Admin;

/// <summary>
/// The reply of <c>dump</c>. On the leader (and a standalone server) the session tracker lists every session by expiry bucket;
/// on a follower or observer it lists the global sessions with their timeouts. Every server lists the ephemeral nodes of its
/// data tree by owner session, and 3.6+ lists the connections of that server.
/// </summary>
public sealed record SessionDump
{
    /// <summary>True when the reply came from the leader's (or a standalone server's) session tracker ("Session Sets").</summary>
    public bool FromLeaderTracker { get; init; }

    public IReadOnlyList<DumpedSession> Sessions { get; init; } = [];

    /// <summary>Ephemeral node paths by owner session id, in the order the server listed them.</summary>
    public IReadOnlyDictionary<long, IReadOnlyList<string>> Ephemerals { get; init; } = new Dictionary<long, IReadOnlyList<string>>();

    /// <summary>Connections of this server ("Connections dump", 3.6+): remote address and session id (0 before a session is set up).</summary>
    public IReadOnlyList<DumpedConnection> Connections { get; init; } = [];

    public IReadOnlyList<string> EphemeralsOf(long sessionId) => Ephemerals.TryGetValue(sessionId, out var paths) ? paths : [];
}

/// <summary>One session of a dump.</summary>
/// <param name="SessionId">The id.</param>
/// <param name="SessionIdHex">As printed ("0x3000024a1d50003").</param>
/// <param name="ExpiresAt">Leader only: the end of the session's expiry bucket (null when the printed date's zone is not UTC/GMT).</param>
/// <param name="ExpiresAtText">Leader only: the bucket's date as printed (Java's Date.toString, server zone).</param>
/// <param name="TimeoutMs">Follower only: the session timeout.</param>
public sealed record DumpedSession(long SessionId, string SessionIdHex, DateTimeOffset? ExpiresAt, string? ExpiresAtText, long? TimeoutMs);

/// <summary>One connection of a dump.</summary>
public sealed record DumpedConnection(string RemoteAddress, long SessionId);
