namespace ZkDashboard.ZooKeeper.Admin;

public static partial class FourLetterWordParsers
{
    /// <summary>
    /// Parses the reply of <c>mntr</c>: lines of <c>zk_key&lt;TAB&gt;value</c>. Every line ends with a newline,
    /// so a reply whose last line is unterminated was cut short and is refused.
    /// </summary>
    public static MonitorMetrics ParseMntr(string reply, string hostPort = UnknownSource)
    {
        ArgumentNullException.ThrowIfNull(reply);
        const string word = FourLetterWords.Mntr;
        EnsureUsable(reply, word, hostPort);
        if (!reply.EndsWith('\n'))
        {
            var last = reply[(reply.LastIndexOf('\n') + 1)..];
            throw Malformed(hostPort, word, $"the reply ends in the middle of a line after {reply.Length} characters (truncated)", last);
        }

        var raw = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rawLine in Lines(reply))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            var sep = line.IndexOf('\t', StringComparison.Ordinal);
            if (sep < 0)
            {
                sep = line.IndexOf(' ', StringComparison.Ordinal);
            }

            if (sep <= 0)
            {
                throw Malformed(hostPort, word, "expected 'key<TAB>value'", line);
            }

            raw[line[..sep]] = line[(sep + 1)..].Trim();
        }

        if (!raw.ContainsKey("zk_server_state") && !raw.ContainsKey("zk_version"))
        {
            throw Malformed(hostPort, word, "neither zk_version nor zk_server_state present", reply.Split('\n')[0]);
        }

        long? L(string key) => LongOrNull(raw, key) ?? (DoubleOrNull(raw, key) is { } d ? (long)d : null);
        double? D(string key) => DoubleOrNull(raw, key);
        long? Hex(string key) => raw.TryGetValue(key, out var s) && TryParseHex(s, out var v) ? v : null;

        var p99Read = D("zk_p99_readlatency");
        var p99Update = D("zk_p99_updatelatency");
        var p99 = D("zk_p99_latency") ?? D("zk_latency_p99") ?? MaxOf(p99Read, p99Update);

        return new MonitorMetrics
        {
            Version = raw.GetValueOrDefault("zk_version"),
            ServerState = raw.GetValueOrDefault("zk_server_state"),
            PeerState = raw.GetValueOrDefault("zk_peer_state"),
            AvgLatency = D("zk_avg_latency"),
            MinLatency = D("zk_min_latency"),
            MaxLatency = D("zk_max_latency"),
            P99Latency = p99,
            P99ReadLatency = p99Read,
            P99UpdateLatency = p99Update,
            PacketsReceived = L("zk_packets_received"),
            PacketsSent = L("zk_packets_sent"),
            NumAliveConnections = L("zk_num_alive_connections"),
            OutstandingRequests = L("zk_outstanding_requests"),
            ZnodeCount = L("zk_znode_count"),
            WatchCount = L("zk_watch_count"),
            EphemeralsCount = L("zk_ephemerals_count"),
            ApproximateDataSize = L("zk_approximate_data_size"),
            OpenFileDescriptorCount = L("zk_open_file_descriptor_count"),
            MaxFileDescriptorCount = L("zk_max_file_descriptor_count"),
            Followers = L("zk_followers") ?? L("zk_learners"),
            SyncedFollowers = L("zk_synced_followers"),
            SyncedObservers = L("zk_synced_observers"),
            PendingSyncs = L("zk_pending_syncs"),
            QuorumSize = L("zk_quorum_size"),
            GlobalSessions = L("zk_global_sessions"),
            LocalSessions = L("zk_local_sessions"),
            UptimeMs = L("zk_uptime"),
            LastZxid = Hex("zk_last_zxid") ?? Hex("zk_zxid"),
            FsyncThresholdExceedCount = L("zk_fsync_threshold_exceed_count"),
            Raw = raw,
        };
    }

    private static double? MaxOf(double? a, double? b) =>
        a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}
