using System.Globalization;
using ZkDashboard.Core.Cache;
using ZkDashboard.Core.Operations;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Explorer.Tree;

/// <summary>
/// The tree's data source over the ensemble service's node cache: pages of children (sorted and filtered by the
/// cache, 100k+ children held once per ensemble), NoAuth shown as a lock, and "created here as" markers from
/// the created-node registry. Live updates come from <see cref="INodeCache.Changed"/>: forward them to
/// <c>ZkTree.ApplyChildrenChangedAsync(path)</c>.
/// </summary>
public sealed class NodeCacheTreeDataSource(INodeCache cache, string ensemble, ICreatedNodeRegistry? created = null) : ITreeDataSource
{
    /// <summary>The cache's largest page.</summary>
    public const int MaxPage = 10_000;

    public string Ensemble { get; } = ensemble;

    /// <summary>Keeps an expanded node's children list cached and live (watched) while it is expanded.</summary>
    public IDisposable? Watch(string path) => cache.Open(Ensemble, path);

    public async Task<TreeNodeInfo?> GetNodeAsync(string path, CancellationToken ct)
    {
        if (path == "/")
        {
            try
            {
                var root = await cache.GetDataAsync(Ensemble, "/", ct).ConfigureAwait(false);
                return root is null ? null : TreeNodeInfo.FromStat("/", root.Stat);
            }
            catch (NoAuthException)
            {
                return new TreeNodeInfo(string.Empty, "/", 0, 0, null, NoAuth: true);
            }
        }

        // The child's stat comes from its parent's listing (exists needs no Read permission on the node).
        var name = PathUtils.Name(path);
        var parent = PathUtils.Parent(path);
        try
        {
            var page = await cache.GetChildrenPageAsync(Ensemble, parent, new ChildrenQuery(ChildSort.Name, Prefix: name, Limit: 1), ct).ConfigureAwait(false);
            var entry = page.Items.FirstOrDefault(i => i.Name == name);
            return entry is null ? null : await ToInfoAsync(entry, ct).ConfigureAwait(false);
        }
        catch (NoAuthException)
        {
            return new TreeNodeInfo(name, path, 0, 0, null, NoAuth: true);
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    public async Task<ChildPage> GetChildrenAsync(ChildQuery query, CancellationToken ct)
    {
        ChildrenPage page;
        try
        {
            page = await cache.GetChildrenPageAsync(Ensemble, query.Path, ToCacheQuery(query, query.Skip, query.Take), ct).ConfigureAwait(false);
        }
        catch (NoAuthException)
        {
            return ChildPage.Denied;
        }
        catch (NoNodeException)
        {
            return ChildPage.Failed("This node no longer exists.");
        }
        catch (ArgumentException ex)
        {
            return ChildPage.Failed(ex.Message);
        }

        var items = new List<TreeNodeInfo>(page.Items.Count);
        foreach (var entry in page.Items)
        {
            items.Add(await ToInfoAsync(entry, ct).ConfigureAwait(false));
        }

        return new ChildPage(page.TotalChildren, page.MatchingChildren, items, Stale: page.Stale);
    }

    public async Task<int> IndexOfAsync(ChildQuery query, string childName, CancellationToken ct)
    {
        for (var offset = 0; ; offset += MaxPage)
        {
            ChildrenPage page;
            try
            {
                page = await cache.GetChildrenPageAsync(Ensemble, query.Path, ToCacheQuery(query, offset, MaxPage), ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NoAuthException or NoNodeException or ArgumentException)
            {
                return -1;
            }

            for (var i = 0; i < page.Items.Count; i++)
            {
                if (page.Items[i].Name == childName)
                {
                    return offset + i;
                }
            }

            if (page.Items.Count < MaxPage || offset + MaxPage >= page.MatchingChildren)
            {
                return -1;
            }
        }
    }

    /// <summary>"container", "TTL 60 s" for nodes this dashboard created in those modes; null otherwise.</summary>
    public static string? DescribeCreatedMode(CreatedNodeRecord? record) => record?.Mode switch
    {
        CreateMode.Container => "container",
        CreateMode.PersistentWithTtl or CreateMode.PersistentSequentialWithTtl => "TTL " + FormatTtl(record.TtlMs),
        _ => null,
    };

    /// <summary>"500 ms", "60 s", "5 min", "2 h", "3 d".</summary>
    public static string FormatTtl(long ms) => ms switch
    {
        < 1000 => string.Create(CultureInfo.InvariantCulture, $"{ms} ms"),
        _ when ms % 86_400_000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{ms / 86_400_000} d"),
        _ when ms % 3_600_000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{ms / 3_600_000} h"),
        _ when ms % 60_000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{ms / 60_000} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{ms / 1000.0:0.###} s"),
    };

    private static ChildrenQuery ToCacheQuery(ChildQuery q, int offset, int limit) => new(
        q.Sort,
        q.Descending,
        Prefix: q.FilterMode == ChildFilterMode.Prefix && q.HasFilter ? q.Filter : null,
        Regex: q.FilterMode == ChildFilterMode.Regex && q.HasFilter ? q.Filter : null,
        Offset: Math.Max(0, offset),
        Limit: Math.Clamp(limit, 1, MaxPage));

    private async ValueTask<TreeNodeInfo> ToInfoAsync(ChildEntry entry, CancellationToken ct)
    {
        if (entry.Stat is not { } stat)
        {
            // Stat still loading: the cache raises Changed when it arrives and the row is refreshed.
            return new TreeNodeInfo(entry.Name, entry.Path, 0, 0, null);
        }

        string? createdAs = null;
        if (created is not null && stat.EphemeralOwner == 0)
        {
            createdAs = DescribeCreatedMode(await created.FindAsync(Ensemble, entry.Path, stat.Czxid, ct).ConfigureAwait(false));
        }

        return TreeNodeInfo.FromStat(entry.Path, stat, createdHereAs: createdAs);
    }
}
