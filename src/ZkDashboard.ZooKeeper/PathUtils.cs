namespace ZkDashboard.ZooKeeper;

/// <summary>ZooKeeper path rules (org.apache.zookeeper.common.PathUtils) and helpers.</summary>
public static class PathUtils
{
    /// <summary>
    /// Throws <see cref="InvalidPathException"/> when <paramref name="path"/> is not a valid absolute
    /// znode path: empty, relative, trailing slash, empty segment, <c>.</c>/<c>..</c> segments, NUL,
    /// control characters, surrogates/private-use characters (U+D800–U+F8FF) or U+FFF0–U+FFFF.
    /// </summary>
    public static void Validate(string? path) => Validate(path, isSequential: false);

    /// <summary>Validates a path; with <paramref name="isSequential"/> a trailing slash is allowed (the server appends the counter).</summary>
    public static void Validate(string? path, bool isSequential)
    {
        var reason = GetError(isSequential ? path + "1" : path);
        if (reason is not null) throw new InvalidPathException(path, $"Invalid path \"{Printable(path)}\": {reason}.");
    }

    /// <summary>True when <paramref name="path"/> is valid.</summary>
    public static bool IsValid(string? path) => GetError(path) is null;

    /// <summary>Returns why the path is invalid, or null when it is valid.</summary>
    public static string? GetError(string? path)
    {
        if (path is null) return "the path is null";
        if (path.Length == 0) return "the path is empty; it must start with /";
        if (path[0] != '/') return "the path must start with / (relative paths are not allowed)";
        if (path.Length == 1) return null;
        if (path[^1] == '/') return "the path must not end with /";
        var last = '/';
        for (var i = 1; i < path.Length; last = path[i], i++)
        {
            var c = path[i];
            if (c == '\0') return $"NUL character (U+0000) at index {i}";
            if (c == '/' && last == '/') return $"empty node name at index {i}";
            if (c == '.' && last == '.')
            {
                if (path[i - 2] == '/' && (i + 1 == path.Length || path[i + 1] == '/')) return $"'..' segment at index {i - 1} (relative paths are not allowed)";
            }
            else if (c == '.')
            {
                if (path[i - 1] == '/' && (i + 1 == path.Length || path[i + 1] == '/')) return $"'.' segment at index {i} (relative paths are not allowed)";
            }
            else if ((c > '\u0000' && c <= '\u001f') || (c >= '\u007f' && c <= '\u009f') || (c >= '\ud800' && c <= '\uf8ff') || c >= '\ufff0')
            {
                var kind = char.IsSurrogate(c) ? "surrogate (characters outside the Basic Multilingual Plane, such as emoji, are not allowed)" : "illegal character";
                return $"{kind} U+{(int)c:X4} at index {i}";
            }
        }
        return null;
    }

    /// <summary>Joins a parent path and a child name: <c>Join("/", "a") == "/a"</c>, <c>Join("/a", "b") == "/a/b"</c>.</summary>
    public static string Join(string parent, string child)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(child);
        child = child.TrimStart('/');
        return parent.EndsWith('/') ? parent + child : parent + "/" + child;
    }

    /// <summary>The parent of a path ("/" for top-level nodes and for "/").</summary>
    public static string Parent(string path)
    {
        var i = path.LastIndexOf('/');
        return i <= 0 ? "/" : path[..i];
    }

    /// <summary>The last segment of a path ("" for "/").</summary>
    public static string Name(string path) => path[(path.LastIndexOf('/') + 1)..];

    private static string Printable(string? s)
    {
        if (s is null) return "(null)";
        var sb = new System.Text.StringBuilder(s.Length);
        foreach (var c in s) sb.Append(char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:X4}" : c.ToString());
        return sb.ToString();
    }
}
