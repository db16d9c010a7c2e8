using System.Globalization;

namespace ZkDashboard.ZooKeeper.Admin;

public static partial class FourLetterWordParsers
{
    /// <summary>
    /// Parses the reply of <c>conf</c>: <c>key=value</c> lines, then on a quorum server a "membership:" line,
    /// the <c>server.N=</c> lines and <c>version=</c>.
    /// </summary>
    public static ServerConfig ParseConf(string reply, string hostPort = UnknownSource)
    {
        ArgumentNullException.ThrowIfNull(reply);
        const string word = FourLetterWords.Conf;
        EnsureUsable(reply, word, hostPort);

        var raw = new Dictionary<string, string>(StringComparer.Ordinal);
        var members = new List<QuorumMember>();
        foreach (var rawLine in Lines(reply))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith("membership:", StringComparison.Ordinal))
            {
                continue;
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw Malformed(hostPort, word, "expected 'key=value'", line);
            }

            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            raw[key] = value;
            if (key.StartsWith("server.", StringComparison.Ordinal))
            {
                members.Add(ParseQuorumMember(key, value, hostPort));
            }
        }

        if (!raw.ContainsKey("clientPort") && !raw.ContainsKey("dataDir") && members.Count == 0)
        {
            throw Malformed(hostPort, word, "none of clientPort, dataDir or server.N present", reply.Split('\n')[0]);
        }

        return new ServerConfig
        {
            ClientPort = IntOrNull(raw, "clientPort"),
            SecureClientPort = IntOrNull(raw, "secureClientPort"),
            DataDir = raw.GetValueOrDefault("dataDir"),
            DataDirSize = LongOrNull(raw, "dataDirSize"),
            DataLogDir = raw.GetValueOrDefault("dataLogDir"),
            DataLogSize = LongOrNull(raw, "dataLogSize"),
            TickTime = IntOrNull(raw, "tickTime"),
            MaxClientCnxns = IntOrNull(raw, "maxClientCnxns"),
            MinSessionTimeout = IntOrNull(raw, "minSessionTimeout"),
            MaxSessionTimeout = IntOrNull(raw, "maxSessionTimeout"),
            ClientPortListenBacklog = IntOrNull(raw, "clientPortListenBacklog"),
            ServerId = LongOrNull(raw, "serverId"),
            InitLimit = IntOrNull(raw, "initLimit"),
            SyncLimit = IntOrNull(raw, "syncLimit"),
            ElectionAlg = IntOrNull(raw, "electionAlg"),
            ElectionPort = IntOrNull(raw, "electionPort"),
            QuorumPort = IntOrNull(raw, "quorumPort"),
            PeerType = IntOrNull(raw, "peerType"),
            ConfigVersion = raw.GetValueOrDefault("version"),
            Members = members.OrderBy(m => m.Id).ToList(),
            Raw = raw,
        };
    }

    /// <summary>
    /// Parses one dynamic-configuration server line, e.g. <c>server.1</c> and
    /// <c>10.0.0.1:2888:3888:participant;0.0.0.0:2181</c>. With several addresses ('|', 3.6+) the first is used.
    /// </summary>
    public static QuorumMember ParseQuorumMember(string key, string spec, string hostPort = UnknownSource)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(spec);
        const string word = FourLetterWords.Conf;
        var line = key + "=" + spec;
        if (!long.TryParse(key.AsSpan("server.".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            throw Malformed(hostPort, word, "server id after 'server.' is not a number", line);
        }

        var semi = spec.IndexOf(';', StringComparison.Ordinal);
        var serverPart = semi >= 0 ? spec[..semi] : spec;
        var clientPart = semi >= 0 ? spec[(semi + 1)..] : null;
        serverPart = serverPart.Split('|')[0];

        var (host, rest) = SplitHost(serverPart);
        var fields = rest.Split(':', StringSplitOptions.None);
        // rest is ":q:e" or ":q:e:role" — fields[0] is empty.
        if (fields.Length < 3 || fields[0].Length != 0
            || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var quorumPort)
            || !int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var electionPort))
        {
            throw Malformed(hostPort, word, "expected host:quorumPort:electionPort[:role][;clientPort]", line);
        }

        var role = QuorumRole.Participant;
        if (fields.Length >= 4)
        {
            role = fields[3].Trim().ToUpperInvariant() switch
            {
                "PARTICIPANT" => QuorumRole.Participant,
                "OBSERVER" => QuorumRole.Observer,
                _ => throw Malformed(hostPort, word, $"unknown role '{fields[3]}'", line),
            };
        }

        string? clientHost = null;
        int? clientPort = null;
        if (!string.IsNullOrWhiteSpace(clientPart))
        {
            var c = clientPart.Trim();
            if (c.Contains(':', StringComparison.Ordinal))
            {
                var (ch, crest) = SplitHost(c);
                clientHost = ch;
                c = crest.TrimStart(':');
            }

            clientPort = int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var cp)
                ? cp
                : throw Malformed(hostPort, word, "client port after ';' is not a number", line);
        }

        return new QuorumMember
        {
            Id = id,
            Host = host,
            QuorumPort = quorumPort,
            ElectionPort = electionPort,
            Role = role,
            ClientHost = clientHost,
            ClientPort = clientPort,
            Spec = spec,
        };
    }

    // "[::1]:rest" → ("::1", ":rest"); "host:rest" → ("host", ":rest").
    private static (string Host, string Tail) SplitHost(string s)
    {
        if (s.StartsWith('['))
        {
            var end = s.IndexOf(']', StringComparison.Ordinal);
            if (end > 0)
            {
                return (s[1..end], s[(end + 1)..]);
            }
        }

        var colon = s.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (s, string.Empty) : (s[..colon], s[colon..]);
    }
}
