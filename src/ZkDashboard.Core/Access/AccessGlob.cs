namespace ZkDashboard.Core.Access;

/// <summary>A bad glob, binding or role in the access settings or in a stored binding.</summary>
public sealed class AccessConfigurationException(string message) : Exception(message);

/// <summary>
/// A compiled znode path glob: <c>/**</c> (everything), <c>/kafka/**</c> (<c>/kafka</c> and below),
/// <c>/configs/*/prod</c> (<c>*</c> is one whole segment), <c>/app-*</c> (<c>*</c> and <c>?</c> inside a segment).
/// <c>**</c> must be a whole segment and matches zero or more segments. Compiled once; a match allocates nothing.
/// </summary>
public sealed class PathGlob
{
    private enum SegKind : byte { Literal, Star, Wild, DoubleStar }

    private readonly record struct Seg(SegKind Kind, string Text);

    private readonly Seg[] _segs;
    private readonly string? _exact;        // all literal: the path itself
    private readonly string? _prefix;       // all literal then a trailing "**": the prefix ("" for "/**")

    private PathGlob(string pattern, Seg[] segs)
    {
        Pattern = pattern;
        _segs = segs;
        var literal = segs.All(s => s.Kind == SegKind.Literal);
        if (literal)
        {
            _exact = pattern;
        }
        else if (segs.Length > 0 && segs[^1].Kind == SegKind.DoubleStar && segs[..^1].All(s => s.Kind == SegKind.Literal))
        {
            _prefix = segs.Length == 1 ? "" : "/" + string.Join('/', segs[..^1].Select(s => s.Text));
        }
    }

    /// <summary>The pattern as written.</summary>
    public string Pattern { get; }

    /// <summary>True for <c>/**</c>.</summary>
    public bool MatchesEverything => _prefix is { Length: 0 };

    /// <summary>Compiles a pattern; throws <see cref="AccessConfigurationException"/> saying what is wrong.</summary>
    public static PathGlob Parse(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            throw new AccessConfigurationException("the path glob is empty; use for example \"/**\" or \"/kafka/**\".");
        }
        pattern = pattern.Trim();
        if (pattern[0] != '/')
        {
            throw new AccessConfigurationException($"the path glob \"{pattern}\" must start with \"/\" (for example \"/{pattern.TrimStart('*')}\").");
        }
        if (pattern == "/")
        {
            return new PathGlob(pattern, []);
        }
        if (pattern.EndsWith('/'))
        {
            throw new AccessConfigurationException($"the path glob \"{pattern}\" ends with \"/\"; write \"{pattern}**\" for the subtree or \"{pattern.TrimEnd('/')}\" for the node.");
        }
        var parts = pattern[1..].Split('/');
        var segs = new Seg[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var p = parts[i];
            if (p.Length == 0)
            {
                throw new AccessConfigurationException($"the path glob \"{pattern}\" has an empty segment (\"//\").");
            }
            if (p.Contains("**", StringComparison.Ordinal) && p != "**")
            {
                throw new AccessConfigurationException($"the path glob \"{pattern}\" has \"**\" inside the segment \"{p}\"; \"**\" must be a whole segment (\"/a/**\").");
            }
            segs[i] = p switch
            {
                "**" => new Seg(SegKind.DoubleStar, p),
                "*" => new Seg(SegKind.Star, p),
                _ when p.AsSpan().IndexOfAny('*', '?') >= 0 => new Seg(SegKind.Wild, p),
                _ => new Seg(SegKind.Literal, p),
            };
        }
        return new PathGlob(pattern, segs);
    }

    /// <summary>True when <paramref name="path"/> (a valid absolute znode path) matches.</summary>
    public bool IsMatch(string path)
    {
        if (_exact is not null)
        {
            return string.Equals(path, _exact, StringComparison.Ordinal);
        }
        if (_prefix is not null)
        {
            return _prefix.Length == 0
                || (path.StartsWith(_prefix, StringComparison.Ordinal) && (path.Length == _prefix.Length || path[_prefix.Length] == '/'));
        }
        return Match(0, path, Start(path));
    }

    /// <summary>True when the path itself or some node below it could match (used to let a person browse down to what they may read).</summary>
    public bool CouldMatchAtOrBelow(string path)
    {
        var si = 0;
        var pos = Start(path);
        while (true)
        {
            if (pos > path.Length)
            {
                return true;
            }
            if (si == _segs.Length)
            {
                return false;
            }
            var s = _segs[si];
            if (s.Kind == SegKind.DoubleStar)
            {
                return true;
            }
            var end = path.IndexOf('/', pos);
            if (end < 0)
            {
                end = path.Length;
            }
            if (!SegmentMatches(s, path.AsSpan(pos, end - pos)))
            {
                return false;
            }
            si++;
            pos = end + 1;
        }
    }

    /// <summary>True when every node in the subtree of <paramref name="path"/> (itself included) matches.</summary>
    public bool CoversSubtree(string path)
    {
        if (MatchesEverything)
        {
            return true;
        }
        // A prefix glob covers the subtree of any node at or below its prefix; other shapes are checked per node.
        return _prefix is not null && IsMatch(path);
    }

    /// <inheritdoc />
    public override string ToString() => Pattern;

    private static int Start(string path) => path.Length == 1 ? 2 : 1;

    private bool Match(int si, string path, int pos)
    {
        while (true)
        {
            var atEnd = pos > path.Length;
            if (si == _segs.Length)
            {
                return atEnd;
            }
            var s = _segs[si];
            if (s.Kind == SegKind.DoubleStar)
            {
                if (si == _segs.Length - 1)
                {
                    return true;
                }
                while (true)
                {
                    if (Match(si + 1, path, pos))
                    {
                        return true;
                    }
                    if (pos > path.Length)
                    {
                        return false;
                    }
                    var next = path.IndexOf('/', pos);
                    pos = next < 0 ? path.Length + 1 : next + 1;
                }
            }
            if (atEnd)
            {
                return false;
            }
            var end = path.IndexOf('/', pos);
            if (end < 0)
            {
                end = path.Length;
            }
            if (!SegmentMatches(s, path.AsSpan(pos, end - pos)))
            {
                return false;
            }
            si++;
            pos = end + 1;
        }
    }

    private static bool SegmentMatches(Seg s, ReadOnlySpan<char> segment) => s.Kind switch
    {
        SegKind.Literal => segment.SequenceEqual(s.Text),
        SegKind.Star => segment.Length > 0,
        SegKind.Wild => Wildcard.IsMatch(s.Text, segment, ignoreCase: false),
        _ => true,
    };
}

/// <summary>A compiled ensemble-name glob (<c>*</c>, <c>prod-*</c>, <c>sandbox</c>; <c>*</c> and <c>?</c>, case-insensitive).</summary>
public sealed class EnsembleGlob
{
    private readonly bool _all;
    private readonly bool _literal;
    private volatile LastMatch? _last;

    private sealed record LastMatch(string Ensemble, bool Result);

    private EnsembleGlob(string pattern)
    {
        Pattern = pattern;
        _all = pattern == "*";
        _literal = pattern.AsSpan().IndexOfAny('*', '?') < 0;
    }

    /// <summary>The pattern as written.</summary>
    public string Pattern { get; }

    /// <summary>Compiles a pattern; throws <see cref="AccessConfigurationException"/> saying what is wrong.</summary>
    public static EnsembleGlob Parse(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            throw new AccessConfigurationException("the ensemble glob is empty; use \"*\" for every ensemble or an ensemble name.");
        }
        pattern = pattern.Trim();
        foreach (var c in pattern)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '*' or '?'))
            {
                throw new AccessConfigurationException($"the ensemble glob \"{pattern}\" has the character '{c}'; use letters, digits, '-', '_', '.', '*' and '?'.");
            }
        }
        return new EnsembleGlob(pattern);
    }

    /// <summary>True when the ensemble name matches.</summary>
    public bool IsMatch(string ensemble)
    {
        if (_all)
        {
            return true;
        }
        if (_literal)
        {
            return string.Equals(ensemble, Pattern, StringComparison.OrdinalIgnoreCase);
        }
        // Decisions come in runs for one ensemble: remember the last answer (a miss allocates one small record).
        var last = _last;
        if (last is not null && (ReferenceEquals(last.Ensemble, ensemble) || string.Equals(last.Ensemble, ensemble, StringComparison.Ordinal)))
        {
            return last.Result;
        }
        var result = Wildcard.IsMatch(Pattern, ensemble, ignoreCase: true);
        _last = new LastMatch(ensemble, result);
        return result;
    }

    /// <inheritdoc />
    public override string ToString() => Pattern;
}

internal static class Wildcard
{
    /// <summary>Matches <c>*</c> (any run) and <c>?</c> (one character), iteratively (no regex, no allocation).</summary>
    public static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text, bool ignoreCase)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || Eq(pattern[p], text[t], ignoreCase)))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }
        return p == pattern.Length;
    }

    private static bool Eq(char a, char b, bool ignoreCase) => a == b || (ignoreCase && char.ToUpperInvariant(a) == char.ToUpperInvariant(b));
}
