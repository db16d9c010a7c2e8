using System.Diagnostics;
using System.Globalization;
using ZkDashboard.ZooKeeper.Admin;

namespace ZkDashboard.Core.Health;

/// <summary>
/// Polls one server with every word of <see cref="HealthOptions.Commands"/> concurrently and folds the replies (parsed by the
/// admin client's <see cref="FourLetterWordParsers"/>) into a <see cref="ServerHealth"/>. A refused word is recorded, never thrown.
/// </summary>
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
        if (!results.Any(r => r.Reply is not null || r.Failure?.Failure == FourLetterWordFailure.Disabled))
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

        var notServing = false;
        var parseErrors = new List<string>();
        T? Parse<T>(string word, Func<string, T> parse) where T : class
        {
            if (byWord[word].Reply is not { } reply)
            {
                return null;
            }
            try
            {
                return parse(reply);
            }
            catch (FourLetterWordNotServingException)
            {
                notServing = true;
            }
            catch (FourLetterWordException ex)
            {
                parseErrors.Add(ex.Message);
            }
            return null;
        }

        var mntr = Parse("mntr", r => FourLetterWordParsers.ParseMntr(r, hostPort));
        var srvr = Parse("srvr", r => FourLetterWordParsers.ParseStat(r, hostPort, FourLetterWords.Srvr));
        var conf = Parse("conf", r => FourLetterWordParsers.ParseConf(r, hostPort));
        var wchs = Parse("wchs", r => FourLetterWordParsers.ParseWchs(r, hostPort));
        var cons = Parse("cons", r => FourLetterWordParsers.ParseCons(r, hostPort));
        var isro = Parse("isro", r => (object)FourLetterWordParsers.ParseIsro(r, hostPort)) as bool?;
        var ruok = Parse("ruok", r => (object)FourLetterWordParsers.ParseRuok(r, hostPort)) as bool?;

        var numeric = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, value) in mntr?.Raw ?? new Dictionary<string, string>())
        {
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
            {
                numeric[key] = d;
            }
        }

        var status = notServing && mntr is null && srvr is null ? ServerStatus.NotServing
            : mntr is not null || srvr is not null ? ServerStatus.Up
            : disabled.Contains("mntr") && disabled.Contains("srvr") ? ServerStatus.FourLetterWordsDisabled
            : ServerStatus.Unreachable;
        var mode = mntr?.ServerState ?? srvr?.Mode;
        if (mode is null && isro == true)
        {
            mode = "read-only";
        }

        var error = status switch
        {
            ServerStatus.NotServing => $"{hostPort} is running but not serving requests (it may be electing a leader or cut off from the quorum).",
            ServerStatus.FourLetterWordsDisabled => $"{hostPort} refuses the monitoring commands; enable `4lw.commands.whitelist` (e.g. 4lw.commands.whitelist=mntr,srvr,conf,cons,wchs,isro,ruok) in zoo.cfg.",
            ServerStatus.Unreachable => $"{hostPort} answered neither mntr nor srvr: "
                                        + string.Join("; ", results.Where(r => r.Failure is not null).Select(r => r.Failure!.Message).Concat(parseErrors).Take(2)),
            _ => disabled.Length > 0 ? $"{hostPort} refuses {string.Join(", ", disabled)}; enable `4lw.commands.whitelist` for full monitoring."
                : parseErrors.Count > 0 ? parseErrors[0] : null,
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
            ServerId = conf?.ServerId is { } id ? (int)id : null,
            Version = mntr?.Version ?? srvr?.Version,
            Zxid = srvr?.Zxid ?? mntr?.LastZxid,
            LatencyMin = mntr?.MinLatency ?? srvr?.MinLatency,
            LatencyAvg = mntr?.AvgLatency ?? srvr?.AvgLatency,
            LatencyMax = mntr?.MaxLatency ?? srvr?.MaxLatency,
            LatencyP99 = mntr?.P99Latency,
            Outstanding = mntr?.OutstandingRequests ?? srvr?.Outstanding,
            Connections = mntr?.NumAliveConnections ?? srvr?.Connections,
            ZnodeCount = mntr?.ZnodeCount ?? srvr?.NodeCount,
            WatchCount = mntr?.WatchCount ?? wchs?.TotalWatches,
            WatchedPaths = wchs?.WatchedPaths,
            Ephemerals = mntr?.EphemeralsCount,
            ApproximateDataSize = mntr?.ApproximateDataSize,
            OpenFileDescriptors = mntr?.OpenFileDescriptorCount,
            MaxFileDescriptors = mntr?.MaxFileDescriptorCount,
            PacketsReceived = mntr?.PacketsReceived ?? srvr?.Received,
            PacketsSent = mntr?.PacketsSent ?? srvr?.Sent,
            Followers = mntr?.Followers,
            SyncedFollowers = mntr?.SyncedFollowers,
            SyncedObservers = mntr?.SyncedObservers,
            PendingSyncs = mntr?.PendingSyncs,
            ReadOnlyMode = isro,
            Ruok = ruok,
            ClientConnections = cons?.Count,
            ConfiguredServers = conf?.Members
                .Select(m => new ConfiguredServer(m.Id, m.Host, m.Role == QuorumRole.Observer ? "observer" : "participant",
                    m.ClientHost is null ? null : m.ClientPort is { } p ? $"{m.ClientHost}:{p}" : m.ClientHost))
                .OrderBy(m => m.Id).ToArray() ?? [],
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
