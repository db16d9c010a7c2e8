using System.Diagnostics;

namespace ZkDashboard.Core.Health;

/// <summary>Polls one server with every word of <see cref="HealthOptions.Commands"/> concurrently and folds the replies into a <see cref="ServerHealth"/>.</summary>
internal sealed class ServerPoller(IFourLetterWordTransport transport, TimeProvider time)
{
    private sealed record WordResult(string Word, string? Reply, FourLetterWordProbeException? Failure);

    public async Task<ServerHealth> PollAsync(string hostPort, TimeSpan timeout, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var sampledAt = time.GetUtcNow();
        var results = await Task.WhenAll(HealthOptions.Commands.Select(w => SendAsync(hostPort, w, timeout, ct))).ConfigureAwait(false);
        var byWord = results.ToDictionary(r => r.Word, StringComparer.Ordinal);
        var elapsed = Stopwatch.GetElapsedTime(started);

        var disabled = results.Where(r => r.Failure?.Failure == FourLetterWordFailure.Disabled).Select(r => r.Word).ToArray();
        var answered = results.Where(r => r.Reply is not null || r.Failure?.Failure == FourLetterWordFailure.Disabled).ToArray();
        if (answered.Length == 0)
        {
            var first = results.Select(r => r.Failure).FirstOrDefault(f => f is not null);
            return new ServerHealth
            {
                HostPort = hostPort,
                Status = ServerStatus.Unreachable,
                SampledAt = sampledAt,
                PollDuration = elapsed,
                Error = first?.Failure == FourLetterWordFailure.Timeout
                    ? $"{hostPort} did not answer within {timeout.TotalMilliseconds:0} ms."
                    : $"{hostPort} is unreachable: {first?.Message}",
            };
        }

        var mntrText = byWord["mntr"].Reply;
        var srvrText = byWord["srvr"].Reply;
        var notServing = (mntrText is not null && FourLetterWordParsers.IsNotServing(mntrText))
                         || (srvrText is not null && FourLetterWordParsers.IsNotServing(srvrText));
        var mntr = mntrText is not null && !FourLetterWordParsers.IsNotServing(mntrText) ? FourLetterWordParsers.ParseMntr(mntrText) : null;
        var numeric = mntr is not null ? FourLetterWordParsers.Numeric(mntr) : new Dictionary<string, double>();
        var srvr = srvrText is not null && !FourLetterWordParsers.IsNotServing(srvrText) ? FourLetterWordParsers.ParseSrvr(srvrText) : null;
        var conf = byWord["conf"].Reply is { } confText && !FourLetterWordParsers.IsNotServing(confText) ? FourLetterWordParsers.ParseConf(confText) : null;
        var wchs = byWord["wchs"].Reply is { } wchsText && !FourLetterWordParsers.IsNotServing(wchsText) ? FourLetterWordParsers.ParseWchs(wchsText) : null;
        var cons = byWord["cons"].Reply is { } consText && !FourLetterWordParsers.IsNotServing(consText) ? FourLetterWordParsers.CountConnections(consText) : (int?)null;
        var isro = byWord["isro"].Reply?.Trim();
        var ruok = byWord["ruok"].Reply;

        long? L(string key) => numeric.TryGetValue(key, out var v) ? (long)v : null;
        double? D(string key) => numeric.TryGetValue(key, out var v) ? v : null;

        var mode = mntr?.GetValueOrDefault("zk_server_state") ?? srvr?.Mode;
        if (mode is null && isro == "ro")
        {
            mode = "read-only";
        }
        var status = notServing ? ServerStatus.NotServing
            : mntr is null && srvr is null && (disabled.Contains("mntr") && disabled.Contains("srvr")) ? ServerStatus.FourLetterWordsDisabled
            : mntr is null && srvr is null ? ServerStatus.Unreachable
            : ServerStatus.Up;

        var p99 = new[] { D("zk_p99_readlatency"), D("zk_p99_updatelatency") }.Where(v => v.HasValue).Max();
        string? error = status switch
        {
            ServerStatus.NotServing => $"{hostPort} is not serving requests (it may be electing a leader or cut off from the quorum).",
            ServerStatus.FourLetterWordsDisabled => $"{hostPort} refuses the monitoring commands; enable `4lw.commands.whitelist` (e.g. 4lw.commands.whitelist=mntr,srvr,conf,cons,wchs,isro,ruok) in zoo.cfg.",
            ServerStatus.Unreachable => $"{hostPort} answered neither mntr nor srvr: " + string.Join("; ", results.Where(r => r.Failure is not null).Select(r => r.Failure!.Message).Take(2)),
            _ => disabled.Length > 0 ? $"{hostPort} refuses {string.Join(", ", disabled)}; enable `4lw.commands.whitelist` for full monitoring." : null,
        };

        return new ServerHealth
        {
            HostPort = hostPort,
            Status = status,
            Mode = status == ServerStatus.Up ? mode : null,
            Error = error,
            DisabledCommands = disabled,
            SampledAt = sampledAt,
            PollDuration = elapsed,
            ServerId = conf?.ServerId,
            Version = mntr?.GetValueOrDefault("zk_version") ?? srvr?.Version,
            Zxid = srvr?.Zxid,
            LatencyMin = D("zk_min_latency") ?? srvr?.LatencyMin,
            LatencyAvg = D("zk_avg_latency") ?? srvr?.LatencyAvg,
            LatencyMax = D("zk_max_latency") ?? srvr?.LatencyMax,
            LatencyP99 = p99,
            Outstanding = L("zk_outstanding_requests") ?? srvr?.Outstanding,
            Connections = L("zk_num_alive_connections") ?? srvr?.Connections,
            ZnodeCount = L("zk_znode_count") ?? srvr?.NodeCount,
            WatchCount = L("zk_watch_count") ?? wchs?.TotalWatches,
            WatchedPaths = wchs?.Paths,
            Ephemerals = L("zk_ephemerals_count"),
            ApproximateDataSize = L("zk_approximate_data_size"),
            OpenFileDescriptors = L("zk_open_file_descriptor_count"),
            MaxFileDescriptors = L("zk_max_file_descriptor_count"),
            PacketsReceived = L("zk_packets_received") ?? srvr?.Received,
            PacketsSent = L("zk_packets_sent") ?? srvr?.Sent,
            Followers = L("zk_followers"),
            SyncedFollowers = L("zk_synced_followers"),
            SyncedObservers = L("zk_synced_observers"),
            PendingSyncs = L("zk_pending_syncs"),
            ReadOnlyMode = isro switch { "ro" => true, "rw" => false, _ => null },
            Ruok = ruok is null ? null : ruok.StartsWith("imok", StringComparison.Ordinal),
            ClientConnections = cons,
            ConfiguredServers = conf?.Servers ?? [],
            Metrics = numeric,
        };
    }

    private async Task<WordResult> SendAsync(string hostPort, string word, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            return new WordResult(word, await transport.SendAsync(hostPort, word, timeout, ct).ConfigureAwait(false), null);
        }
        catch (FourLetterWordProbeException ex)
        {
            return new WordResult(word, null, ex);
        }
    }
}
