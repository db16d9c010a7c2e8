namespace ZkDashboard.ZooKeeper.Admin;

public static partial class FourLetterWordParsers
{
    /// <summary>True for "imok". ruok answers whenever the process runs, even without a quorum.</summary>
    public static bool ParseRuok(string reply, string hostPort = UnknownSource)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ThrowIfRefused(reply, FourLetterWords.Ruok, hostPort);
        return reply.Trim() == "imok";
    }

    /// <summary>"ro" → true, "rw" → false; "null" (not serving) throws <see cref="FourLetterWordNotServingException"/>.</summary>
    public static bool ParseIsro(string reply, string hostPort = UnknownSource)
    {
        ArgumentNullException.ThrowIfNull(reply);
        const string word = FourLetterWords.Isro;
        EnsureUsable(reply, word, hostPort);
        return reply.Trim() switch
        {
            "ro" => true,
            "rw" => false,
            "null" => throw new FourLetterWordNotServingException(hostPort, word),
            var other => throw Malformed(hostPort, word, "expected 'ro' or 'rw'", other),
        };
    }

    /// <summary>Parses <c>envi</c>: "Environment:" then <c>key=value</c> lines (values may contain '=').</summary>
    public static IReadOnlyDictionary<string, string> ParseEnvi(string reply, string hostPort = UnknownSource)
    {
        ArgumentNullException.ThrowIfNull(reply);
        const string word = FourLetterWords.Envi;
        EnsureUsable(reply, word, hostPort);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rawLine in Lines(reply))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Length == 0 || line == "Environment:")
            {
                continue;
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw Malformed(hostPort, word, "expected 'key=value'", line);
            }

            map[line[..eq]] = line[(eq + 1)..];
        }

        return map;
    }

    /// <summary>Parses <c>dirs</c>: "datadir_size: N" and "logdir_size: N".</summary>
    public static DataDirSizes ParseDirs(string reply, string hostPort = UnknownSource)
    {
        ArgumentNullException.ThrowIfNull(reply);
        const string word = FourLetterWords.Dirs;
        EnsureUsable(reply, word, hostPort);
        long? data = null, log = null;
        foreach (var rawLine in Lines(reply))
        {
            var line = rawLine.Trim();
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var key = line[..colon].Trim();
            if (key == "datadir_size")
            {
                data = ParseLong(line[(colon + 1)..], hostPort, word, line);
            }
            else if (key == "logdir_size")
            {
                log = ParseLong(line[(colon + 1)..], hostPort, word, line);
            }
        }

        return data is { } d && log is { } l
            ? new DataDirSizes(d, l)
            : throw Malformed(hostPort, word, "expected 'datadir_size:' and 'logdir_size:'", reply.Trim());
    }
}
