namespace ZkDashboard.ZooKeeper.Admin;

/// <summary>
/// Parsed reply of <c>mntr</c>. Typed properties cover the keys of ZooKeeper 3.5 through 3.9
/// (3.6+ renamed some, e.g. <c>zk_followers</c> became <c>zk_learners</c>, and added summaries such as
/// <c>zk_p99_readlatency</c>). Keys a server does not print are null. <see cref="Raw"/> holds every key
/// exactly as printed (including the "zk_" prefix) with its string value.
/// </summary>
public sealed record MonitorMetrics
{
    public string? Version { get; init; }

    /// <summary>"leader", "follower", "standalone", "observer" or "read-only".</summary>
    public string? ServerState { get; init; }

    /// <summary>3.6+: e.g. "leading - broadcast", "following - broadcast".</summary>
    public string? PeerState { get; init; }

    /// <summary>Average request latency in ms (a decimal since 3.6, an integer before).</summary>
    public double? AvgLatency { get; init; }

    public double? MinLatency { get; init; }

    public double? MaxLatency { get; init; }

    /// <summary>
    /// p99 request latency in ms: <c>zk_p99_latency</c> when the server prints it, otherwise the larger of
    /// <c>zk_p99_readlatency</c> and <c>zk_p99_updatelatency</c> (3.6+). Null on 3.5.
    /// </summary>
    public double? P99Latency { get; init; }

    public double? P99ReadLatency { get; init; }

    public double? P99UpdateLatency { get; init; }

    public long? PacketsReceived { get; init; }

    public long? PacketsSent { get; init; }

    public long? NumAliveConnections { get; init; }

    public long? OutstandingRequests { get; init; }

    public long? ZnodeCount { get; init; }

    public long? WatchCount { get; init; }

    public long? EphemeralsCount { get; init; }

    public long? ApproximateDataSize { get; init; }

    public long? OpenFileDescriptorCount { get; init; }

    public long? MaxFileDescriptorCount { get; init; }

    /// <summary>Leader only: <c>zk_followers</c> (3.5) or <c>zk_learners</c> (3.6+).</summary>
    public long? Followers { get; init; }

    /// <summary>Leader only.</summary>
    public long? SyncedFollowers { get; init; }

    /// <summary>Leader only (3.6+).</summary>
    public long? SyncedObservers { get; init; }

    /// <summary>Leader only.</summary>
    public long? PendingSyncs { get; init; }

    /// <summary>3.6+: voting members needed for a quorum, as the server sees it (leader only in 3.8).</summary>
    public long? QuorumSize { get; init; }

    public long? GlobalSessions { get; init; }

    public long? LocalSessions { get; init; }

    /// <summary>Server uptime in ms (3.6+).</summary>
    public long? UptimeMs { get; init; }

    /// <summary>Last zxid, when a server version prints it (<c>zk_last_zxid</c>, <c>zk_zxid</c>); 3.8 does not.</summary>
    public long? LastZxid { get; init; }

    public long? FsyncThresholdExceedCount { get; init; }

    /// <summary>All keys as printed, e.g. "zk_avg_latency" → "6.3846".</summary>
    public IReadOnlyDictionary<string, string> Raw { get; init; } = new Dictionary<string, string>();

    /// <summary>A raw value parsed as a number (accepts "zk_x" or "x"); null when absent or not numeric.</summary>
    public double? GetNumber(string key)
    {
        if (!Raw.TryGetValue(key, out var s) && !Raw.TryGetValue("zk_" + key, out s))
        {
            return null;
        }

        return FourLetterWordParsers.TryParseDouble(s, out var d) ? d : null;
    }
}
