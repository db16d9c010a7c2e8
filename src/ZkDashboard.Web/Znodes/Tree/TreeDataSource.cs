using ZkDashboard.Core.Cache;

namespace ZkDashboard.Web.Znodes.Tree;

/// <summary>How the filter text selects children.</summary>
public enum ChildFilterMode
{
    /// <summary>Names that start with the text (ordinal).</summary>
    Prefix,
    /// <summary>Names in which the .NET regular expression finds a match.</summary>
    Regex,
}

/// <summary>A request for one page of a node's children.</summary>
/// <param name="Path">Absolute path of the parent.</param>
/// <param name="Skip">How many matching children to skip (in the requested order).</param>
/// <param name="Take">At most how many to return.</param>
public sealed record ChildQuery(
    string Path,
    int Skip,
    int Take,
    ChildSort Sort = ChildSort.Name,
    bool Descending = false,
    string? Filter = null,
    ChildFilterMode FilterMode = ChildFilterMode.Prefix)
{
    public bool HasFilter => !string.IsNullOrEmpty(Filter);
}

/// <summary>What the tree shows for one node.</summary>
/// <param name="Name">The last path segment ("" for the root).</param>
/// <param name="Path">The absolute path.</param>
/// <param name="Mtime">Last data change; null when unknown (e.g. NoAuth did not stop the stat, but the cache has none yet).</param>
/// <param name="EphemeralOwner">Owner session id of an ephemeral node; 0 otherwise.</param>
/// <param name="NoAuth">True when the dashboard has no Read permission on this node.</param>
/// <param name="CreatedHereAs">For nodes created through the dashboard: "container", "TTL 60 s", …; null otherwise (never a guess).</param>
public sealed record TreeNodeInfo(
    string Name,
    string Path,
    int NumChildren,
    int DataLength,
    DateTimeOffset? Mtime,
    long EphemeralOwner = 0,
    bool NoAuth = false,
    string? CreatedHereAs = null)
{
    public bool IsEphemeral => EphemeralOwner != 0;

    /// <summary>From a path and the client's <see cref="ZkDashboard.ZooKeeper.Stat"/>.</summary>
    public static TreeNodeInfo FromStat(string path, ZkDashboard.ZooKeeper.Stat stat, bool noAuth = false, string? createdHereAs = null)
    {
        ArgumentNullException.ThrowIfNull(stat);
        var name = path == "/" ? string.Empty : path[(path.LastIndexOf('/') + 1)..];
        return new TreeNodeInfo(name, path, stat.NumChildren, stat.DataLength, stat.Modified, stat.EphemeralOwner, noAuth, createdHereAs);
    }
}

/// <summary>One page of children.</summary>
/// <param name="Total">How many children the node has.</param>
/// <param name="Matched">How many of them pass the filter (equals Total without a filter).</param>
/// <param name="Items">The requested page of matching children, in order.</param>
/// <param name="NoAuth">True when the children cannot be listed for lack of permission (Items is empty).</param>
/// <param name="Error">A message when the children could not be listed for another reason (e.g. a bad regex).</param>
/// <param name="Stale">True when the list may be out of date (the ensemble is disconnected or not yet re-read).</param>
public sealed record ChildPage(int Total, int Matched, IReadOnlyList<TreeNodeInfo> Items, bool NoAuth = false, string? Error = null, bool Stale = false)
{
    public static ChildPage Denied { get; } = new(0, 0, [], NoAuth: true);

    public static ChildPage Failed(string error) => new(0, 0, [], Error: error);
}

/// <summary>
/// Where the tree gets its nodes. The ensemble service implements it over its node cache; tests use an in-memory tree
/// (tests/ZkDashboard.Web.Preview). <see cref="ChildQueries"/> sorts, filters and pages a list in memory.
/// </summary>
public interface ITreeDataSource
{
    /// <summary>The node at <paramref name="path"/>, or null when it does not exist.</summary>
    Task<TreeNodeInfo?> GetNodeAsync(string path, CancellationToken ct);

    /// <summary>A page of the children of <c>query.Path</c> in the requested order and filter.</summary>
    Task<ChildPage> GetChildrenAsync(ChildQuery query, CancellationToken ct);

    /// <summary>
    /// The position of <paramref name="childName"/> among the matching children of <c>query.Path</c> in the
    /// query's order (Skip and Take are ignored), or -1 when it is not there.
    /// </summary>
    Task<int> IndexOfAsync(ChildQuery query, string childName, CancellationToken ct);

    /// <summary>
    /// Called when the tree expands <paramref name="path"/>; the returned lease (if any) is disposed when it
    /// collapses or the tree goes away. The node cache uses it to keep expanded lists cached and watched.
    /// </summary>
    IDisposable? Watch(string path) => null;
}
