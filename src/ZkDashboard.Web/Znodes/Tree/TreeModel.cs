namespace ZkDashboard.Web.Znodes.Tree;

/// <summary>
/// The flattened list of visible rows of a lazily loaded tree. Only expanded nodes hold state; their children
/// are fetched page by page when rows are asked for, so a node with 100,000 children costs a few pages.
/// Row i of the list is located by walking the expanded nodes (few) — never by materializing all rows.
/// Not thread-safe: the component calls it from its renderer's dispatcher.
/// </summary>
public sealed partial class TreeModel
{
    public const int PageSize = 100;

    /// <summary>How long a live-change highlight lasts.</summary>
    public static readonly TimeSpan HighlightDuration = TimeSpan.FromSeconds(2.5);

    private readonly ITreeDataSource _source;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, NodeState> _expanded = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _highlights = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Note, DateTimeOffset Until)> _changeNotes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChildView> _views = new(StringComparer.Ordinal);
    private NodeState? _root;

    public TreeModel(ITreeDataSource source, string rootPath = "/", TimeProvider? time = null)
    {
        _source = source;
        _time = time ?? TimeProvider.System;
        RootPath = rootPath;
    }

    public string RootPath { get; }

    /// <summary>Number of visible rows.</summary>
    public int Count => _root is null ? 0 : _root.VisibleCount;

    public bool IsLoaded => _root is not null;

    /// <summary>Loads the root and expands it.</summary>
    public async Task LoadAsync(CancellationToken ct)
    {
        var info = await _source.GetNodeAsync(RootPath, ct).ConfigureAwait(true)
            ?? new TreeNodeInfo(RootPath == "/" ? string.Empty : RootPath[(RootPath.LastIndexOf('/') + 1)..], RootPath, 0, 0, null);
        if (_root is not null)
        {
            Forget(_root);
        }

        _expanded.Clear();
        _root = new NodeState(info, null, 1, -1, ViewOf(RootPath)) { Lease = _source.Watch(RootPath) };
        _expanded[RootPath] = _root;
        await ReloadChildrenAsync(_root, ct).ConfigureAwait(true);
    }

    public bool IsExpanded(string path) => _expanded.ContainsKey(path);

    /// <summary>Sort/filter settings for a node's children (kept while collapsed).</summary>
    public ChildView ViewOf(string path) => _views.TryGetValue(path, out var v) ? v : ChildView.Default;

    /// <summary>"n of N" for an expanded node; null when it is not expanded.</summary>
    public ChildSummary? Summary(string path) =>
        _expanded.TryGetValue(path, out var n)
            ? new ChildSummary(path, n.Total, n.Matched, n.View, n.NoAuth, n.Error, n.Stale)
            : null;

    /// <summary>The rows [start, start+count), fetching missing pages.</summary>
    public async Task<IReadOnlyList<TreeRow>> GetRowsAsync(int start, int count, CancellationToken ct)
    {
        if (_root is null)
        {
            return [];
        }

        var end = Math.Min(Count, start + count);
        var located = new List<Located>(Math.Max(0, end - start));
        for (var i = start; i < end; i++)
        {
            located.Add(Locate(_root, i, i));
        }

        // Fetch the pages the window needs, one call per (parent, page).
        foreach (var group in located.Where(l => l.Parent is not null && l.Kind == TreeRowKind.Node)
                     .Select(l => (l.Parent!, l.ChildIndex / PageSize)).Distinct())
        {
            await EnsurePageAsync(group.Item1, group.Item2, ct).ConfigureAwait(true);
        }

        var now = _time.GetUtcNow();
        var rows = new List<TreeRow>(located.Count);
        foreach (var l in located)
        {
            rows.Add(ToRow(l, now));
        }

        return rows;
    }

    /// <summary>The flat index of a visible node, or -1 when it is not visible (an ancestor is collapsed or it is filtered out).</summary>
    public async Task<int> IndexOfAsync(string path, CancellationToken ct)
    {
        if (_root is null)
        {
            return -1;
        }

        if (path == _root.Path)
        {
            return 0;
        }

        if (!IsUnder(path, _root.Path))
        {
            return -1;
        }

        var index = 0;
        var node = _root;
        var rest = _root.Path == "/" ? path[1..] : path[(_root.Path.Length + 1)..];
        var segments = rest.Split('/');
        for (var s = 0; s < segments.Length; s++)
        {
            if (!node.IsOpen)
            {
                return -1;
            }

            var childIndex = await ChildIndexAsync(node, segments[s], ct).ConfigureAwait(true);
            if (childIndex < 0)
            {
                return -1;
            }

            index += 1 + FlatOffsetOfChild(node, childIndex);
            var childPath = Join(node.Path, segments[s]);
            if (s == segments.Length - 1)
            {
                return index;
            }

            if (!_expanded.TryGetValue(childPath, out var next))
            {
                return -1;
            }

            node = next;
        }

        return index;
    }

    private static bool IsUnder(string path, string root) =>
        root == "/" ? path.StartsWith('/') && path.Length > 1 : path.StartsWith(root + "/", StringComparison.Ordinal);

    internal static string Join(string parent, string child) => parent == "/" ? "/" + child : parent + "/" + child;

    internal static string ParentOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }
}
