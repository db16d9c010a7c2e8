namespace ZkDashboard.Web.Znodes.Tree;

/// <summary>What a live children change did, for announcements.</summary>
public sealed record ChildrenChange(string Path, int Added, int Removed, int Total);

public sealed partial class TreeModel
{
    /// <summary>Expands a visible node (its parent must be expanded). Returns false when it cannot be found.</summary>
    public async Task<bool> ExpandAsync(string path, CancellationToken ct)
    {
        if (_expanded.ContainsKey(path))
        {
            return true;
        }

        if (_root is null || path == RootPath || !_expanded.TryGetValue(ParentOf(path), out var parent))
        {
            return false;
        }

        var name = path[(path.LastIndexOf('/') + 1)..];
        var index = await ChildIndexAsync(parent, name, ct).ConfigureAwait(true);
        if (index < 0 || parent.OpenChildren.ContainsKey(index))
        {
            return false;
        }

        var info = parent.Cached(index) is { } cached && cached.Name == name
            ? cached
            : await _source.GetNodeAsync(path, ct).ConfigureAwait(true);
        if (info is null)
        {
            return false;
        }

        var state = new NodeState(info, parent, parent.Level + 1, index, ViewOf(path)) { Lease = _source.Watch(path) };
        parent.OpenChildren[index] = state;
        _expanded[path] = state;
        await ReloadChildrenAsync(state, ct).ConfigureAwait(true);
        return true;
    }

    /// <summary>Collapses a node (the root stays expanded). Its expanded descendants are forgotten.</summary>
    public bool Collapse(string path)
    {
        if (path == RootPath || !_expanded.TryGetValue(path, out var state))
        {
            return false;
        }

        state.Parent?.OpenChildren.Remove(state.IndexInParent);
        Forget(state);
        return true;
    }

    /// <summary>Expands every ancestor of <paramref name="path"/> and returns its flat index (-1 if not found or filtered out).</summary>
    public async Task<int> RevealAsync(string path, CancellationToken ct)
    {
        if (_root is null)
        {
            return -1;
        }

        if (path != RootPath && IsUnder(path, RootPath))
        {
            var rest = RootPath == "/" ? path[1..] : path[(RootPath.Length + 1)..];
            var segments = rest.Split('/');
            var current = RootPath;
            for (var i = 0; i < segments.Length - 1; i++)
            {
                current = Join(current, segments[i]);
                if (!await ExpandAsync(current, ct).ConfigureAwait(true))
                {
                    return -1;
                }
            }
        }

        return await IndexOfAsync(path, ct).ConfigureAwait(true);
    }

    /// <summary>Changes the sort or filter of a node's children; expanded children keep their state if they still match.</summary>
    public async Task SetViewAsync(string path, ChildView view, CancellationToken ct)
    {
        _views[path] = view;
        if (_expanded.TryGetValue(path, out var state))
        {
            state.View = view;
            await ReloadChildrenAsync(state, ct).ConfigureAwait(true);
        }
    }

    /// <summary>
    /// A live notification that the children of <paramref name="path"/> changed. Pass the names when known
    /// (they are highlighted); otherwise new names are inferred when all children were loaded.
    /// </summary>
    public async Task<ChildrenChange?> ApplyChildrenChangedAsync(string path, IReadOnlyCollection<string>? added, IReadOnlyCollection<string>? removed, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (!_expanded.TryGetValue(path, out var state))
        {
            // Collapsed: only its child count changes.
            var fresh = await _source.GetNodeAsync(path, ct).ConfigureAwait(true);
            if (fresh is null)
            {
                return null;
            }

            var delta = fresh.NumChildren - (FindInfo(path)?.NumChildren ?? fresh.NumChildren);
            UpdateNode(fresh);
            if (delta != 0 || added is { Count: > 0 } || removed is { Count: > 0 })
            {
                var a = added?.Count ?? Math.Max(0, delta);
                var r = removed?.Count ?? Math.Max(0, -delta);
                _changeNotes[path] = (Note(a, r), now + HighlightDuration);
                return new ChildrenChange(path, a, r, fresh.NumChildren);
            }

            return new ChildrenChange(path, 0, 0, fresh.NumChildren);
        }

        var before = LoadedNames(state);
        var coveredAll = state.Loaded && before.Count >= state.Matched;
        var oldTotal = state.Total;
        var after = await ReloadChildrenAsync(state, ct).ConfigureAwait(true);

        var addedNames = added ?? (coveredAll ? after.Where(n => !before.Contains(n)).ToList() : []);
        var removedCount = removed?.Count ?? (coveredAll ? before.Count(n => !after.Contains(n)) : Math.Max(0, oldTotal - state.Total));
        var addedCount = added?.Count ?? (coveredAll ? addedNames.Count : Math.Max(0, state.Total - oldTotal));
        foreach (var name in addedNames)
        {
            _highlights[Join(path, name)] = now + HighlightDuration;
        }

        if (addedCount > 0 || removedCount > 0)
        {
            _changeNotes[path] = (Note(addedCount, removedCount), now + HighlightDuration);
        }

        PruneHighlights(now);
        return new ChildrenChange(path, addedCount, removedCount, state.Total);
    }

    /// <summary>Replaces the shown details (size, mtime, child count, markers) of a node wherever it is loaded.</summary>
    public void UpdateNode(TreeNodeInfo info)
    {
        if (_expanded.TryGetValue(info.Path, out var self))
        {
            self.Info = info;
        }

        if (_expanded.TryGetValue(ParentOf(info.Path), out var parent) && info.Path != RootPath)
        {
            foreach (var page in parent.Pages.Values)
            {
                for (var i = 0; i < page.Length; i++)
                {
                    if (page[i].Name == info.Name)
                    {
                        page[i] = info;
                    }
                }
            }
        }
    }

    /// <summary>The loaded details of a node, or null when it is not loaded.</summary>
    public TreeNodeInfo? FindInfo(string path)
    {
        if (_expanded.TryGetValue(path, out var self))
        {
            return self.Info;
        }

        if (_expanded.TryGetValue(ParentOf(path), out var parent))
        {
            var name = path[(path.LastIndexOf('/') + 1)..];
            foreach (var page in parent.Pages.Values)
            {
                foreach (var item in page)
                {
                    if (item.Name == name)
                    {
                        return item;
                    }
                }
            }
        }

        return null;
    }

    /// <summary>Releases every lease (the tree is going away).</summary>
    public void Release()
    {
        if (_root is not null)
        {
            Forget(_root);
        }
    }

    /// <summary>Reloads every expanded node (e.g. after a reconnect).</summary>
    public async Task RefreshAllAsync(CancellationToken ct)
    {
        if (_root is null)
        {
            await LoadAsync(ct).ConfigureAwait(true);
            return;
        }

        foreach (var node in _expanded.Values.OrderBy(n => n.Level).ToList())
        {
            if (_expanded.ContainsKey(node.Path))
            {
                await ReloadChildrenAsync(node, ct).ConfigureAwait(true);
            }
        }
    }

    private static HashSet<string> LoadedNames(NodeState state)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var page in state.Pages.Values)
        {
            foreach (var item in page)
            {
                names.Add(item.Name);
            }
        }

        return names;
    }

    private static string Note(int added, int removed) =>
        (added, removed) switch
        {
            (> 0, > 0) => $"+{added} −{removed}",
            (> 0, _) => $"+{added}",
            _ => $"−{removed}",
        };

    private void PruneHighlights(DateTimeOffset now)
    {
        foreach (var key in _highlights.Where(h => h.Value <= now).Select(h => h.Key).ToList())
        {
            _highlights.Remove(key);
        }

        foreach (var key in _changeNotes.Where(h => h.Value.Until <= now).Select(h => h.Key).ToList())
        {
            _changeNotes.Remove(key);
        }
    }
}
