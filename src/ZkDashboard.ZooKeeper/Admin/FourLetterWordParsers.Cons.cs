using System.Globalization;

namespace ZkDashboard.ZooKeeper.Admin;

public static partial class FourLetterWordParsers
{
    /// <summary>
    /// Parses the reply of <c>cons</c>: one line per connection,
    /// <c>/ip:port[interestOps](queued=..,recved=..,sent=..[,sid=0x..,lop=..,est=..,to=..[,lcxid=0x..],lzxid=0x..,lresp=..,llat=..,minlat=..,avglat=..,maxlat=..])</c>.
    /// </summary>
    public static IReadOnlyList<ClientConnection> ParseCons(string reply, string hostPort = UnknownSource)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ThrowIfRefused(reply, FourLetterWords.Cons, hostPort);
        var list = new List<ClientConnection>();
        foreach (var rawLine in Lines(reply))
        {
            var line = rawLine.Trim();
            if (line.Length > 0)
            {
                list.Add(ParseConnectionLine(line, hostPort, FourLetterWords.Cons));
            }
        }

        return list;
    }

    /// <summary>Parses one connection line of <c>cons</c> or of the "Clients:" block of <c>stat</c>.</summary>
    public static ClientConnection ParseConnectionLine(string line, string hostPort = UnknownSource, string word = FourLetterWords.Cons)
    {
        ArgumentNullException.ThrowIfNull(line);
        var text = line.Trim();
        var open = text.IndexOf('[', StringComparison.Ordinal);
        var close = open < 0 ? -1 : text.IndexOf(']', open);
        var paren = close < 0 ? -1 : text.IndexOf('(', close);
        if (open <= 0 || close < 0 || paren < 0 || !text.EndsWith(')'))
        {
            throw Malformed(hostPort, word, "expected '/address[ops](key=value,...)'", line);
        }

        // InetSocketAddress.toString(): "hostname/ip:port" or "/ip:port".
        var address = text[..open];
        var slash = address.LastIndexOf('/');
        if (slash >= 0)
        {
            address = address[(slash + 1)..];
        }

        string host = address;
        int? port = null;
        var lastColon = address.LastIndexOf(':');
        if (lastColon > 0 && int.TryParse(address[(lastColon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var p))
        {
            host = address[..lastColon].Trim('[', ']');
            port = p;
        }

        if (!int.TryParse(text[(open + 1)..close], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ops))
        {
            throw Malformed(hostPort, word, "interest ops in brackets is not a number", line);
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in text[(paren + 1)..^1].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw Malformed(hostPort, word, $"'{pair}' is not key=value", line);
            }

            map[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }

        long? Hex(string key) => map.TryGetValue(key, out var s) && TryParseHex(s, out var v) ? v : null;

        DateTimeOffset? established = null;
        if (LongOrNull(map, "est") is { } est && est > 0)
        {
            established = DateTimeOffset.FromUnixTimeMilliseconds(est);
        }

        return new ClientConnection
        {
            RemoteAddress = address,
            RemoteHost = host,
            RemotePort = port,
            InterestOps = ops,
            Queued = LongOrNull(map, "queued") ?? 0,
            Received = LongOrNull(map, "recved") ?? 0,
            Sent = LongOrNull(map, "sent") ?? 0,
            SessionId = Hex("sid"),
            SessionIdHex = map.GetValueOrDefault("sid"),
            LastOperation = map.GetValueOrDefault("lop"),
            Established = established,
            SessionTimeoutMs = IntOrNull(map, "to"),
            LastCxid = Hex("lcxid"),
            LastZxid = Hex("lzxid"),
            LastResponse = LongOrNull(map, "lresp"),
            LastLatency = LongOrNull(map, "llat"),
            MinLatency = LongOrNull(map, "minlat"),
            AvgLatency = LongOrNull(map, "avglat"),
            MaxLatency = LongOrNull(map, "maxlat"),
            Raw = map,
        };
    }
}
