namespace ZkDashboard.Core.Health;

public enum ServerStatus
{
    /// <summary>Not polled yet.</summary>
    Unknown,
    /// <summary>Answers and serves requests.</summary>
    Up,
    /// <summary>Answers four-letter words but is not serving (e.g. looking for a leader).</summary>
    NotServing,
    /// <summary>Reachable, but neither mntr nor srvr is allowed: enable them with 4lw.commands.whitelist.</summary>
    FourLetterWordsDisabled,
    /// <summary>Connection refused or timed out.</summary>
    Unreachable,
}

/// <summary>One poll of one server. Values are null when the server did not report them (command disabled, older version, down).</summary>
public sealed record ServerHealth
{
    public required string HostPort { get; init; }
    public ServerStatus Status { get; init; }
    /// <summary>"leader", "follower", "observer", "standalone", "read-only" or null.</summary>
    public string? Mode { get; init; }
    public bool IsLeader => Mode is "leader" or "standalone";
    /// <summary>What went wrong, worded for an operator (null when all is well).</summary>
    public string? Error { get; init; }
    /// <summary>Polled words refused by 4lw.commands.whitelist.</summary>
    public IReadOnlyList<string> DisabledCommands { get; init; } = [];
    public DateTimeOffset SampledAt { get; init; }
    public TimeSpan PollDuration { get; init; }
    public int? ServerId { get; init; }
    public string? Version { get; init; }
    public long? Zxid { get; init; }
    public long? Epoch => Zxid is { } z ? z >>> 32 : null;
    public long? ZxidCounter => Zxid is { } z ? z & 0xFFFF_FFFF : null;
    /// <summary>Transactions behind the leader's last zxid (0 for the leader).</summary>
    public long? ZxidLag { get; init; }
    public double? LatencyMin { get; init; }
    public double? LatencyAvg { get; init; }
    public double? LatencyMax { get; init; }
    /// <summary>p99 of read and update latency (the higher), when the server reports it (3.6+ mntr).</summary>
    public double? LatencyP99 { get; init; }
    public long? Outstanding { get; init; }
    public long? Connections { get; init; }
    public long? ZnodeCount { get; init; }
    public long? WatchCount { get; init; }
    public long? WatchedPaths { get; init; }
    public long? Ephemerals { get; init; }
    public long? ApproximateDataSize { get; init; }
    public long? OpenFileDescriptors { get; init; }
    public long? MaxFileDescriptors { get; init; }
    public double? FileDescriptorUsage => OpenFileDescriptors is { } o && MaxFileDescriptors is { } m && m > 0 ? (double)o / m : null;
    public long? PacketsReceived { get; init; }
    public long? PacketsSent { get; init; }
    /// <summary>Leader only: followers / synced followers / synced observers / pending syncs.</summary>
    public long? Followers { get; init; }
    public long? SyncedFollowers { get; init; }
    public long? SyncedObservers { get; init; }
    public long? PendingSyncs { get; init; }
    /// <summary>isro: true = read-only mode.</summary>
    public bool? ReadOnlyMode { get; init; }
    /// <summary>ruok answered imok.</summary>
    public bool? Ruok { get; init; }
    /// <summary>Client connections listed by cons.</summary>
    public int? ClientConnections { get; init; }
    /// <summary>Servers listed by conf (dynamic or static configuration).</summary>
    public IReadOnlyList<ConfiguredServer> ConfiguredServers { get; init; } = [];
    /// <summary>All numeric mntr values, keyed as the server names them (zk_*).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
}

/// <summary>Voters, quorum and fault tolerance.</summary>
/// <param name="Voters">Participants (observers excluded).</param>
/// <param name="QuorumSize">Majority of the voters.</param>
/// <param name="FailuresTolerated">By design: voters that may fail with the quorum kept (3 → 1, 5 → 2).</param>
/// <param name="VotersServing">Voters currently serving.</param>
/// <param name="HasQuorum">A leader (or a standalone server) is serving.</param>
/// <param name="FailuresToleratedNow">More voters that may fail right now before the quorum is lost.</param>
public sealed record QuorumState(int Voters, int QuorumSize, int FailuresTolerated, int VotersServing, bool HasQuorum, int FailuresToleratedNow)
{
    public static int QuorumFor(int voters) => voters <= 0 ? 0 : voters / 2 + 1;

    public static int FailuresToleratedFor(int voters) => voters <= 0 ? 0 : (voters - 1) / 2;

    public static QuorumState Compute(int voters, int votersServing, bool hasQuorum)
    {
        var quorum = QuorumFor(voters);
        var now = hasQuorum ? Math.Max(0, votersServing - quorum) : 0;
        return new QuorumState(voters, quorum, FailuresToleratedFor(voters), votersServing, hasQuorum, now);
    }
}

public enum EnsembleStatus
{
    /// <summary>Not polled yet, or every reachable server refuses the monitoring words (leadership cannot be known).</summary>
    Unknown,
    Healthy,
    /// <summary>Serving, with at least one active alert.</summary>
    Degraded,
    /// <summary>No quorum: clients cannot write.</summary>
    Down,
}

/// <summary>Derived state of one ensemble after one poll cycle.</summary>
public sealed record EnsembleHealth
{
    public required string Ensemble { get; init; }
    public DateTimeOffset Timestamp { get; init; }
    public EnsembleStatus Status { get; init; }
    public IReadOnlyList<ServerHealth> Servers { get; init; } = [];
    /// <summary>host:port of the leader (or of the standalone server); null when none.</summary>
    public string? Leader { get; init; }
    public IReadOnlyList<string> Followers { get; init; } = [];
    public IReadOnlyList<string> Observers { get; init; } = [];
    public required QuorumState Quorum { get; init; }
    public long? SyncedFollowers { get; init; }
    public long? LeaderZxid { get; init; }
    public long? Epoch => LeaderZxid is { } z ? z >>> 32 : null;
    /// <summary>Largest difference in znode count between serving servers (0 = all agree).</summary>
    public long? ZnodeCountDivergence { get; init; }
    public IReadOnlyList<HealthAlert> ActiveAlerts { get; init; } = [];
    /// <summary>Wall time of the whole poll cycle for this ensemble (servers polled concurrently).</summary>
    public TimeSpan PollDuration { get; init; }
}

public enum AlertKind
{
    ServerUnreachable,
    ServerNotServing,
    NoQuorum,
    NoLeader,
    LatencyHigh,
    OutstandingHigh,
    FdUsageHigh,
    ZxidLagHigh,
    FourLetterWordsDisabled,
    /// <summary>A leader election (new epoch) happened within the election window (default 5 min).</summary>
    LeaderElection,
    /// <summary>Serving servers disagree on the znode count by more than the threshold.</summary>
    ZnodeDivergence,
    WatchCountHigh,
    DataSizeHigh,
}

public enum AlertSeverity
{
    Warning,
    Critical,
}

/// <summary>An alert; <see cref="ResolvedAt"/> is null while active. <see cref="Server"/> is null for ensemble-wide alerts.</summary>
public sealed record HealthAlert(long Id, string Ensemble, string? Server, AlertKind Kind, AlertSeverity Severity, string Message,
    DateTimeOffset RaisedAt, DateTimeOffset? ResolvedAt, DateTimeOffset LastSeenAt)
{
    public bool IsActive => ResolvedAt is null;

    /// <summary>Who acknowledged the alert (null: not acknowledged). Kept while the alert stays active.</summary>
    public string? AcknowledgedBy { get; init; }

    public DateTimeOffset? AcknowledgedAt { get; init; }

    /// <summary>Notifications for this alert are silenced until then (null: not silenced).</summary>
    public DateTimeOffset? SilencedUntil { get; init; }

    /// <summary>True while <see cref="SilencedUntil"/> lies after <paramref name="now"/>.</summary>
    public bool IsSilenced(DateTimeOffset now) => SilencedUntil is { } until && until > now;
}

/// <summary>One point of a time series.</summary>
public readonly record struct MetricPoint(DateTimeOffset Timestamp, double Value);

/// <summary>A server listed by <c>conf</c> (static or dynamic configuration).</summary>
public sealed record ConfiguredServer(long Id, string Host, string Role, string? ClientAddress)
{
    public bool IsVoter => Role != "observer";
}
