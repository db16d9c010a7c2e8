using ZkDashboard.Core.Cache;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ZkDashboard.Web.Znodes.Tree;

/// <summary>Sorting, filtering and paging of a children list in memory (usable by any data source).</summary>
public static class ChildQueries
{
    /// <summary>A user regex gets this long per name before it is abandoned (no catastrophic backtracking).</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(50);

    /// <summary>Builds the filter predicate; false with a message when the regex does not compile.</summary>
    public static bool TryCreateFilter(string? filter, ChildFilterMode mode, out Func<string, bool> predicate, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(filter))
        {
            predicate = static _ => true;
            return true;
        }

        if (mode == ChildFilterMode.Prefix)
        {
            predicate = name => name.StartsWith(filter, StringComparison.Ordinal);
            return true;
        }

        try
        {
            var regex = new Regex(filter, RegexOptions.CultureInvariant, RegexTimeout);
            predicate = name =>
            {
                try
                {
                    return regex.IsMatch(name);
                }
                catch (RegexMatchTimeoutException)
                {
                    return false;
                }
            };
            return true;
        }
        catch (ArgumentException ex)
        {
            predicate = static _ => false;
            error = $"Invalid regular expression: {ex.Message}";
            return false;
        }
    }

    /// <summary>The comparer for a sort order.</summary>
    public static IComparer<TreeNodeInfo> Comparer(ChildSort sort, bool descending)
    {
        Comparison<TreeNodeInfo> cmp = sort switch
        {
            ChildSort.Sequence => static (a, b) => CompareSequence(a.Name, b.Name),
            ChildSort.Mtime => static (a, b) =>
                Nullable.Compare(a.Mtime, b.Mtime) is var c && c != 0 ? c : string.CompareOrdinal(a.Name, b.Name),
            ChildSort.Size => static (a, b) =>
                a.DataLength.CompareTo(b.DataLength) is var c && c != 0 ? c : string.CompareOrdinal(a.Name, b.Name),
            ChildSort.ChildCount => static (a, b) =>
                a.NumChildren.CompareTo(b.NumChildren) is var c && c != 0 ? c : string.CompareOrdinal(a.Name, b.Name),
            _ => static (a, b) => string.CompareOrdinal(a.Name, b.Name),
        };
        return descending
            ? Comparer<TreeNodeInfo>.Create((a, b) => cmp(b, a))
            : Comparer<TreeNodeInfo>.Create(cmp);
    }

    /// <summary>Orders names by their trailing decimal number (sequence suffix), then ordinally; names without one come first.</summary>
    public static int CompareSequence(string a, string b)
    {
        var sa = TrailingNumber(a);
        var sb = TrailingNumber(b);
        if (sa.HasValue && sb.HasValue)
        {
            var c = sa.Value.CompareTo(sb.Value);
            if (c != 0)
            {
                return c;
            }
        }
        else if (sa.HasValue != sb.HasValue)
        {
            return sa.HasValue ? 1 : -1;
        }

        return string.CompareOrdinal(a, b);
    }

    /// <summary>The number formed by the trailing digits of a name (ZooKeeper appends 10 digits), or null.</summary>
    public static decimal? TrailingNumber(string name)
    {
        var i = name.Length;
        while (i > 0 && char.IsAsciiDigit(name[i - 1]))
        {
            i--;
        }

        if (i == name.Length || name.Length - i > 28)
        {
            return null;
        }

        return decimal.Parse(name.AsSpan(i), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary>Filters and sorts <paramref name="children"/>, then returns the requested page.</summary>
    public static ChildPage Apply(IReadOnlyCollection<TreeNodeInfo> children, ChildQuery query)
    {
        var ordered = Order(children, query, out var error);
        if (error is not null)
        {
            return new ChildPage(children.Count, 0, [], Error: error);
        }

        var skip = Math.Clamp(query.Skip, 0, ordered.Count);
        var take = Math.Clamp(query.Take, 0, ordered.Count - skip);
        return new ChildPage(children.Count, ordered.Count, ordered.GetRange(skip, take));
    }

    /// <summary>Position of a child in the filtered, sorted order; -1 when absent or filtered out.</summary>
    public static int IndexOf(IReadOnlyCollection<TreeNodeInfo> children, ChildQuery query, string childName)
    {
        var ordered = Order(children, query, out _);
        return ordered.FindIndex(c => string.Equals(c.Name, childName, StringComparison.Ordinal));
    }

    private static List<TreeNodeInfo> Order(IReadOnlyCollection<TreeNodeInfo> children, ChildQuery query, out string? error)
    {
        if (!TryCreateFilter(query.Filter, query.FilterMode, out var predicate, out error))
        {
            return [];
        }

        var list = children.Where(c => predicate(c.Name)).ToList();
        list.Sort(Comparer(query.Sort, query.Descending));
        return list;
    }
}
