using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web.Virtualization;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Boundary;
using ZkDashboard.Core.Cache;
using ZkDashboard.Core.Operations;
using ZkDashboard.Web.Components.Shared;
using ZkDashboard.Web.Auth;
using ZkDashboard.Web.Znodes.Live;
using ZkDashboard.Web.Znodes.Stats;

namespace ZkDashboard.Web.Components.Pages.Explorer;

/// <summary>
/// The Children tab: a virtualized, sortable table over the node cache. <see cref="Virtualize{TItem}"/> asks for the
/// rows in view as the table scrolls, so 100k children cost a screenful of rows in the DOM. Sorting by name (numeric
/// for sequential suffixes), size, child count or mtime, and the prefix filter, are done by the cache.
/// </summary>
public sealed partial class ChildrenGrid : IDisposable
{
    /// <summary>Height of a row in pixels (the CSS uses the same value, so Virtualize places rows exactly).</summary>
    public const int RowHeightPx = 36;

    /// <summary>Rows rendered above and below the visible ones.</summary>
    public const int OverscanRows = 8;

    private const int MaxRequest = 500;

    private static readonly IReadOnlyList<(string Key, string Title, ChildSort? Sort)> Columns =
    [
        ("name", "Name", ChildSort.Sequence),
        ("size", "Data size", ChildSort.Size),
        ("children", "Children", ChildSort.ChildCount),
        ("mtime", "Modified", ChildSort.Mtime),
        ("eph", "Ephemeral", null),
    ];

    private Virtualize<ChildEntry>? virtualize;
    private ChildSort sort = ChildSort.Sequence;
    private bool descending;
    private int count;
    private int matching;
    private bool loading;
    private bool stale;
    private bool statsPending;
    private string? prefix;
    private string? error;
    private string? loadedPath;
    private IDisposable? lease;
    private IDisposable? changes;
    private int hidden;
    private int refreshQueued;
    private bool disposed;
    private readonly CancellationTokenSource stopping = new();

    [Parameter, EditorRequired]
    public string Ensemble { get; set; } = string.Empty;

    [Parameter, EditorRequired]
    public string Path { get; set; } = "/";

    /// <summary>Children count from the node's stat (shown before the first rows arrive).</summary>
    /// <summary>The viewer's time zone for the Modified column (cascaded by the layout).</summary>
    [CascadingParameter]
    public ViewerTimeZone? Viewer { get; set; }

    [Parameter]
    public int Total { get; set; }

    [Parameter]
    public EventCallback<string> OnOpen { get; set; }

    [Inject]
    private IZooKeeperOperations Operations { get; set; } = default!;

    [Inject]
    private ICurrentUser CurrentUser { get; set; } = default!;

    [Inject]
    private IUserNodeCache Cache { get; set; } = default!;

    [Inject]
    private ILogger<ChildrenGrid> Logger { get; set; } = default!;

    private string CountText => (string.IsNullOrEmpty(prefix)
        ? $"{count.ToString("N0", CultureInfo.InvariantCulture)} {(count == 1 ? "child" : "children")}"
        : $"{matching.ToString("N0", CultureInfo.InvariantCulture)} of {count.ToString("N0", CultureInfo.InvariantCulture)} match")
        + (hidden > 0 ? $" · {hidden.ToString("N0", CultureInfo.InvariantCulture)} {(hidden == 1 ? "child" : "children")} hidden by access rules" : "");

    protected override async Task OnParametersSetAsync()
    {
        if (loadedPath != Path)
        {
            var first = loadedPath is null;
            loadedPath = Path;
            prefix = null;
            count = Total;
            matching = Total;
            error = null;
            lease?.Dispose();
            lease = null;
            if (!first)
            {
                lease = await OpenLeaseAsync();
                await RefreshAsync();
            }
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            // Keep this node's children live while the tab shows them (the tree may not have it open), and re-read the
            // rows in view when they change or their stats arrive.
            changes = Cache.SubscribeChanges(CurrentUser.User, Ensemble, OnCacheChanged);
            lease ??= await OpenLeaseAsync();
        }
    }

    /// <summary>The live cache entry for this node (null when access rules refuse it: the page read says why).</summary>
    private async Task<IDisposable?> OpenLeaseAsync()
    {
        try
        {
            var opened = await Cache.OpenAsync(CurrentUser.User, Ensemble, Path);
            if (disposed)
            {
                opened.Dispose();
                return null;
            }
            return opened;
        }
        catch (ZkDashboard.Core.Access.AccessDeniedException)
        {
            return null;
        }
    }

    private void OnCacheChanged(NodeCacheChangedEventArgs e)
    {
        if (disposed || !e.ChildrenChanged || e.Path != loadedPath
            || Interlocked.Exchange(ref refreshQueued, 1) == 1)
        {
            return;
        }

        LiveWork.Run(() => InvokeAsync(async () =>
        {
            Volatile.Write(ref refreshQueued, 0);
            if (!disposed)
            {
                await RefreshAsync();
            }
        }), Logger, $"Refreshing the children of {Path}", DispatchExceptionAsync, stopping.Token);
    }

    /// <summary>Re-reads the rows in view (live change, new sort or filter).</summary>
    public async Task RefreshAsync()
    {
        if (virtualize is not null)
        {
            await virtualize.RefreshDataAsync();
            StateHasChanged();
        }
    }

    private async Task SortByAsync(ChildSort by)
    {
        descending = sort == by && !descending;
        sort = by;
        await RefreshAsync();
    }

    private async Task OnPrefixChangedAsync(ChangeEventArgs e)
    {
        prefix = string.IsNullOrEmpty(e.Value?.ToString()) ? null : e.Value!.ToString();
        await RefreshAsync();
    }

    private async ValueTask<ItemsProviderResult<ChildEntry>> ProvideAsync(ItemsProviderRequest request)
    {
        var path = Path;
        loading = true;
        try
        {
            var page = await Operations.GetChildrenAsync(CurrentUser.User, Ensemble, path,
                new ChildrenQuery(sort, descending, prefix, null, request.StartIndex, Math.Clamp(request.Count, 1, MaxRequest)),
                request.CancellationToken);
            var changed = count != page.TotalChildren || matching != page.MatchingChildren || stale != page.Stale || hidden != page.HiddenChildren
                || statsPending == page.StatsComplete || error is not null;
            count = page.TotalChildren;
            hidden = page.HiddenChildren;
            matching = page.MatchingChildren;
            stale = page.Stale;
            statsPending = !page.StatsComplete;
            error = null;
            if (changed)
            {
                StateHasChanged();
            }

            return new ItemsProviderResult<ChildEntry>(page.Items, page.MatchingChildren);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            error = NodeProblem.From(ex, Ensemble, path) is { } p ? $"{p.Title}: {p.Message}" : ex.Message;
            StateHasChanged();
            return new ItemsProviderResult<ChildEntry>([], 0);
        }
        finally
        {
            loading = false;
        }
    }

    private string AriaSort(ChildSort? column) =>
        column is { } c && c == sort ? (descending ? "descending" : "ascending") : "none";

    private string SortIcon(ChildSort column) =>
        column != sort ? "unfold_more" : descending ? "arrow_downward" : "arrow_upward";

    public void Dispose()
    {
        disposed = true;
        changes?.Dispose();
        stopping.Cancel(); // not disposed: a cache event already running may still read its token
        lease?.Dispose();
        lease = null;
    }
}
