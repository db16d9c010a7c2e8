using System.Globalization;

namespace ZkDashboard.ZooKeeper.Admin;

/// <summary>
/// Parsers for four-letter-word replies, usable on raw text obtained elsewhere (for example from
/// <c>SendAsync</c> or a captured file). Every parser first turns the server's fixed refusals into
/// <see cref="FourLetterWordDisabledException"/> and <see cref="FourLetterWordNotServingException"/>,
/// and raises <see cref="FourLetterWordFormatException"/> for replies it cannot understand.
/// </summary>
public static partial class FourLetterWordParsers
{
    /// <summary>Name used in error messages when a parser is called without a server address.</summary>
    public const string UnknownSource = "(unknown server)";

    /// <summary>True when <paramref name="reply"/> is the server's refusal of a word missing from the whitelist.</summary>
    public static bool IsDisabledReply(string reply, out string word)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var trimmed = reply.Trim();
        if (trimmed.EndsWith(FourLetterWords.NotWhitelistedSuffix, StringComparison.Ordinal))
        {
            word = trimmed[..^FourLetterWords.NotWhitelistedSuffix.Length];
            return word.Length == 4 && !word.Contains('\n', StringComparison.Ordinal);
        }

        word = string.Empty;
        return false;
    }

    /// <summary>True when the reply says the server is running but not serving requests.</summary>
    public static bool IsNotServingReply(string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return reply.Trim().Equals(FourLetterWords.NotServingReply, StringComparison.Ordinal);
    }

    /// <summary>Throws the matching exception when the reply is a refusal; otherwise does nothing.</summary>
    public static void ThrowIfRefused(string reply, string word, string hostPort = UnknownSource)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (IsDisabledReply(reply, out var refused))
        {
            throw new FourLetterWordDisabledException(hostPort, refused);
        }

        if (IsNotServingReply(reply))
        {
            throw new FourLetterWordNotServingException(hostPort, word);
        }
    }

    /// <summary>Parses a decimal the way the server prints it (invariant culture, '.' separator).</summary>
    public static bool TryParseDouble(string? s, out double value) =>
        double.TryParse(s?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    internal static void EnsureUsable(string reply, string word, string hostPort)
    {
        ThrowIfRefused(reply, word, hostPort);
        if (string.IsNullOrWhiteSpace(reply))
        {
            throw new FourLetterWordFormatException(hostPort, word,
                $"The ZooKeeper server {hostPort} sent an empty reply to '{word}'. " +
                "Servers before 3.4.10 or with a non-standard build may not know this word; check the server version.");
        }
    }

    internal static FourLetterWordFormatException Malformed(string hostPort, string word, string what, string line) =>
        new(hostPort, word,
            $"Could not parse the reply of {hostPort} to '{word}': {what} (line: \"{Shorten(line)}\"). " +
            "The reply may be truncated or come from an unsupported server version.");

    internal static IEnumerable<string> Lines(string reply) =>
        reply.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');

    internal static long ParseLong(string s, string hostPort, string word, string line)
    {
        s = s.Trim();
        return long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw Malformed(hostPort, word, $"'{s}' is not an integer", line);
    }

    internal static double ParseDouble(string s, string hostPort, string word, string line) =>
        TryParseDouble(s, out var v) ? v : throw Malformed(hostPort, word, $"'{s.Trim()}' is not a number", line);

    /// <summary>Parses "0x1f" or "1f" as an unsigned 64-bit hex number reinterpreted as long (as Java prints it).</summary>
    internal static bool TryParseHex(string s, out long value)
    {
        s = s.Trim();
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            s = s[2..];
        }

        if (ulong.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var u))
        {
            value = unchecked((long)u);
            return true;
        }

        value = 0;
        return false;
    }

    internal static long? LongOrNull(IReadOnlyDictionary<string, string> map, string key) =>
        map.TryGetValue(key, out var s) && long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v
            : null;

    internal static int? IntOrNull(IReadOnlyDictionary<string, string> map, string key) =>
        map.TryGetValue(key, out var s) && int.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v
            : null;

    internal static double? DoubleOrNull(IReadOnlyDictionary<string, string> map, string key) =>
        map.TryGetValue(key, out var s) && TryParseDouble(s, out var v) ? v : null;

    private static string Shorten(string line) => line.Length <= 120 ? line : line[..120] + "…";
}
