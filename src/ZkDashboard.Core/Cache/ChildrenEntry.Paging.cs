using System.Text.RegularExpressions;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Cache;

internal sealed partial class ChildrenEntry
{
    private static bool NeedsStats(ChildSort sort) => sort is ChildSort.Mtime or ChildSort.Size or ChildSort.ChildCount;

    /// <summary>Serves a page from memory. Sorted and filtered lists are kept until the list changes.</summary>
    public async Task<ChildrenPage> GetPageAsync(ChildrenQuery q, bool sessionLive, DateTimeOffset? freshSince, CancellationToken ct)
    {
        Regex? regex = null;
        if (!string.IsNullOrEmpty(q.Regex))
        {
            try
            {
                regex = new Regex(q.Regex, RegexOptions.CultureInvariant, _owner.Options.RegexTimeout);
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"The filter '{q.Regex}' is not a valid regular expression: {ex.Message}", nameof(q), ex);
            }
        }
        if (NeedsStats(q.Sort))
        {
            Task statsDone;
            lock (_gate)
            {
                statsDone = _statsComplete.Task;
            }
            await statsDone.WaitAsync(ct).ConfigureAwait(false);
        }
        lock (_gate)
        {
            var sorted = Sorted(q.Sort, q.Descending);
            var filterKey = $"{(int)q.Sort}|{q.Descending}|{q.Prefix}|{q.Regex}";
            string[] matching;
            if (q.Prefix is null && regex is null)
            {
                matching = sorted;
            }
            else if (_filtered is { } f && f.Version == (NeedsStats(q.Sort) ? _version : _namesVersion) && f.Key == filterKey)
            {
                matching = f.Names;
            }
            else
            {
                try
                {
                    matching = [.. sorted.Where(n => (q.Prefix is null || n.StartsWith(q.Prefix, StringComparison.Ordinal)) && (regex is null || regex.IsMatch(n)))];
                }
                catch (RegexMatchTimeoutException ex)
                {
                    throw new ArgumentException($"The filter '{q.Regex}' took longer than {_owner.Options.RegexTimeout.TotalMilliseconds:0} ms on one name; use a simpler expression or a prefix.", nameof(q), ex);
                }
                _filtered = (NeedsStats(q.Sort) ? _version : _namesVersion, filterKey, matching);
            }
            var offset = Math.Min(q.Offset, matching.Length);
            var count = Math.Min(q.Limit, matching.Length - offset);
            var items = new ChildEntry[count];
            for (var i = 0; i < count; i++)
            {
                var name = matching[offset + i];
                _children.TryGetValue(name, out var stat);
                items[i] = new ChildEntry(name, PathUtils.Join(Path, name), stat);
            }
            var stale = !sessionLive || (freshSince is { } fs && _asOf < fs);
            return new ChildrenPage(Ensemble, Path, offset, items, _children.Count, matching.Length, _statsLoaded, _exists ? _parentStat : null, _asOf, stale);
        }
    }

    private string[] Sorted(ChildSort sort, bool descending)
    {
        // Name orders only change when children come and go; stat orders on any stat change.
        var version = NeedsStats(sort) ? _version : _namesVersion;
        if (_sorted.TryGetValue((sort, descending), out var cached) && cached.Version == version)
        {
            return cached.Sorted;
        }
        var names = _children.Keys.ToArray();
        IComparer<string> comparer = sort switch
        {
            ChildSort.Name => StringComparer.Ordinal,
            ChildSort.Sequence => NaturalNameComparer.Instance,
            _ => new StatComparer(_children, sort),
        };
        Array.Sort(names, comparer);
        if (descending)
        {
            Array.Reverse(names);
        }
        _sorted[(sort, descending)] = (version, names);
        return names;
    }

    private sealed class StatComparer(Dictionary<string, Stat?> stats, ChildSort sort) : IComparer<string>
    {
        public int Compare(string? x, string? y)
        {
            var a = x is null ? null : stats.GetValueOrDefault(x);
            var b = y is null ? null : stats.GetValueOrDefault(y);
            var c = sort switch
            {
                ChildSort.Mtime => (a?.Mtime ?? long.MinValue).CompareTo(b?.Mtime ?? long.MinValue),
                ChildSort.Size => (a?.DataLength ?? -1).CompareTo(b?.DataLength ?? -1),
                _ => (a?.NumChildren ?? -1).CompareTo(b?.NumChildren ?? -1),
            };
            return c != 0 ? c : string.CompareOrdinal(x, y);
        }
    }
}
