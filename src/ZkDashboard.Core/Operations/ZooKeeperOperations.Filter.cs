using ZkDashboard.Core.Access;
using ZkDashboard.Core.Cache;

namespace ZkDashboard.Core.Operations;

/// <summary>Path-scoped reads: children pages leave out what the user may not see, and say how many.</summary>
public sealed partial class ZooKeeperOperations
{
    private const int ScanPage = 10_000;

    private async Task<ChildrenPage> ChildrenForAsync(ActingUser user, string ensemble, string path, ChildrenQuery query, CancellationToken ct)
    {
        var scope = await _policy.GetReadScopeAsync(user, ensemble, path, ct).ConfigureAwait(false);
        if (scope.HasFlag(ReadScope.Subtree))
        {
            return await _cache.GetChildrenPageAsync(ensemble, path, query, ct).ConfigureAwait(false);
        }

        // Some children may be hidden: find them over the whole list (names only, from the cache), then page
        // over what is left, so offsets and counts are those of the visible list.
        var hidden = new HashSet<string>(StringComparer.Ordinal);
        var first = await _cache.GetChildrenPageAsync(ensemble, path, new ChildrenQuery(Limit: ScanPage), ct).ConfigureAwait(false);
        var all = first;
        for (var offset = 0; ; offset += ScanPage)
        {
            var page = offset == 0 ? first : await _cache.GetChildrenPageAsync(ensemble, path, new ChildrenQuery(Offset: offset, Limit: ScanPage), ct).ConfigureAwait(false);
            foreach (var child in page.Items)
            {
                if (!(await _policy.GetReadScopeAsync(user, ensemble, child.Path, ct).ConfigureAwait(false)).HasFlag(ReadScope.Browse))
                {
                    hidden.Add(child.Name);
                }
            }
            if (page.Items.Count < ScanPage)
            {
                break;
            }
        }
        if (hidden.Count == 0)
        {
            return await _cache.GetChildrenPageAsync(ensemble, path, query, ct).ConfigureAwait(false);
        }

        var visible = new List<ChildEntry>();
        var matchingHidden = 0;
        ChildrenPage? last = null;
        for (var offset = 0; ; offset += ScanPage)
        {
            last = await _cache.GetChildrenPageAsync(ensemble, path, query with { Offset = offset, Limit = ScanPage }, ct).ConfigureAwait(false);
            foreach (var child in last.Items)
            {
                if (hidden.Contains(child.Name))
                {
                    matchingHidden++;
                }
                else
                {
                    visible.Add(child);
                }
            }
            if (last.Items.Count < ScanPage)
            {
                break;
            }
        }
        var items = visible.Skip(query.Offset).Take(query.Limit).ToList();
        return new ChildrenPage(ensemble, path, query.Offset, items, all.TotalChildren - hidden.Count, last.MatchingChildren - matchingHidden,
            Math.Max(0, last.StatsLoaded - hidden.Count), last.ParentStat, last.AsOf, last.Stale)
        {
            HiddenChildren = hidden.Count,
        };
    }
}
