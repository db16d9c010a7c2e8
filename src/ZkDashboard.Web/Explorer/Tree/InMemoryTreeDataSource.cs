using System.Collections.Concurrent;

namespace ZkDashboard.Web.Explorer.Tree;

/// <summary>
/// A tree held in memory: for tests, demos and previews. Thread-safe. Paths are absolute, "/" is the root.
/// </summary>
public sealed class InMemoryTreeDataSource : ITreeDataSource
{
    private readonly ConcurrentDictionary<string, TreeNodeInfo> _nodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _children = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _noAuthListing = new(StringComparer.Ordinal);

    public InMemoryTreeDataSource()
    {
        _nodes["/"] = new TreeNodeInfo(string.Empty, "/", 0, 0, DateTimeOffset.UnixEpoch);
        _children["/"] = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
    }

    /// <summary>How many calls to <see cref="GetChildrenAsync"/> were made (to check paging in tests).</summary>
    public int ChildrenCalls => _childrenCalls;

    private int _childrenCalls;

    /// <summary>Adds (or replaces) a node; the parent must exist.</summary>
    public TreeNodeInfo Add(string path, int dataLength = 0, DateTimeOffset? mtime = null, long ephemeralOwner = 0, bool noAuth = false, string? createdHereAs = null)
    {
        var parent = ParentOf(path);
        if (!_children.TryGetValue(parent, out var siblings))
        {
            throw new InvalidOperationException($"Parent '{parent}' of '{path}' does not exist.");
        }

        var name = path[(path.LastIndexOf('/') + 1)..];
        var existing = _children.GetOrAdd(path, _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal));
        var info = new TreeNodeInfo(name, path, existing.Count, dataLength, mtime ?? DateTimeOffset.UnixEpoch, ephemeralOwner, noAuth, createdHereAs);
        _nodes[path] = info;
        siblings[name] = 0;
        Touch(parent);
        return info;
    }

    /// <summary>Adds <paramref name="count"/> children named <c>prefix0000000000</c>… under <paramref name="parent"/>.</summary>
    public void AddMany(string parent, int count, string prefix = "n-")
    {
        for (var i = 0; i < count; i++)
        {
            Add(Join(parent, prefix + i.ToString("D10", System.Globalization.CultureInfo.InvariantCulture)), dataLength: i % 100);
        }
    }

    /// <summary>Removes a node and its subtree.</summary>
    public void Remove(string path)
    {
        if (_children.TryRemove(path, out var kids))
        {
            foreach (var kid in kids.Keys)
            {
                Remove(Join(path, kid));
            }
        }

        _nodes.TryRemove(path, out _);
        var parent = ParentOf(path);
        if (_children.TryGetValue(parent, out var siblings))
        {
            siblings.TryRemove(path[(path.LastIndexOf('/') + 1)..], out _);
            Touch(parent);
        }
    }

    /// <summary>Makes listing the children of <paramref name="path"/> fail with NoAuth.</summary>
    public void DenyListing(string path) => _noAuthListing[path] = 0;

    public Task<TreeNodeInfo?> GetNodeAsync(string path, CancellationToken ct) =>
        Task.FromResult(_nodes.TryGetValue(path, out var n) ? n : null);

    public Task<ChildPage> GetChildrenAsync(ChildQuery query, CancellationToken ct)
    {
        Interlocked.Increment(ref _childrenCalls);
        if (_noAuthListing.ContainsKey(query.Path))
        {
            return Task.FromResult(ChildPage.Denied);
        }

        return Task.FromResult(ChildQueries.Apply(Children(query.Path), query));
    }

    public Task<int> IndexOfAsync(ChildQuery query, string childName, CancellationToken ct) =>
        Task.FromResult(ChildQueries.IndexOf(Children(query.Path), query, childName));

    public static string Join(string parent, string child) => parent == "/" ? "/" + child : parent + "/" + child;

    public static string ParentOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    private List<TreeNodeInfo> Children(string path) =>
        _children.TryGetValue(path, out var kids)
            ? kids.Keys.Select(k => _nodes.TryGetValue(Join(path, k), out var n) ? n : null).OfType<TreeNodeInfo>().ToList()
            : [];

    private void Touch(string path)
    {
        if (_nodes.TryGetValue(path, out var node) && _children.TryGetValue(path, out var kids))
        {
            _nodes[path] = node with { NumChildren = kids.Count };
        }
    }
}
