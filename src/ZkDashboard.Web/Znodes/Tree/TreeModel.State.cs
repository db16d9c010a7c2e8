namespace ZkDashboard.Web.Znodes.Tree;

public sealed partial class TreeModel
{
    /// <summary>An expanded node: its children's counts, loaded pages and expanded children.</summary>
    private sealed class NodeState(TreeNodeInfo info, NodeState? parent, int level, int indexInParent, ChildView view)
    {
        public TreeNodeInfo Info { get; set; } = info;
        public string Path => Info.Path;
        public NodeState? Parent { get; } = parent;
        public int Level { get; } = level;
        public int IndexInParent { get; set; } = indexInParent;
        public ChildView View { get; set; } = view;
        public bool Loaded { get; set; }
        public int Total { get; set; }
        public int Matched { get; set; }
        public bool NoAuth { get; set; }
        public string? Error { get; set; }
        public bool Stale { get; set; }
        public int Generation { get; set; }
        public Dictionary<int, TreeNodeInfo[]> Pages { get; } = [];
        public SortedDictionary<int, NodeState> OpenChildren { get; } = [];

        /// <summary>The data source's lease that keeps this node's children live while expanded.</summary>
        public IDisposable? Lease { get; set; }

        public bool IsOpen => true;

        /// <summary>A note row in place of children: loading, NoAuth, error, or nothing matching the filter.</summary>
        public int StatusRows => !Loaded || NoAuth || Error is not null || (Matched == 0 && !string.IsNullOrEmpty(View.Filter)) ? 1 : 0;

        public int VisibleCount
        {
            get
            {
                var count = 1 + StatusRows + Matched;
                foreach (var child in OpenChildren.Values)
                {
                    count += child.VisibleCount - 1;
                }

                return count;
            }
        }

        public ChildQuery Query(int skip, int take) =>
            new(Path, skip, take, View.Sort, View.Descending, View.Filter, View.FilterMode);

        public TreeNodeInfo? Cached(int childIndex) =>
            Pages.TryGetValue(childIndex / PageSize, out var page) && childIndex % PageSize < page.Length
                ? page[childIndex % PageSize]
                : null;
    }

    private readonly record struct Located(TreeRowKind Kind, int FlatIndex, NodeState? Self, NodeState? Parent, int ChildIndex);

    /// <summary>Finds row <paramref name="offset"/> of <paramref name="node"/>'s visible subtree (0 = the node itself).</summary>
    private static Located Locate(NodeState node, int offset, int flatIndex)
    {
        while (true)
        {
            if (offset == 0)
            {
                return new Located(TreeRowKind.Node, flatIndex, node, node.Parent, node.IndexInParent);
            }

            var r = offset - 1;
            if (node.StatusRows == 1)
            {
                if (r == 0)
                {
                    return new Located(TreeRowKind.Status, flatIndex, null, node, -1);
                }

                r--;
            }

            var pos = 0;
            var nextIndex = 0;
            NodeState? descend = null;
            foreach (var (childIndex, child) in node.OpenChildren)
            {
                var childStart = pos + (childIndex - nextIndex);
                if (r < childStart)
                {
                    break;
                }

                var size = child.VisibleCount;
                if (r < childStart + size)
                {
                    descend = child;
                    offset = r - childStart;
                    break;
                }

                pos = childStart + size;
                nextIndex = childIndex + 1;
            }

            if (descend is null)
            {
                return new Located(TreeRowKind.Node, flatIndex, null, node, nextIndex + (r - pos));
            }

            node = descend;
        }
    }

    /// <summary>Offset of child <paramref name="childIndex"/> inside <paramref name="node"/>'s children region.</summary>
    private static int FlatOffsetOfChild(NodeState node, int childIndex)
    {
        var offset = node.StatusRows + childIndex;
        foreach (var (index, child) in node.OpenChildren)
        {
            if (index >= childIndex)
            {
                break;
            }

            offset += child.VisibleCount - 1;
        }

        return offset;
    }

    private async Task EnsurePageAsync(NodeState node, int page, CancellationToken ct)
    {
        if (node.Pages.ContainsKey(page) || !node.Loaded || node.NoAuth || node.Error is not null)
        {
            return;
        }

        var generation = node.Generation;
        var result = await _source.GetChildrenAsync(node.Query(page * PageSize, PageSize), ct).ConfigureAwait(true);
        if (generation != node.Generation || !_expanded.ContainsKey(node.Path))
        {
            return;
        }

        node.Pages[page] = [.. result.Items];
        node.Stale = result.Stale;
        EvictPages(node, page);
        if (result.Matched != node.Matched || result.Total != node.Total)
        {
            // Changed underneath without a notification: keep the counts truthful; the view refreshes.
            node.Total = result.Total;
            node.Matched = result.Matched;
            Version++;
        }

        RefreshOpenChildInfo(node, page);
    }

    /// <summary>Bumped when the shape of the list changed outside of a call the component made (it then re-renders).</summary>
    public int Version { get; private set; }

    private void RefreshOpenChildInfo(NodeState node, int page)
    {
        foreach (var (index, child) in node.OpenChildren)
        {
            if (index / PageSize == page && node.Cached(index) is { } info && info.Name == child.Info.Name)
            {
                child.Info = info;
            }
        }
    }

    /// <summary>Refetches the counts and the pages that were loaded, and re-finds expanded children.</summary>
    private async Task<HashSet<string>> ReloadChildrenAsync(NodeState node, CancellationToken ct)
    {
        var pagesBefore = node.Pages.Keys.DefaultIfEmpty(0).ToList();
        node.Generation++;
        var generation = node.Generation;
        node.Pages.Clear();
        var newNames = new HashSet<string>(StringComparer.Ordinal);
        ChildPage? first = null;
        foreach (var page in pagesBefore.OrderBy(p => p))
        {
            var result = await _source.GetChildrenAsync(node.Query(page * PageSize, PageSize), ct).ConfigureAwait(true);
            if (generation != node.Generation)
            {
                return newNames;
            }

            first ??= result;
            node.Pages[page] = [.. result.Items];
            newNames.UnionWith(result.Items.Select(i => i.Name));
        }

        first ??= new ChildPage(0, 0, []);
        node.Loaded = true;
        node.Total = first.Total;
        node.Matched = first.Matched;
        node.NoAuth = first.NoAuth;
        node.Error = first.Error;
        node.Stale = first.Stale;
        if (!first.NoAuth && first.Error is null && node.Info.NumChildren != first.Total)
        {
            node.Info = node.Info with { NumChildren = first.Total };
        }

        // Re-key expanded children by their new positions; drop those that vanished or no longer match.
        var open = node.OpenChildren.Values.ToList();
        node.OpenChildren.Clear();
        foreach (var child in open)
        {
            var index = first.NoAuth || first.Error is not null
                ? -1
                : await _source.IndexOfAsync(node.Query(0, 0), child.Info.Name, ct).ConfigureAwait(true);
            if (index < 0 || index >= node.Matched || node.OpenChildren.ContainsKey(index))
            {
                Forget(child);
                continue;
            }

            child.IndexInParent = index;
            node.OpenChildren[index] = child;
        }

        foreach (var page in node.Pages.Keys)
        {
            RefreshOpenChildInfo(node, page);
        }

        return newNames;
    }

    /// <summary>Position of a child among the node's matching children; -1 when absent.</summary>
    private async Task<int> ChildIndexAsync(NodeState node, string name, CancellationToken ct)
    {
        foreach (var (index, child) in node.OpenChildren)
        {
            if (child.Info.Name == name)
            {
                return index;
            }
        }

        foreach (var (page, items) in node.Pages)
        {
            for (var i = 0; i < items.Length; i++)
            {
                if (items[i].Name == name)
                {
                    return page * PageSize + i;
                }
            }
        }

        if (node.NoAuth || node.Error is not null)
        {
            return -1;
        }

        return await _source.IndexOfAsync(node.Query(0, 0), name, ct).ConfigureAwait(true);
    }

    /// <summary>At most this many pages are kept per expanded node (bounded memory when scrolling 100k children).</summary>
    public const int MaxCachedPages = 24;

    private static void EvictPages(NodeState node, int keep)
    {
        while (node.Pages.Count > MaxCachedPages)
        {
            var farthest = node.Pages.Keys.MaxBy(p => Math.Abs(p - keep));
            node.Pages.Remove(farthest);
        }
    }

    private void Forget(NodeState node)
    {
        _expanded.Remove(node.Path);
        node.Lease?.Dispose();
        node.Lease = null;
        foreach (var child in node.OpenChildren.Values)
        {
            Forget(child);
        }

        node.OpenChildren.Clear();
    }

    private TreeRow ToRow(Located l, DateTimeOffset now)
    {
        if (l.Kind == TreeRowKind.Status)
        {
            var parent = l.Parent!;
            var (text, isError) = parent switch
            {
                { Loaded: false } => ("Loading…", false),
                { NoAuth: true } => ("No permission to list the children (NoAuth)", true),
                { Error: { } e } => (e, true),
                _ => ($"No children match the filter ({parent.Total:N0} hidden)", false),
            };
            return new TreeRow(l.FlatIndex, TreeRowKind.Status, parent.Path + "#status", text, parent.Level + 1, 1, 1, null, false,
                StatusText: text, StatusIsError: isError, Loading: !parent.Loaded);
        }

        if (l.Self is { } self)
        {
            return new TreeRow(l.FlatIndex, TreeRowKind.Node, self.Path, self.Info.Name, self.Level,
                Math.Max(1, self.IndexInParent + 1), self.Parent?.Matched ?? 1, self.Info, Expanded: true,
                Highlight: IsHighlighted(self.Path, now), ChangeNote: NoteFor(self.Path, now));
        }

        var owner = l.Parent!;
        var info = owner.Cached(l.ChildIndex);
        if (info is null)
        {
            return new TreeRow(l.FlatIndex, TreeRowKind.Node, $"{owner.Path}#{l.ChildIndex}", string.Empty, owner.Level + 1,
                l.ChildIndex + 1, owner.Matched, null, false, Loading: true);
        }

        return new TreeRow(l.FlatIndex, TreeRowKind.Node, info.Path, info.Name, owner.Level + 1, l.ChildIndex + 1, owner.Matched,
            info, Expanded: false, Highlight: IsHighlighted(info.Path, now), ChangeNote: NoteFor(info.Path, now));
    }

    private bool IsHighlighted(string path, DateTimeOffset now) =>
        _highlights.TryGetValue(path, out var until) && until > now;

    private string? NoteFor(string path, DateTimeOffset now) =>
        _changeNotes.TryGetValue(path, out var note) && note.Until > now ? note.Note : null;
}
