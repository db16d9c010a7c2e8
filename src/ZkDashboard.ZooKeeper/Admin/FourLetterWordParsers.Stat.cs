namespace ZkDashboard.ZooKeeper.Admin;

public static partial class FourLetterWordParsers
{
    private const string VersionPrefix = "Zookeeper version:";
    private const string ReadOnlyBanner = "READ-ONLY mode";

    /// <summary>Parses the reply of <c>srvr</c> or <c>stat</c> (the latter includes a "Clients:" block).</summary>
    public static ServerStats ParseStat(string reply, string hostPort = UnknownSource, string word = FourLetterWords.Srvr)
    {
        ArgumentNullException.ThrowIfNull(reply);
        EnsureUsable(reply, word, hostPort);

        var raw = new Dictionary<string, string>(StringComparer.Ordinal);
        var clients = new List<ClientConnection>();
        string? version = null;
        var readOnly = false;
        var inClients = false;

        foreach (var rawLine in Lines(reply))
        {
            var line = rawLine.TrimEnd();
            if (inClients)
            {
                if (line.Length == 0)
                {
                    inClients = false;
                    continue;
                }

                clients.Add(ParseConnectionLine(line, hostPort, word));
                continue;
            }

            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith(VersionPrefix, StringComparison.Ordinal))
            {
                version = line[VersionPrefix.Length..].Trim();
                raw["Zookeeper version"] = version;
                continue;
            }

            if (line.StartsWith(ReadOnlyBanner, StringComparison.Ordinal))
            {
                readOnly = true;
                continue;
            }

            if (line == "Clients:")
            {
                inClients = true;
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw Malformed(hostPort, word, "expected 'Key: value'", line);
            }

            raw[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        if (version is null)
        {
            throw Malformed(hostPort, word, "no 'Zookeeper version:' line", reply.Split('\n')[0]);
        }

        var mode = Required(raw, "Mode", hostPort, word);
        var zxidText = Required(raw, "Zxid", hostPort, word);
        if (!TryParseHex(zxidText, out var zxid))
        {
            throw Malformed(hostPort, word, "Zxid is not hexadecimal", "Zxid: " + zxidText);
        }

        var (min, avg, max) = ParseTriple(Required(raw, "Latency min/avg/max", hostPort, word), hostPort, word);
        ProposalSizes? proposals = null;
        if (raw.TryGetValue("Proposal sizes last/min/max", out var ps))
        {
            var (l, mi, ma) = ParseTriple(ps, hostPort, word);
            proposals = new ProposalSizes((long)l, (long)mi, (long)ma);
        }

        return new ServerStats
        {
            Version = version,
            Mode = mode,
            IsReadOnly = readOnly || mode == "read-only",
            MinLatency = min,
            AvgLatency = avg,
            MaxLatency = max,
            Received = RequiredLong(raw, "Received", hostPort, word),
            Sent = RequiredLong(raw, "Sent", hostPort, word),
            Connections = (int)RequiredLong(raw, "Connections", hostPort, word),
            Outstanding = RequiredLong(raw, "Outstanding", hostPort, word),
            Zxid = zxid,
            NodeCount = RequiredLong(raw, "Node count", hostPort, word),
            ProposalSizes = proposals,
            Clients = clients,
            Raw = raw,
        };
    }

    private static string Required(Dictionary<string, string> raw, string key, string hostPort, string word) =>
        raw.TryGetValue(key, out var v) ? v : throw Malformed(hostPort, word, $"no '{key}:' line", string.Join(" | ", raw.Keys));

    private static long RequiredLong(Dictionary<string, string> raw, string key, string hostPort, string word) =>
        ParseLong(Required(raw, key, hostPort, word), hostPort, word, key);

    private static (double A, double B, double C) ParseTriple(string s, string hostPort, string word)
    {
        var parts = s.Split('/');
        if (parts.Length != 3)
        {
            throw Malformed(hostPort, word, "expected three values separated by '/'", s);
        }

        return (ParseDouble(parts[0], hostPort, word, s), ParseDouble(parts[1], hostPort, word, s), ParseDouble(parts[2], hostPort, word, s));
    }
}
