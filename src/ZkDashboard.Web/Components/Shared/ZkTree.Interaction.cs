using ZkDashboard.Core.Cache;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using ZkDashboard.Web.Znodes.Tree;

namespace ZkDashboard.Web.Components.Shared;

public partial class ZkTree
{
    /// <summary>Selects and scrolls to a node, expanding its ancestors. Returns false when it cannot be shown.</summary>
    public async Task<bool> RevealAsync(string path)
    {
        var found = false;
        await InvokeAsync(async () =>
        {
            found = await RevealCoreAsync(path, scroll: true);
            await RefreshViewAsync();
        });
        return found;
    }

    /// <summary>Moves keyboard focus to the tree.</summary>
    public async Task FocusAsync()
    {
        if (_module is not null)
        {
            await _module.InvokeVoidAsync("focus", _scroller);
        }
    }

    /// <summary>
    /// A live notification: the children of <paramref name="path"/> changed. Safe to call from any thread, as
    /// often as events arrive: notifications that come in while a refresh runs are merged into the next one.
    /// Known added/removed names are highlighted; otherwise they are inferred where possible.
    /// </summary>
    public Task ApplyChildrenChangedAsync(string path, IReadOnlyCollection<string>? added = null, IReadOnlyCollection<string>? removed = null) =>
        InvokeAsync(async () =>
        {
            if (_model is not { IsLoaded: true })
            {
                return;
            }

            if (_pendingChanges.TryGetValue(path, out var known))
            {
                _pendingChanges[path] = (Merge(known.Added, added), Merge(known.Removed, removed));
            }
            else
            {
                _pendingChanges[path] = (added, removed);
            }

            if (_draining)
            {
                return; // the running drain picks it up
            }

            _draining = true;
            try
            {
                while (_pendingChanges.Count > 0)
                {
                    var batch = _pendingChanges.ToList();
                    _pendingChanges.Clear();
                    foreach (var (changedPath, (a, r)) in batch)
                    {
                        var change = await _model.ApplyChildrenChangedAsync(changedPath, a, r, _disposed.Token);
                        if (change is { } c && (c.Added > 0 || c.Removed > 0))
                        {
                            _announcement = $"{Describe(c.Path)}: {Plural(c.Added, "child", "children")} added, {c.Removed} removed";
                        }
                    }

                    await ResyncSelectionAsync();
                    await RefreshViewAsync();
                }
            }
            catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
            {
                // The tree went away.
            }
            finally
            {
                _draining = false;
            }
        });

    private static IReadOnlyCollection<string>? Merge(IReadOnlyCollection<string>? a, IReadOnlyCollection<string>? b) =>
        a is null || b is null ? null : [.. a.Concat(b).Distinct(StringComparer.Ordinal)];

    /// <summary>A live notification: a node's details (size, mtime, child count, markers) changed.</summary>
    public Task ApplyNodeChangedAsync(TreeNodeInfo info) => InvokeAsync(async () =>
    {
        _model?.UpdateNode(info);
        await RefreshViewAsync();
    });

    /// <summary>Reloads every expanded node (e.g. after a reconnect).</summary>
    public Task RefreshAsync() => InvokeAsync(async () =>
    {
        if (_model is null)
        {
            return;
        }

        _loadError = null;
        try
        {
            await _model.RefreshAllAsync(_disposed.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _loadError = ex.Message;
        }

        await ResyncSelectionAsync();
        await RefreshViewAsync();
    });

    [JSInvokable]
    public async Task OnTreeKeyAsync(string key, int pageRows)
    {
        if (_model is not { IsLoaded: true } || _model.Count == 0)
        {
            return;
        }

        var count = _model.Count;
        var current = Math.Clamp(_activeIndex < 0 ? 0 : _activeIndex, 0, count - 1);
        var row = await RowAtAsync(current);
        switch (key)
        {
            case "ArrowDown":
                await MoveToAsync(Math.Min(count - 1, _activeIndex < 0 ? 0 : current + 1));
                break;
            case "ArrowUp":
                await MoveToAsync(Math.Max(0, current - 1));
                break;
            case "Home":
                await MoveToAsync(0);
                break;
            case "End":
                await MoveToAsync(count - 1);
                break;
            case "PageDown":
                await MoveToAsync(Math.Min(count - 1, current + Math.Max(1, pageRows)));
                break;
            case "PageUp":
                await MoveToAsync(Math.Max(0, current - Math.Max(1, pageRows)));
                break;
            case "ArrowRight" when row is { Kind: TreeRowKind.Node, Info: not null }:
                if (!row.Expanded && row.HasChildren)
                {
                    await ToggleAsync(row);
                }
                else if (row.Expanded && current + 1 < _model.Count)
                {
                    await MoveToAsync(current + 1);
                }

                break;
            case "ArrowLeft" when row is not null:
                if (row is { Kind: TreeRowKind.Node, Expanded: true } && row.Path != RootPath)
                {
                    await ToggleAsync(row);
                }
                else if (row.Path != RootPath)
                {
                    var parentPath = row.Kind == TreeRowKind.Status ? row.Path[..row.Path.LastIndexOf('#')] : TreeModel.ParentOf(row.Path);
                    var parentIndex = await _model.IndexOfAsync(parentPath, _disposed.Token);
                    if (parentIndex >= 0)
                    {
                        await MoveToAsync(parentIndex);
                    }
                }

                break;
            case "Enter" when row is { Kind: TreeRowKind.Node, Info: not null }:
                await SelectRowAsync(row);
                await OnActivate.InvokeAsync(row.Path);
                break;
        }

        StateHasChanged();
    }

    private async Task OnRowSelectAsync(TreeRow row)
    {
        _activeIndex = row.Index;
        await SelectRowAsync(row);
    }

    private async Task OnRowToggleAsync(TreeRow row)
    {
        _activeIndex = row.Index;
        await SelectRowAsync(row);
        if (row.HasChildren)
        {
            await ToggleAsync(row);
        }
        else
        {
            await OnActivate.InvokeAsync(row.Path);
        }
    }

    private async Task ToggleAsync(TreeRow row)
    {
        if (_model is null || row.Kind != TreeRowKind.Node)
        {
            return;
        }

        if (row.Expanded)
        {
            _model.Collapse(row.Path);
            if (_contextPath is not null && (_contextPath == row.Path || _contextPath.StartsWith(row.Path + "/", StringComparison.Ordinal)))
            {
                _contextPath = TreeModel.ParentOf(row.Path);
            }
        }
        else
        {
            try
            {
                await _model.ExpandAsync(row.Path, _disposed.Token);
                _contextPath = row.Path;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _announcement = $"Could not expand {row.Path}: {ex.Message}";
            }
        }

        SyncFilterText();
        await ResyncSelectionAsync();
        await RefreshViewAsync();
    }

    private async Task MoveToAsync(int index)
    {
        var row = await RowAtAsync(index);
        _activeIndex = index;
        _pendingScroll = index;
        if (row is { Kind: TreeRowKind.Node, Info: not null })
        {
            await SelectRowAsync(row);
        }
    }

    private async Task SelectRowAsync(TreeRow row)
    {
        if (row.Kind != TreeRowKind.Node || row.Info is null)
        {
            return;
        }

        _contextPath = row.Expanded ? row.Path : TreeModel.ParentOf(row.Path);
        if (row.Path == RootPath)
        {
            _contextPath = RootPath;
        }

        SyncFilterText();
        if (_selectedPath != row.Path)
        {
            _selectedPath = row.Path;
            await SelectedPathChanged.InvokeAsync(row.Path);
        }
    }

    private async Task<bool> RevealCoreAsync(string path, bool scroll)
    {
        if (_model is null)
        {
            return false;
        }

        _selectedPath = path;
        int index;
        try
        {
            index = await _model.RevealAsync(path, _disposed.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _announcement = $"Could not show {path}: {ex.Message}";
            return false;
        }

        _activeIndex = index;
        // Not found yet: the cached listing of an ancestor may predate the node (its watch event is on the way).
        // The next children change retries the reveal (ResyncSelectionAsync).
        _revealPending = index >= 0 ? null : path;
        if (index >= 0)
        {
            _contextPath = _model.IsExpanded(path) ? path : TreeModel.ParentOf(path);
            SyncFilterText();
            if (scroll)
            {
                _pendingScroll = index;
            }
        }

        return index >= 0;
    }

    /// <summary>After the list changed shape, finds the selected node's new row.</summary>
    /// <summary>A selected path the tree could not show yet (see <see cref="RevealCoreAsync"/>).</summary>
    private string? _revealPending;

    private async Task ResyncSelectionAsync()
    {
        if (_model is null || _selectedPath is null)
        {
            return;
        }

        if (_revealPending is { } pending && pending == _selectedPath)
        {
            await RevealCoreAsync(pending, scroll: true);
            return;
        }

        var index = await _model.IndexOfAsync(_selectedPath, _disposed.Token);
        _activeIndex = index >= 0 ? index : Math.Min(_activeIndex, _model.Count - 1);
    }

    private async Task<TreeRow?> RowAtAsync(int index)
    {
        if (_model is null || index < 0 || index >= _model.Count)
        {
            return null;
        }

        var rows = await _model.GetRowsAsync(index, 1, _disposed.Token);
        return rows.Count == 1 ? rows[0] : null;
    }

    private async Task OnSortChangedAsync(ChangeEventArgs e)
    {
        if (Summary is { } s && Enum.TryParse<ChildSort>(e.Value?.ToString(), out var sort))
        {
            await ApplyViewAsync(s.Path, s.View with { Sort = sort });
        }
    }

    private async Task ToggleDirectionAsync()
    {
        if (Summary is { } s)
        {
            await ApplyViewAsync(s.Path, s.View with { Descending = !s.View.Descending });
        }
    }

    private async Task OnFilterChangedAsync(ChangeEventArgs e)
    {
        _filterText = e.Value?.ToString();
        if (Summary is { } s)
        {
            await ApplyViewAsync(s.Path, s.View with { Filter = string.IsNullOrEmpty(_filterText) ? null : _filterText });
        }
    }

    private async Task OnFilterModeChangedAsync(ChangeEventArgs e)
    {
        if (Summary is { } s && Enum.TryParse<ChildFilterMode>(e.Value?.ToString(), out var mode))
        {
            await ApplyViewAsync(s.Path, s.View with { FilterMode = mode });
        }
    }

    private async Task ApplyViewAsync(string path, ChildView view)
    {
        if (_model is null)
        {
            return;
        }

        if (!ChildQueries.TryCreateFilter(view.Filter, view.FilterMode, out _, out var error))
        {
            _filterError = error;
            return;
        }

        _filterError = null;
        await _model.SetViewAsync(path, view, _disposed.Token);
        if (_model.Summary(path) is { } s)
        {
            _announcement = CountText(s);
        }

        await ResyncSelectionAsync();
        await RefreshViewAsync();
    }

    private void SyncFilterText()
    {
        if (Summary is { } s)
        {
            _filterText = s.View.Filter;
            _filterError = null;
        }
    }

    private static string Plural(int n, string one, string many) => n == 1 ? $"1 {one}" : $"{n} {many}";

    private string Describe(string path) => path == RootPath ? "the root" : path;
}
