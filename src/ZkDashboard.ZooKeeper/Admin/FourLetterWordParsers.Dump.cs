using System.Globalization;

namespace ZkDashboard.ZooKeeper.Admin;

public static partial class FourLetterWordParsers
{
    private enum DumpSection
    {
        None,
        SessionSets,
        GlobalSessions,
        Ephemerals,
        Connections,
    }

    /// <summary>
    /// Parses the reply of <c>dump</c> (see <see cref="SessionDump"/>):
    /// <code>
    /// SessionTracker dump:
    /// Session Sets (N)/(M):               (leader)  or  Global Sessions(M):   (follower)
    /// K expire at Thu Dec 03 07:48:44 UTC 2026:      0x1000024a0b10000	20000ms
    /// 	0x2000024a5de0000
    /// ephemeral nodes dump:
    /// Sessions with Ephemerals (N):
    /// 0x3000024a1d50001:
    /// 	/brokers/ids/3
    /// Connections dump:
    /// Connections Sets (N)/(M):
    /// K expire at ...:
    /// 	ip: /127.0.0.1:38562 sessionId: 0x3000024a1d50003
    /// </code>
    /// </summary>
    public static SessionDump ParseDump(string reply, string hostPort = UnknownSource)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ThrowIfRefused(reply, FourLetterWords.Dump, hostPort);
        var sessions = new List<DumpedSession>();
        var ephemerals = new Dictionary<long, List<string>>();
        var connections = new List<DumpedConnection>();
        var section = DumpSection.None;
        var leader = false;
        (DateTimeOffset? At, string Text)? bucket = null;
        long? owner = null;
        foreach (var raw in Lines(reply))
        {
            if (raw.Trim().Length == 0)
            {
                continue;
            }
            var line = raw.TrimEnd();
            var indented = line[0] is '\t' or ' ';
            var text = line.Trim();
            if (!indented)
            {
                if (text is "SessionTracker dump:" or "ephemeral nodes dump:" or "Connections dump:")
                {
                    section = text[0] == 'e' ? DumpSection.Ephemerals : text[0] == 'C' ? DumpSection.Connections : DumpSection.None;
                    bucket = null;
                    owner = null;
                    continue;
                }
                if (text.StartsWith("Session Sets", StringComparison.Ordinal))
                {
                    section = DumpSection.SessionSets;
                    leader = true;
                    continue;
                }
                if (text.StartsWith("Global Sessions", StringComparison.Ordinal))
                {
                    section = DumpSection.GlobalSessions;
                    continue;
                }
                if (text.StartsWith("Sessions with Ephemerals", StringComparison.Ordinal) || text.StartsWith("Connections Sets", StringComparison.Ordinal))
                {
                    continue;
                }
            }
            switch (section)
            {
                case DumpSection.SessionSets or DumpSection.Connections when !indented:
                    bucket = ParseBucket(text, hostPort, line);
                    break;
                case DumpSection.SessionSets:
                    if (bucket is null || !TryParseHex(text, out var sid))
                    {
                        throw Malformed(hostPort, FourLetterWords.Dump, "expected a session id under an 'expire at' line", line);
                    }
                    sessions.Add(new DumpedSession(sid, text, bucket.Value.At, bucket.Value.Text, null));
                    break;
                case DumpSection.GlobalSessions:
                {
                    var parts = text.Split('\t', ' ', StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length < 1 || !TryParseHex(parts[0], out var gid))
                    {
                        throw Malformed(hostPort, FourLetterWords.Dump, "expected '0x<session id>\\t<timeout>ms'", line);
                    }
                    long? timeout = parts.Length > 1 && long.TryParse(parts[1].TrimEnd('m', 's'), NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : null;
                    sessions.Add(new DumpedSession(gid, parts[0], null, null, timeout));
                    break;
                }
                case DumpSection.Ephemerals when !indented:
                    if (!text.EndsWith(':') || !TryParseHex(text[..^1], out var o))
                    {
                        throw Malformed(hostPort, FourLetterWords.Dump, "expected '0x<session id>:' before its ephemeral nodes", line);
                    }
                    owner = o;
                    ephemerals.TryAdd(o, []);
                    break;
                case DumpSection.Ephemerals:
                    if (owner is not { } who || !text.StartsWith('/'))
                    {
                        throw Malformed(hostPort, FourLetterWords.Dump, "expected an ephemeral node path under its session", line);
                    }
                    ephemerals[who].Add(text);
                    break;
                case DumpSection.Connections:
                    connections.Add(ParseDumpConnection(text, hostPort, line));
                    break;
                default:
                    throw Malformed(hostPort, FourLetterWords.Dump, "unexpected line outside the known sections", line);
            }
        }
        return new SessionDump
        {
            FromLeaderTracker = leader,
            Sessions = sessions,
            Ephemerals = ephemerals.ToDictionary(e => e.Key, e => (IReadOnlyList<string>)e.Value),
            Connections = connections,
        };
    }

    /// <summary>"5 expire at Thu Dec 03 07:48:45 UTC 2026:" (count, then Java's Date.toString in the server's zone).</summary>
    private static (DateTimeOffset? At, string Text) ParseBucket(string text, string hostPort, string line)
    {
        const string marker = " expire at ";
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        if (at <= 0 || !text.EndsWith(':'))
        {
            throw Malformed(hostPort, FourLetterWords.Dump, "expected '<count> expire at <date>:'", line);
        }
        var date = text[(at + marker.Length)..^1];
        var fields = date.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        DateTimeOffset? parsed = null;
        if (fields.Length == 6 && fields[4] is "UTC" or "GMT"
            && DateTime.TryParseExact($"{fields[1]} {fields[2]} {fields[5]} {fields[3]}", "MMM dd yyyy HH:mm:ss", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var utc))
        {
            parsed = new DateTimeOffset(utc, TimeSpan.Zero);
        }
        return (parsed, date);
    }

    /// <summary>"ip: /127.0.0.1:38562 sessionId: 0x3000024a1d50003".</summary>
    private static DumpedConnection ParseDumpConnection(string text, string hostPort, string line)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 4 || parts[0] != "ip:" || parts[2] != "sessionId:" || !TryParseHex(parts[3], out var sid))
        {
            throw Malformed(hostPort, FourLetterWords.Dump, "expected 'ip: /<address> sessionId: 0x<id>'", line);
        }
        var address = parts[1];
        var slash = address.LastIndexOf('/');
        return new DumpedConnection(slash >= 0 ? address[(slash + 1)..] : address, sid);
    }
}
