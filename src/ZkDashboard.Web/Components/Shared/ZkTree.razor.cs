using ZkDashboard.Core.Cache;
using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web.Virtualization;
using Microsoft.Extensions.Logging;
using Microsoft.JSInterop;
using ZkDashboard.Web.Znodes.Tree;

namespace ZkDashboard.Web.Components.Shared;

/// <summary>
/// The explorer tree: a flattened list of visible rows under <see cref="Virtualize{TItem}"/> (only the rows on
/// screen are in the DOM), loaded lazily from an <see cref="ITreeDataSource"/>. ARIA tree with keyboard
/// navigation, per-node sort and filter of children with "n of N", and live updates through
/// <see cref="ApplyChildrenChangedAsync"/> / <see cref="ApplyNodeChangedAsync"/>.
/// </summary>
public partial class ZkTree : IAsyncDisposable
{
    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private ILogger<ZkTree> Logger { get; set; } = default!;

    [Parameter, EditorRequired]
    public ITreeDataSource DataSource { get; set; } = default!;

    [Parameter]
    public string RootPath { get; set; } = "/";

    /// <summary>The selected node's path (two-way bindable).</summary>
    [Parameter]
    public string? SelectedPath { get; set; }

    [Parameter]
    public EventCallback<string> SelectedPathChanged { get; set; }

    /// <summary>Enter on a row (or a double click on a leaf).</summary>
    [Parameter]
    public EventCallback<string> OnActivate { get; set; }

    [Parameter]
    public string AriaLabel { get; set; } = "ZooKeeper nodes";

    [Parameter]
    public int RowHeight { get; set; } = 28;

    /// <summary>CSS height of the whole component (toolbar + rows); e.g. "100%" inside a sized container.</summary>
    [Parameter]
    public string? Height { get; set; } = "100%";

    [Parameter]
    public bool ShowToolbar { get; set; } = true;

    [Parameter]
    public TimeProvider? Time { get; set; }

    private readonly string _id = "zkt-" + Guid.NewGuid().ToString("N")[..8];
    private readonly CancellationTokenSource _disposed = new();
    private TreeModel? _model;
    private ITreeDataSource? _modelSource;
    private string? _modelRoot;
    private Virtualize<TreeRow>? _virtualize;
    private ElementReference _scroller;
    private IJSObjectReference? _module;
    private DotNetObjectReference<ZkTree>? _self;
    private int _activeIndex = -1;
    private string? _selectedPath;
    private int? _pendingScroll;
    private string? _filterText;
    private string? _filterError;
    private string? _announcement;
    private string? _loadError;
    private string? _contextPath;
    private readonly Dictionary<string, (IReadOnlyCollection<string>? Added, IReadOnlyCollection<string>? Removed)> _pendingChanges = new(StringComparer.Ordinal);
    private bool _draining;

    /// <summary>The model behind the rows (for tests and advanced callers).</summary>
    public TreeModel? Model => _model;

    private ChildSummary? Summary => _model is null ? null : _model.Summary(_contextPath ?? RootPath) ?? _model.Summary(RootPath);

    private string? ActiveDescendant => _activeIndex >= 0 ? RowId(_activeIndex) : null;

    private string RowId(int index) => string.Create(CultureInfo.InvariantCulture, $"{_id}-r{index}");

    protected override async Task OnParametersSetAsync()
    {
        if (!ReferenceEquals(_modelSource, DataSource) || _modelRoot != RootPath)
        {
            _modelSource = DataSource;
            _modelRoot = RootPath;
            _model?.Release();
            _model = new TreeModel(DataSource, RootPath, Time);
            _activeIndex = -1;
            _selectedPath = null;
            _revealPending = null;
            _contextPath = RootPath;
            await LoadAsync();
        }

        if (SelectedPath is not null && SelectedPath != _selectedPath && _model is { IsLoaded: true })
        {
            await RevealCoreAsync(SelectedPath, scroll: true);

            // Revealing expands ancestors: the rows Virtualize holds are out of date until it asks again.
            if (_virtualize is not null)
            {
                await _virtualize.RefreshDataAsync();
            }
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            try
            {
                _module = await JS.InvokeAsync<IJSObjectReference>("import", "./Components/Shared/ZkTree.razor.js");
                _self = DotNetObjectReference.Create(this);
                await _module.InvokeVoidAsync("attach", _scroller, _self);
            }
            catch (JSDisconnectedException)
            {
                return;
            }
        }

        if (_pendingScroll is { } index && _module is not null)
        {
            _pendingScroll = null;
            await _module.InvokeVoidAsync("scrollToIndex", _scroller, index, RowHeight);
        }
    }

    private async Task LoadAsync()
    {
        _loadError = null;
        try
        {
            await _model!.LoadAsync(_disposed.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _loadError = ex.Message;
        }

        // The first render may have asked for rows while the root was still loading, and got none. Virtualize does
        // not ask again by itself, so an ensemble that answered a little late left the tree empty for good.
        if (_virtualize is not null)
        {
            await _virtualize.RefreshDataAsync();
        }
    }

    private async ValueTask<ItemsProviderResult<TreeRow>> ProvideRowsAsync(ItemsProviderRequest request)
    {
        if (_model is null)
        {
            return new ItemsProviderResult<TreeRow>([], 0);
        }

        var version = _model.Version;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(request.CancellationToken, _disposed.Token);
        var rows = await _model.GetRowsAsync(request.StartIndex, request.Count, linked.Token);
        if (_model.Version != version)
        {
            // Counts changed underneath (no notification yet): refresh once the current render completes.
            LiveWork.Run(() => InvokeAsync(RefreshViewAsync), Logger, "Refreshing the tree after its counts changed", DispatchExceptionAsync, _disposed.Token);
        }

        return new ItemsProviderResult<TreeRow>(rows, _model.Count);
    }

    private async Task RefreshViewAsync()
    {
        if (_virtualize is not null)
        {
            await _virtualize.RefreshDataAsync();
        }

        StateHasChanged();
    }

    private static string CountText(ChildSummary s)
    {
        if (s.NoAuth)
        {
            return "not readable (NoAuth)";
        }

        var total = s.Total.ToString("N0", CultureInfo.InvariantCulture);
        return string.IsNullOrEmpty(s.View.Filter)
            ? $"{total} {(s.Total == 1 ? "child" : "children")}"
            : $"{s.Matched.ToString("N0", CultureInfo.InvariantCulture)} of {total} match";
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync();
        _model?.Release();
        if (_module is not null)
        {
            try
            {
                await _module.InvokeVoidAsync("detach", _scroller);
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone.
            }
        }

        _self?.Dispose();
        _disposed.Dispose();
        GC.SuppressFinalize(this);
    }
}
