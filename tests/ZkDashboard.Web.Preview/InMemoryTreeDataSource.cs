using ZkDashboard.Web.Znodes.Tree;

namespace ZkDashboard.Web.Preview;

/// <summary>
/// A tree held in memory: for tests, demos and previews. Thread-safe (one lock). Paths are absolute, "/" is the root.
/// </summary>
public sealed class InMemoryTreeDataSource : ITreeDataSource
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TreeNodeInfo> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _children = new(StringComparer.Ordinal);
    private readonly HashSet<string> _noAuthListing = new(StringComparer.Ordinal);
    private int _childrenCalls;

    public InMemoryTreeDataSource()
    {
        _nodes["/"] = new TreeNodeInfo(string.Empty, "/", 0, 0, DateTimeOffset.UnixEpoch);
    }

    /// <summary>How many calls to <see cref="GetChildrenAsync"/> were made (to check paging in tests).</summary>
    public int ChildrenCalls => Volatile.Read(ref _childrenCalls);

    /// <summary>Paths the tree currently holds expanded (leases from <see cref="Watch"/> not yet disposed).</summary>
    public IReadOnlyCollection<string> Watched
    {
        get
        {
            lock (_gate)
            {
                return [.. _watched];
            }
        }
    }

    private readonly List<string> _watched = [];

    public IDisposable? Watch(string path)
    {
        lock (_gate)
        {
            _watched.Add(path);
        }

        return new Lease(this, path);
    }

    private sealed class Lease(InMemoryTreeDataSource owner, string path) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                lock (owner._gate)
                {
                    owner._watched.Remove(path);
                }
            }
        }
    }

    /// <summary>Adds (or replaces) a node; the parent must exist.</summary>
    public TreeNodeInfo Add(string path, int dataLength = 0, DateTimeOffset? mtime = null, long ephemeralOwner = 0, bool noAuth = false, string? createdHereAs = null)
    {
        lock (_gate)
        {
            var parent = ParentOf(path);
            if (!_nodes.ContainsKey(parent))
            {
                throw new InvalidOperationException($"Parent '{parent}' of '{path}' does not exist.");
            }

            var name = path[(path.LastIndexOf('/') + 1)..];
            var count = _children.TryGetValue(path, out var existing) ? existing.Count : 0;
            var info = new TreeNodeInfo(name, path, count, dataLength, mtime ?? DateTimeOffset.UnixEpoch, ephemeralOwner, noAuth, createdHereAs);
            _nodes[path] = info;
            if (!_children.TryGetValue(parent, out var siblings))
            {
                siblings = new HashSet<string>(StringComparer.Ordinal);
                _children[parent] = siblings;
            }

            siblings.Add(name);
            Touch(parent);
            return info;
        }
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
        lock (_gate)
        {
            RemoveCore(path);
            var parent = ParentOf(path);
            if (_children.TryGetValue(parent, out var siblings))
            {
                siblings.Remove(path[(path.LastIndexOf('/') + 1)..]);
                Touch(parent);
            }
        }
    }

    /// <summary>Makes listing the children of <paramref name="path"/> fail with NoAuth.</summary>
    public void DenyListing(string path)
    {
        lock (_gate)
        {
            _noAuthListing.Add(path);
        }
    }

    public Task<TreeNodeInfo?> GetNodeAsync(string path, CancellationToken ct)
    {
        lock (_gate)
        {
            return Task.FromResult(_nodes.TryGetValue(path, out var n) ? n : null);
        }
    }

    public Task<ChildPage> GetChildrenAsync(ChildQuery query, CancellationToken ct)
    {
        Interlocked.Increment(ref _childrenCalls);
        lock (_gate)
        {
            if (_noAuthListing.Contains(query.Path))
            {
                return Task.FromResult(ChildPage.Denied);
            }
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

    private List<TreeNodeInfo> Children(string path)
    {
        lock (_gate)
        {
            if (!_children.TryGetValue(path, out var kids))
            {
                return [];
            }

            var list = new List<TreeNodeInfo>(kids.Count);
            foreach (var kid in kids)
            {
                if (_nodes.TryGetValue(Join(path, kid), out var n))
                {
                    list.Add(n);
                }
            }

            return list;
        }
    }

    private void RemoveCore(string path)
    {
        if (_children.Remove(path, out var kids))
        {
            foreach (var kid in kids)
            {
                RemoveCore(Join(path, kid));
            }
        }

        _nodes.Remove(path);
    }

    private void Touch(string path)
    {
        if (_nodes.TryGetValue(path, out var node))
        {
            var count = _children.TryGetValue(path, out var kids) ? kids.Count : 0;
            if (node.NumChildren != count)
            {
                _nodes[path] = node with { NumChildren = count };
            }
        }
    }
}
