using System.Globalization;

namespace ZkDashboard.Core.Health;

/// <summary>Parses the text replies of the four-letter words the health monitor polls. Unknown lines are ignored.</summary>
public static class FourLetterWordParsers
{
    public const string NotServingMessage = "This ZooKeeper instance is not currently serving requests";

    public static bool IsNotServing(string reply) => reply.Contains(NotServingMessage, StringComparison.Ordinal);

    /// <summary>mntr: "key\tvalue" lines. Returns all values as text.</summary>
    public static IReadOnlyDictionary<string, string> ParseMntr(string reply)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in Lines(reply))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab > 0)
            {
                result[line[..tab].Trim()] = line[(tab + 1)..].Trim();
            }
        }
        return result;
    }

    /// <summary>The numeric subset of an mntr map.</summary>
    public static Dictionary<string, double> Numeric(IReadOnlyDictionary<string, string> raw)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, value) in raw)
        {
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
            {
                result[key] = d;
            }
        }
        return result;
    }

    /// <summary>srvr / stat: "Key: value" lines.</summary>
    public static SrvrReply ParseSrvr(string reply)
    {
        string? version = null, mode = null;
        long? zxid = null, received = null, sent = null, connections = null, outstanding = null, nodeCount = null;
        double? min = null, avg = null, max = null;
        foreach (var line in Lines(reply))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }
            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "Zookeeper version": version = value; break;
                case "Mode": mode = value; break;
                case "Zxid": zxid = ParseZxid(value); break;
                case "Received": received = ParseLong(value); break;
                case "Sent": sent = ParseLong(value); break;
                case "Connections": connections = ParseLong(value); break;
                case "Outstanding": outstanding = ParseLong(value); break;
                case "Node count": nodeCount = ParseLong(value); break;
                case "Latency min/avg/max":
                    var parts = value.Split('/');
                    if (parts.Length == 3)
                    {
                        min = ParseDouble(parts[0]);
                        avg = ParseDouble(parts[1]);
                        max = ParseDouble(parts[2]);
                    }
                    break;
            }
        }
        return new SrvrReply(version, mode, zxid, min, avg, max, received, sent, connections, outstanding, nodeCount);
    }

    /// <summary>conf: "key=value" lines; "server.N=host:quorumPort:electionPort[:role][;clientAddress]" lines become <see cref="ConfiguredServer"/>.</summary>
    public static ConfReply ParseConf(string reply)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var servers = new List<ConfiguredServer>();
        foreach (var line in Lines(reply))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }
            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            values[key] = value;
            if (key.StartsWith("server.", StringComparison.Ordinal)
                && int.TryParse(key.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                var semi = value.IndexOf(';', StringComparison.Ordinal);
                var quorumPart = semi >= 0 ? value[..semi] : value;
                var client = semi >= 0 ? value[(semi + 1)..] : null;
                var fields = quorumPart.Split(':');
                var role = fields.Length >= 4 && fields[3].Equals("observer", StringComparison.OrdinalIgnoreCase) ? "observer" : "participant";
                servers.Add(new ConfiguredServer(id, fields[0], role, client));
            }
        }
        int? serverId = values.TryGetValue("serverId", out var sid) && int.TryParse(sid, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : null;
        return new ConfReply(values, servers.OrderBy(x => x.Id).ToArray(), serverId);
    }

    /// <summary>wchs: "N connections watching M paths\nTotal watches:K".</summary>
    public static WchsReply ParseWchs(string reply)
    {
        long? connections = null, paths = null, total = null;
        foreach (var line in Lines(reply))
        {
            if (line.StartsWith("Total watches:", StringComparison.Ordinal))
            {
                total = ParseLong(line["Total watches:".Length..]);
            }
            else if (line.Contains("connections watching", StringComparison.Ordinal))
            {
                var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words.Length >= 5)
                {
                    connections = ParseLong(words[0]);
                    paths = ParseLong(words[3]);
                }
            }
        }
        return new WchsReply(connections, paths, total);
    }

    /// <summary>cons: one line per client connection (" /ip:port[n](queued=...,...)").</summary>
    public static int CountConnections(string reply) => Lines(reply).Count(l => l.TrimStart().StartsWith('/'));

    public static long? ParseZxid(string value)
    {
        var v = value.Trim();
        if (v.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return long.TryParse(v.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex) ? hex : null;
        }
        return ParseLong(v);
    }

    private static long? ParseLong(string value)
        => long.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : null;

    private static double? ParseDouble(string value)
        => double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    private static IEnumerable<string> Lines(string reply)
        => reply.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0);
}

public sealed record SrvrReply(string? Version, string? Mode, long? Zxid, double? LatencyMin, double? LatencyAvg, double? LatencyMax,
    long? Received, long? Sent, long? Connections, long? Outstanding, long? NodeCount);

public sealed record ConfiguredServer(int Id, string Host, string Role, string? ClientAddress)
{
    public bool IsVoter => Role != "observer";
}

public sealed record ConfReply(IReadOnlyDictionary<string, string> Values, IReadOnlyList<ConfiguredServer> Servers, int? ServerId);

public sealed record WchsReply(long? Connections, long? Paths, long? TotalWatches);
