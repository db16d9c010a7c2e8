using System.Text.RegularExpressions;
using ZkDashboard.Core.Diagnostics;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Cache;

internal sealed partial class ChildrenEntry
{
    /// <summary>The deepest early page end (offset + limit) served by selection.</summary>
    internal const int MaxSelected = 1_000;

    private readonly Dictionary<(ChildSort, bool), (long Version, Task Task)> _sorting = [];

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
        while (true)
        {
            Task sorting;
            lock (_gate)
            {
                if (TryServeEarlyPage(q, regex, sessionLive, freshSince) is { } early)
                {
                    return early;
                }
                if (!NeedsStats(q.Sort) && _sorting.TryGetValue((q.Sort, q.Descending), out var running) && running.Version == _namesVersion)
                {
                    sorting = running.Task; // a deeper page while the background sort runs: wait for it rather than sort twice
                }
                else
                {
                    return ServePage(q, regex, sessionLive, freshSince);
                }
            }
            await Task.WhenAny(sorting).WaitAsync(ct).ConfigureAwait(false); // a failed sort is logged; the next round sorts here
        }
    }

    /// <summary>The page from the sorted (and filtered) list, sorting it first when the list changed since. Under <see cref="_gate"/>.</summary>
    private ChildrenPage ServePage(ChildrenQuery q, Regex? regex, bool sessionLive, DateTimeOffset? freshSince)
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
        return Page(matching.AsSpan(offset, count), offset, matching.Length, sessionLive, freshSince);
    }

    /// <summary>
    /// An early page (offset + limit up to <see cref="MaxSelected"/>) of a big unfiltered list in a name order, while
    /// that order is not sorted yet: the first names are selected in one pass (a bounded heap), and the whole list is
    /// sorted in the background for the pages further down. With a million children the full sort takes longer than
    /// reading the list from the server; the selection a few milliseconds. Same names in the same order as the sorted
    /// list. Null when the page must come from the sorted list. Under <see cref="_gate"/>.
    /// </summary>
    private ChildrenPage? TryServeEarlyPage(ChildrenQuery q, Regex? regex, bool sessionLive, DateTimeOffset? freshSince)
    {
        if (NeedsStats(q.Sort) || q.Prefix is not null || regex is not null || _children.Count < _owner.Options.BigListThreshold
            || q.Offset + q.Limit > MaxSelected
            || (_sorted.TryGetValue((q.Sort, q.Descending), out var cached) && cached.Version == _namesVersion))
        {
            return null;
        }
        var ascending = NameComparer(q.Sort);
        var comparer = q.Descending ? Comparer<string>.Create((a, b) => ascending.Compare(b, a)) : ascending;
        var k = q.Offset + q.Limit;
        // A max-heap (by the page order) of the k first names seen so far: its top is the one to drop for a smaller name.
        var heap = new PriorityQueue<string, string>(k + 1, Comparer<string>.Create((a, b) => comparer.Compare(b, a)));
        foreach (var name in _children.Keys)
        {
            if (heap.Count < k)
            {
                heap.Enqueue(name, name);
            }
            else if (comparer.Compare(name, heap.Peek()) < 0)
            {
                heap.EnqueueDequeue(name, name);
            }
        }
        var first = new string[heap.Count];
        for (var i = first.Length - 1; i >= 0; i--)
        {
            first[i] = heap.Dequeue();
        }
        SortInBackground(q.Sort, q.Descending);
        var offset = Math.Min(q.Offset, first.Length);
        return Page(first.AsSpan(offset, Math.Min(q.Limit, first.Length - offset)), offset, _children.Count, sessionLive, freshSince);
    }

    /// <summary>Sorts a snapshot of the names off the lock and keeps it when the names did not change meanwhile. Under <see cref="_gate"/>.</summary>
    private void SortInBackground(ChildSort sort, bool descending)
    {
        var key = (sort, descending);
        if (_sorting.ContainsKey(key))
        {
            return;
        }
        var task = Task.Run(() =>
        {
            long version;
            string[] names;
            lock (_gate)
            {
                version = _namesVersion;
                names = [.. _children.Keys];
            }
            try
            {
                Array.Sort(names, NameComparer(sort));
                if (descending)
                {
                    Array.Reverse(names);
                }
            }
            finally
            {
                lock (_gate)
                {
                    _sorting.Remove(key);
                    if (version == _namesVersion)
                    {
                        _sorted[key] = (version, names);
                    }
                }
            }
        });
        _sorting[key] = (_namesVersion, task);
        task.Observe(_owner.Logger, $"sorting the children of {Ensemble}:{Path}");
    }

    private ChildrenPage Page(ReadOnlySpan<string> names, int offset, int matching, bool sessionLive, DateTimeOffset? freshSince)
    {
        var items = new ChildEntry[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            var name = names[i];
            _children.TryGetValue(name, out var stat);
            items[i] = new ChildEntry(name, PathUtils.Join(Path, name), stat);
        }
        var stale = !sessionLive || (freshSince is { } fs && _asOf < fs);
        _firstPageServed.TrySetResult();
        return new ChildrenPage(Ensemble, Path, offset, items, _children.Count, matching, _statsLoaded, _exists ? _parentStat : null, _asOf, stale);
    }

    /// <summary>The ascending comparer of a name order (descending lists are the ascending ones reversed).</summary>
    private static IComparer<string> NameComparer(ChildSort sort) => sort == ChildSort.Name ? StringComparer.Ordinal : NaturalNameComparer.Instance;

    private string[] Sorted(ChildSort sort, bool descending)
    {
        // Name orders only change when children come and go; stat orders on any stat change.
        var version = NeedsStats(sort) ? _version : _namesVersion;
        if (_sorted.TryGetValue((sort, descending), out var cached) && cached.Version == version)
        {
            return cached.Sorted;
        }
        var names = _children.Keys.ToArray();
        var comparer = NeedsStats(sort) ? new StatComparer(_children, sort) : NameComparer(sort);
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
