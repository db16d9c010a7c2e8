namespace ZkDashboard.ZooKeeper.Admin;

/// <summary>
/// Parsed reply of <c>conf</c>: the server's effective configuration, including the dynamic membership
/// (<c>server.N=</c> lines and <c>version=</c>) on a quorum server. Absent keys are null.
/// </summary>
public sealed record ServerConfig
{
    public int? ClientPort { get; init; }

    /// <summary>-1 when no secure port is configured.</summary>
    public int? SecureClientPort { get; init; }

    public string? DataDir { get; init; }

    public long? DataDirSize { get; init; }

    public string? DataLogDir { get; init; }

    public long? DataLogSize { get; init; }

    public int? TickTime { get; init; }

    public int? MaxClientCnxns { get; init; }

    public int? MinSessionTimeout { get; init; }

    public int? MaxSessionTimeout { get; init; }

    public int? ClientPortListenBacklog { get; init; }

    /// <summary>myid; 0 for a standalone server.</summary>
    public long? ServerId { get; init; }

    public int? InitLimit { get; init; }

    public int? SyncLimit { get; init; }

    public int? ElectionAlg { get; init; }

    public int? ElectionPort { get; init; }

    public int? QuorumPort { get; init; }

    /// <summary>0 participant, 1 observer.</summary>
    public int? PeerType { get; init; }

    /// <summary>Dynamic configuration version (hex, as printed after "version="), null when standalone.</summary>
    public string? ConfigVersion { get; init; }

    /// <summary>The <c>server.N=</c> lines; empty for a standalone server.</summary>
    public IReadOnlyList<QuorumMember> Members { get; init; } = [];

    /// <summary>True when the reply listed a membership (a quorum server rather than standalone).</summary>
    public bool IsQuorum => Members.Count > 0;

    /// <summary>Every key=value line as printed (membership lines included under "server.N").</summary>
    public IReadOnlyDictionary<string, string> Raw { get; init; } = new Dictionary<string, string>();
}

public enum QuorumRole
{
    Participant,
    Observer,
}

/// <summary>
/// One <c>server.N=host:quorumPort:electionPort[:role][;[clientHost:]clientPort]</c> line.
/// </summary>
public sealed record QuorumMember
{
    public required long Id { get; init; }

    public required string Host { get; init; }

    public required int QuorumPort { get; init; }

    public required int ElectionPort { get; init; }

    public QuorumRole Role { get; init; } = QuorumRole.Participant;

    /// <summary>Client address host after ';' when the server lists one.</summary>
    public string? ClientHost { get; init; }

    public int? ClientPort { get; init; }

    /// <summary>The value as printed (right of '=').</summary>
    public required string Spec { get; init; }

    public bool IsVoter => Role == QuorumRole.Participant;
}
