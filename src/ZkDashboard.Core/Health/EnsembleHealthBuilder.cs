namespace ZkDashboard.Core.Health;

/// <summary>Derives the ensemble view (leader, quorum, lag, divergence) and the alert conditions from one poll of every server.</summary>
internal static class EnsembleHealthBuilder
{
    internal sealed record AlertCondition(string? Server, AlertKind Kind, AlertSeverity Severity, string Message);

    public static EnsembleHealth Build(string ensemble, IReadOnlyList<ServerHealth> polled, DateTimeOffset at, TimeSpan duration)
    {
        var serving = polled.Where(s => s.Status == ServerStatus.Up).ToList();
        var leaders = serving.Where(s => s.IsLeader).OrderByDescending(s => s.Zxid ?? long.MinValue).ToList();
        var leader = leaders.FirstOrDefault();

        var servers = polled.Select(s => s.Zxid is { } z && leader?.Zxid is { } lz && s.Status == ServerStatus.Up
            ? s with { ZxidLag = ZxidLag(lz, z) }
            : s).ToArray();

        var followers = serving.Where(s => s.Mode == "follower").Select(s => s.HostPort).ToArray();
        var observers = serving.Where(s => s.Mode == "observer").Select(s => s.HostPort).ToArray();

        // Voters: from the conf of any server that lists the ensemble; otherwise every polled host that is not an observer.
        var configured = polled.Select(s => s.ConfiguredServers).FirstOrDefault(c => c.Count > 0);
        int voters;
        if (configured is not null)
        {
            voters = configured.Count(c => c.IsVoter);
        }
        else if (polled.Any(s => s.Mode == "standalone"))
        {
            voters = 1;
        }
        else
        {
            voters = polled.Count(s => s.Mode != "observer");
        }

        var votersServing = serving.Count(s => s.Mode is "leader" or "follower" or "standalone");
        if (leader?.SyncedFollowers is { } synced && leader.Mode == "leader")
        {
            votersServing = Math.Max(votersServing, (int)synced + 1);
        }
        var hasQuorum = serving.Any(s => s.Mode is "leader" or "follower" or "standalone");
        var quorum = QuorumState.Compute(voters, voters > 0 ? Math.Min(votersServing, voters) : votersServing, hasQuorum);

        // With the monitoring words refused everywhere, nothing is known about leadership: say so instead of "down".
        var unknown = !hasQuorum && polled.Any(s => s.Status == ServerStatus.FourLetterWordsDisabled)
                      && polled.All(s => s.Status is ServerStatus.FourLetterWordsDisabled or ServerStatus.Unreachable);
        var counts = serving.Where(s => s.ZnodeCount.HasValue).Select(s => s.ZnodeCount!.Value).ToArray();
        return new EnsembleHealth
        {
            Ensemble = ensemble,
            Timestamp = at,
            Servers = servers,
            Leader = leader?.HostPort,
            Followers = followers,
            Observers = observers,
            Quorum = quorum,
            SyncedFollowers = leader?.SyncedFollowers,
            LeaderZxid = leader?.Zxid,
            ZnodeCountDivergence = counts.Length > 0 ? counts.Max() - counts.Min() : null,
            PollDuration = duration,
            Status = unknown ? EnsembleStatus.Unknown : !hasQuorum ? EnsembleStatus.Down : EnsembleStatus.Healthy,
        };
    }

    /// <summary>
    /// Transactions a server is behind the leader. Within one epoch: the counter difference. A server still on an older
    /// epoch has applied none of the current epoch's transactions: the leader's counter. (A raw zxid difference across
    /// epochs would count 2^32 per epoch.)
    /// </summary>
    public static long ZxidLag(long leaderZxid, long serverZxid)
    {
        long leaderEpoch = leaderZxid >>> 32, serverEpoch = serverZxid >>> 32;
        long leaderCounter = leaderZxid & 0xFFFF_FFFF, serverCounter = serverZxid & 0xFFFF_FFFF;
        return serverEpoch == leaderEpoch ? Math.Max(0, leaderCounter - serverCounter)
            : serverEpoch < leaderEpoch ? leaderCounter
            : 0;
    }

    /// <summary>The conditions of <paramref name="rules"/> that hold; <paramref name="elections"/> are the times a new epoch was seen within the window.</summary>
    public static List<AlertCondition> Conditions(EnsembleHealth health, EffectiveHealthRules rules, IReadOnlyList<DateTimeOffset> elections)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var result = Conditions(health, rules.Thresholds);
        if (elections.Count > 0 && health.Status != EnsembleStatus.Unknown)
        {
            var w = rules.Thresholds.ElectionWindow;
            var window = w.TotalMinutes >= 1 && w.Seconds == 0 ? $"{w.TotalMinutes:0} min" : $"{w.TotalSeconds:0.#} s";
            result.Add(new(null, AlertKind.LeaderElection, AlertSeverity.Warning,
                $"{elections.Count} leader election(s) in the last {window} (last at {elections[^1]:HH:mm:ss} UTC, epoch {health.Epoch}); leader now {health.Leader ?? "none"}."));
        }
        return result.Where(c => rules.IsEnabled(c.Kind)).ToList();
    }

    public static List<AlertCondition> Conditions(EnsembleHealth health, HealthThresholds t)
    {
        ArgumentNullException.ThrowIfNull(health);
        ArgumentNullException.ThrowIfNull(t);
        var result = new List<AlertCondition>();
        if (health.ZnodeCountDivergence is { } div && div > t.ZnodeCountDivergence)
        {
            result.Add(new(null, AlertKind.ZnodeDivergence, AlertSeverity.Warning,
                $"Serving servers disagree on the znode count by {div} (threshold {t.ZnodeCountDivergence}): a server may be out of sync."));
        }
        var anyFollowing = health.Servers.Any(s => s.Status == ServerStatus.Up && s.Mode is "follower" or "observer");
        if (!health.Quorum.HasQuorum && health.Status != EnsembleStatus.Unknown)
        {
            result.Add(new(null, AlertKind.NoQuorum, AlertSeverity.Critical,
                $"No quorum: {health.Quorum.VotersServing} of {health.Quorum.Voters} voters serving, {health.Quorum.QuorumSize} needed. Clients cannot read or write."));
        }
        if (health.Leader is null && !anyFollowing && health.Status != EnsembleStatus.Unknown)
        {
            result.Add(new(null, AlertKind.NoLeader, AlertSeverity.Critical, "No server reports itself as leader."));
        }
        foreach (var s in health.Servers)
        {
            switch (s.Status)
            {
                case ServerStatus.Unreachable:
                    result.Add(new(s.HostPort, AlertKind.ServerUnreachable, AlertSeverity.Critical, s.Error ?? $"{s.HostPort} is unreachable."));
                    continue;
                case ServerStatus.NotServing:
                    result.Add(new(s.HostPort, AlertKind.ServerNotServing, AlertSeverity.Critical, s.Error ?? $"{s.HostPort} is not serving."));
                    break;
                case ServerStatus.Unknown:
                    continue;
            }
            if (s.DisabledCommands.Count > 0)
            {
                result.Add(new(s.HostPort, AlertKind.FourLetterWordsDisabled, AlertSeverity.Warning,
                    $"{s.HostPort} refuses {string.Join(", ", s.DisabledCommands)}: enable `4lw.commands.whitelist` (e.g. 4lw.commands.whitelist=mntr,srvr,conf,cons,wchs,isro,ruok)."));
            }
            if (s.Status != ServerStatus.Up)
            {
                continue;
            }
            if (s.LatencyAvg is { } lat && lat > t.AvgLatencyMs)
            {
                result.Add(new(s.HostPort, AlertKind.LatencyHigh, AlertSeverity.Warning, $"{s.HostPort}: average latency {lat:0.##} ms is above {t.AvgLatencyMs} ms."));
            }
            if (s.Outstanding is { } o && o > t.OutstandingRequests)
            {
                result.Add(new(s.HostPort, AlertKind.OutstandingHigh, AlertSeverity.Warning, $"{s.HostPort}: {o} outstanding requests (threshold {t.OutstandingRequests})."));
            }
            if (s.FileDescriptorUsage is { } fd && fd > t.FdUsageRatio)
            {
                result.Add(new(s.HostPort, AlertKind.FdUsageHigh, AlertSeverity.Warning,
                    $"{s.HostPort}: {s.OpenFileDescriptors} of {s.MaxFileDescriptors} file descriptors open ({fd:P0}, threshold {t.FdUsageRatio:P0})."));
            }
            if (s.WatchCount is { } watches && watches > t.WatchCount)
            {
                result.Add(new(s.HostPort, AlertKind.WatchCountHigh, AlertSeverity.Warning, $"{s.HostPort}: {watches} watches (threshold {t.WatchCount})."));
            }
            if (s.ApproximateDataSize is { } size && size > t.ApproximateDataSizeBytes)
            {
                result.Add(new(s.HostPort, AlertKind.DataSizeHigh, AlertSeverity.Warning,
                    $"{s.HostPort}: approximate data size {size:N0} bytes is above {t.ApproximateDataSizeBytes:N0} bytes."));
            }
            if (s.ZxidLag is { } lag && lag > t.ZxidLag)
            {
                result.Add(new(s.HostPort, AlertKind.ZxidLagHigh, AlertSeverity.Warning, $"{s.HostPort} is {lag} transactions behind the leader (threshold {t.ZxidLag})."));
            }
        }
        return result;
    }
}
