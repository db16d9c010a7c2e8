using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Cache;

/// <summary>How a children page is ordered.</summary>
public enum ChildSort
{
    /// <summary>By name, ordinal (as ZooKeeper compares paths).</summary>
    Name,
    /// <summary>By name, with digit runs compared as numbers ("n-9" before "n-10"; sequential suffixes in order).</summary>
    Sequence,
    /// <summary>By last modification time (needs every child's stat).</summary>
    Mtime,
    /// <summary>By data size (needs every child's stat).</summary>
    Size,
    /// <summary>By number of children (needs every child's stat).</summary>
    ChildCount,
}

/// <summary>A page request over a node's children, served from the cache.</summary>
/// <param name="Sort">Order.</param>
/// <param name="Descending">Reverse order.</param>
/// <param name="Prefix">Only names starting with this (ordinal).</param>
/// <param name="Regex">Only names matching this .NET regular expression (evaluated with a timeout).</param>
/// <param name="Offset">Index of the first item in the filtered, sorted list.</param>
/// <param name="Limit">Most items returned (1..10,000).</param>
public sealed record ChildrenQuery(
    ChildSort Sort = ChildSort.Name,
    bool Descending = false,
    string? Prefix = null,
    string? Regex = null,
    int Offset = 0,
    int Limit = 100);

/// <summary>One child in a page. <see cref="Stat"/> is null while the child's stat is still being fetched
/// (or when the child vanished before it could be read).</summary>
public sealed record ChildEntry(string Name, string Path, Stat? Stat);

/// <summary>A page of a node's children.</summary>
/// <param name="Ensemble">Ensemble name.</param>
/// <param name="Path">Parent path.</param>
/// <param name="Offset">Offset of the first item.</param>
/// <param name="Items">The page.</param>
/// <param name="TotalChildren">All children of the node (unfiltered).</param>
/// <param name="MatchingChildren">Children passing the filter.</param>
/// <param name="StatsLoaded">Children whose stat is already cached.</param>
/// <param name="ParentStat">The parent's stat as of the last children read.</param>
/// <param name="AsOf">When the children list was read.</param>
/// <param name="Stale">True while the ensemble is disconnected, or when the list was read before the last
/// reconnect and not yet refreshed. Show it as stale, never as fresh.</param>
public sealed record ChildrenPage(
    string Ensemble,
    string Path,
    int Offset,
    IReadOnlyList<ChildEntry> Items,
    int TotalChildren,
    int MatchingChildren,
    int StatsLoaded,
    Stat? ParentStat,
    DateTimeOffset AsOf,
    bool Stale)
{
    /// <summary>True when every child's stat is cached.</summary>
    public bool StatsComplete => StatsLoaded >= TotalChildren;

    /// <summary>Children left out because access rules hide them from this user (not counted in
    /// <see cref="TotalChildren"/> or <see cref="MatchingChildren"/>); 0 when nothing is hidden.</summary>
    public int HiddenChildren { get; init; }
}

/// <summary>The cached data of an open node.</summary>
/// <param name="Ensemble">Ensemble name.</param>
/// <param name="Path">Node path.</param>
/// <param name="Data">Node data.</param>
/// <param name="Stat">Node stat.</param>
/// <param name="AsOf">When it was read.</param>
/// <param name="Stale">True while disconnected or before a refresh after a reconnect.</param>
public sealed record CachedNodeData(string Ensemble, string Path, byte[] Data, Stat Stat, DateTimeOffset AsOf, bool Stale);

/// <summary>What changed in the cache (raised after the cache is updated).</summary>
/// <param name="Ensemble">Ensemble name.</param>
/// <param name="Path">The node whose children list or data changed.</param>
/// <param name="ChildrenChanged">The children list (or a child's stat) changed.</param>
/// <param name="DataChanged">The node's data or stat changed.</param>
public sealed record NodeCacheChangedEventArgs(string Ensemble, string Path, bool ChildrenChanged, bool DataChanged);

/// <summary>
/// Node cache for what viewers have open: children lists with each child's stat (held once per ensemble
/// and path, however many viewers, even for 100k+ children), and the data of open nodes. Entries are
/// kept live by watches (through <see cref="Watches.IWatchFanout"/>) and pages are served from memory.
/// </summary>
/// <remarks>
/// <para>Loading a children list reads the names first (one getChildren2), so a page sorted by name is served
/// at once; child stats are then fetched concurrently (several hundred exists calls pipelined on the
/// shared session, once the list's watch is in place) and a page that needs them (sort by mtime, size, child
/// count) waits for them.</para>
/// <para><b>Live child stats.</b> Every row follows the server, not the time it was listed: child count (so
/// expandability), size, mtime, ephemeral owner. A cached list holds one <see cref="Watches.WatchKind.ChildStats"/>
/// subscription on its node, i.e. one PERSISTENT_RECURSIVE server watch per open parent. A child's own event
/// carries its new stat (the hub's one exists read after the event); a grandchild created or deleted re-reads that
/// child's stat (one exists per changed child, merged while a read is in flight); a resync re-reads the list and
/// every child's stat. Changes reach <see cref="Changed"/> with the latency of any watch event.</para>
/// <para><b>Cost, bounded and measured</b> (<c>NodeCacheLiveStatsTests</c>): server watches = the number of distinct
/// open parents per ensemble, whatever the number of viewers (100 viewers of two nested parents: 2 watches). The
/// server sends one event per change and session however many of the session's recursive watches cover it (100
/// creates under two nested open parents: 100 events). Reads: one exists per changed child and per child whose
/// children changed; events deeper than grandchildren of every open list (say a bulk job far below the open root)
/// are dropped on arrival without a read (2,000 creates three levels below an open list: 0 reads, 0 deliveries;
/// 100 creates of grandchildren: 0 hub reads, the list re-reads the one child). The price of the recursive
/// watch is only that the server still sends those deep events to the session. On servers without persistent
/// watches (before 3.6, or <see cref="Sessions.SessionOptions.ForceOneShotWatches"/>) only the list itself is live
/// and child stats are as of the last reload.</para>
/// <para><b>Ensemble names</b> compare case-insensitively (as in the registry); entries and events carry the
/// registry's spelling.</para>
/// </remarks>
public interface INodeCache
{
    /// <summary>A page of a node's children, from the cache (loaded on first use).</summary>
    /// <exception cref="ArgumentException">Bad query (invalid or too slow regex, bad offset or limit).</exception>
    Task<ChildrenPage> GetChildrenPageAsync(string ensemble, string path, ChildrenQuery query, CancellationToken ct = default);

    /// <summary>The data and stat of a node, from the cache (loaded on first use); null when it does not exist.</summary>
    Task<CachedNodeData?> GetDataAsync(string ensemble, string path, CancellationToken ct = default);

    /// <summary>Keeps the node's children list and data cached and live until the lease is disposed.</summary>
    IDisposable Open(string ensemble, string path);

    /// <summary>Drops a node's cached entries (next read reloads).</summary>
    void Invalidate(string ensemble, string path);

    /// <summary>Raised after a cached entry changed because of a watch event or a reload.</summary>
    event EventHandler<NodeCacheChangedEventArgs>? Changed;
}
