using System.Text.RegularExpressions;

namespace ZkDashboard.ZooKeeper.Admin;

public static partial class FourLetterWordParsers
{
    [GeneratedRegex(@"^(\d+)\s+connections?\s+watching\s+(\d+)\s+paths?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex WchsHeader();

    [GeneratedRegex(@"^Total\s+watches\s*:\s*(\d+)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex WchsTotal();

    /// <summary>Parses the reply of <c>wchs</c>.</summary>
    public static WatchSummary ParseWchs(string reply, string hostPort = UnknownSource)
    {
        ArgumentNullException.ThrowIfNull(reply);
        const string word = FourLetterWords.Wchs;
        EnsureUsable(reply, word, hostPort);
        int? connections = null, paths = null;
        long? total = null;
        foreach (var rawLine in Lines(reply))
        {
            var line = rawLine.Trim();
            if (WchsHeader().Match(line) is { Success: true } h)
            {
                connections = (int)ParseLong(h.Groups[1].Value, hostPort, word, line);
                paths = (int)ParseLong(h.Groups[2].Value, hostPort, word, line);
            }
            else if (WchsTotal().Match(line) is { Success: true } t)
            {
                total = ParseLong(t.Groups[1].Value, hostPort, word, line);
            }
        }

        if (connections is null || paths is null || total is null)
        {
            throw Malformed(hostPort, word, "expected 'N connections watching M paths' and 'Total watches:W'", reply.Trim());
        }

        return new WatchSummary(connections.Value, paths.Value, total.Value);
    }

    /// <summary>
    /// Parses the grouped listing of <c>wchc</c> (session hex → paths) or <c>wchp</c> (path → session hex):
    /// a key on its own line followed by tab-indented values.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ParseWatchListing(string reply, string word, string hostPort = UnknownSource)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(word);
        ThrowIfRefused(reply, word, hostPort);
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        List<string>? current = null;
        foreach (var rawLine in Lines(reply))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                continue;
            }

            if (line[0] == '\t' || line[0] == ' ')
            {
                if (current is null)
                {
                    throw Malformed(hostPort, word, "an indented entry comes before any group", line);
                }

                current.Add(line.Trim());
            }
            else
            {
                var key = line.Trim();
                if (!result.TryGetValue(key, out var existing))
                {
                    current = [];
                    result[key] = current;
                }
                else
                {
                    current = (List<string>)existing;
                }
            }
        }

        return result;
    }
}
