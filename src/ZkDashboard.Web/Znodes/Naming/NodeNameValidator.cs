using System.Globalization;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Znodes.Naming;

/// <summary>
/// Validates a new child name (and full paths) before anything is sent. The rules are ZooKeeper's PathUtils
/// (the client's <see cref="PathUtils.GetError"/> is the authority): no empty segments, no "." or ".." segments,
/// no null character, and no characters in U+0001–U+001F, U+007F–U+009F, U+D800–U+F8FF and U+FFF0–U+FFFF.
/// Messages name the offending character and its position within the name.
/// </summary>
public static class NodeNameValidator
{
    /// <summary>Null when <paramref name="name"/> is a valid single path segment; otherwise the reason.</summary>
    public static string? ValidateName(string? name, bool sequential = false)
    {
        if (string.IsNullOrEmpty(name))
        {
            return sequential
                ? null // a sequential node may have an empty prefix: the server appends the counter
                : "Enter a name for the node.";
        }

        if (name.Contains('/', StringComparison.Ordinal))
        {
            return "A name cannot contain '/'. Create the parent first, then create the child inside it.";
        }

        if (!sequential && (name == "." || name == ".."))
        {
            return $"'{name}' is not allowed as a node name (relative paths are not supported).";
        }

        return FirstBadChar(name, 0) ?? Authority("/" + name, sequential);
    }

    /// <summary>Null when <paramref name="path"/> is a valid absolute path; otherwise the reason.</summary>
    public static string? ValidatePath(string? path, bool sequential = false)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "The path is empty; paths start with '/'.";
        }

        if (path[0] != '/')
        {
            return $"The path must start with '/' (got '{Shorten(path)}').";
        }

        if (path.Length == 1)
        {
            return sequential ? "A sequential node needs a parent other than the path '/' itself." : null;
        }

        if (path[^1] == '/' && !sequential)
        {
            return "The path must not end with '/'.";
        }

        var segments = path[1..].Split('/');
        var position = 1;
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var isLast = i == segments.Length - 1;
            if (segment.Length == 0 && !(isLast && sequential))
            {
                return $"Empty segment at position {position} (two '/' in a row).";
            }

            if (segment is "." or "..")
            {
                return $"The segment '{segment}' at position {position} is not allowed (relative paths are not supported).";
            }

            if (FirstBadChar(segment, position) is { } error)
            {
                return error;
            }

            position += segment.Length + 1;
        }

        return Authority(path, sequential);
    }

    /// <summary>The client's PathUtils verdict, so nothing passes here that the client would refuse.</summary>
    private static string? Authority(string path, bool sequential)
    {
        var error = PathUtils.GetError(sequential ? path + "0000000000" : path);
        return error is null ? null : "Invalid name: " + error + ".";
    }

    /// <summary>Describes a character for an error message: "U+0007 (control character)", "'\u00a0'".</summary>
    public static string DescribeChar(char c)
    {
        var code = ((int)c).ToString("X4", CultureInfo.InvariantCulture);
        var kind = c switch
        {
            '\0' => "null character",
            < '\u0020' or (>= '\u007f' and <= '\u009f') => "control character",
            >= '\ud800' and <= '\udfff' => "surrogate (part of an emoji or rare character)",
            >= '\ue000' and <= '\uf8ff' => "private-use character",
            _ => "reserved character",
        };
        return $"U+{code} ({kind})";
    }

    private static string? FirstBadChar(string segment, int offset)
    {
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (IsForbidden(c))
            {
                return $"Character {DescribeChar(c)} at position {offset + i + 1} is not allowed in ZooKeeper node names.";
            }
        }

        return null;
    }

    private static bool IsForbidden(char c) =>
        c == '\0'
        || (c > '\u0000' && c <= '\u001f')
        || (c >= '\u007f' && c <= '\u009f')
        || (c >= '\ud800' && c <= '\uf8ff')
        || (c >= '\ufff0' && c <= '\uffff');

    private static string Shorten(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
