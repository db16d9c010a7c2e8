using System.Globalization;
using Microsoft.AspNetCore.Components;
using Radzen;
using Radzen.Blazor;
using ZkDashboard.Core.Cache;
using ZkDashboard.Core.Operations;
using ZkDashboard.Web.Explorer.Live;

namespace ZkDashboard.Web.Components.Pages.Explorer;

/// <summary>
/// The Children tab: a paged, sortable grid over the node cache (pages of 50 are read on demand, so 100k
/// children cost 50 rows in the DOM). Sorting by name, size, child count or mtime is done by the cache.
/// </summary>
public sealed partial class ChildrenGrid : IDisposable
{
    private const int MaxStatsRereads = 20;
    private readonly CancellationTokenSource disposed = new();
    private int statsRereads;
    private RadzenDataGrid<ChildEntry>? grid;
    private IReadOnlyList<ChildEntry>? items; // null until the first LoadData: the grid only calls LoadData by itself while Data is null
    private int count;
    private int matching;
    private bool loading;
    private bool stale;
    private bool statsPending;
    private string? prefix;
    private string? error;
    private string? loadedPath;
    private LoadDataArgs? lastArgs;

    [Parameter, EditorRequired]
    public string Ensemble { get; set; } = string.Empty;

    [Parameter, EditorRequired]
    public string Path { get; set; } = "/";

    /// <summary>Children count from the node's stat (shown before the first page arrives).</summary>
    [Parameter]
    public int Total { get; set; }

    [Parameter]
    public EventCallback<string> OnOpen { get; set; }

    [Inject]
    private IZooKeeperOperations Operations { get; set; } = default!;

    [Inject]
    private ICurrentUser CurrentUser { get; set; } = default!;

    private string CountText => string.IsNullOrEmpty(prefix)
        ? $"{count.ToString("N0", CultureInfo.InvariantCulture)} {(count == 1 ? "child" : "children")}"
        : $"{matching.ToString("N0", CultureInfo.InvariantCulture)} of {count.ToString("N0", CultureInfo.InvariantCulture)} match";

    protected override async Task OnParametersSetAsync()
    {
        if (loadedPath != Path)
        {
            loadedPath = Path;
            prefix = null;
            statsRereads = 0;
            count = Total;
            if (grid is not null)
            {
                await grid.FirstPage(true);
            }
        }
    }

    /// <summary>Re-reads the current page (live change).</summary>
    public async Task RefreshAsync()
    {
        if (lastArgs is not null)
        {
            await LoadAsync(lastArgs);
            StateHasChanged();
        }
    }

    private async Task OnPrefixChangedAsync(ChangeEventArgs e)
    {
        prefix = string.IsNullOrEmpty(e.Value?.ToString()) ? null : e.Value!.ToString();
        if (grid is not null)
        {
            await grid.FirstPage(true);
        }
    }

    private async Task LoadAsync(LoadDataArgs args)
    {
        lastArgs = args;
        loading = true;
        var (sort, descending) = ParseSort(args.OrderBy);
        try
        {
            var page = await Operations.GetChildrenAsync(CurrentUser.User, Ensemble, Path,
                new ChildrenQuery(sort, descending, prefix, null, args.Skip ?? 0, Math.Clamp(args.Top ?? 50, 1, 10_000)));
            items = page.Items;
            count = page.TotalChildren;
            matching = page.MatchingChildren;
            stale = page.Stale;
            statsPending = !page.StatsComplete;
            error = null;
            if (statsPending)
            {
                ScheduleStatsReread(args);
            }
            else
            {
                statsRereads = 0;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            items = [];
            error = NodeProblem.From(ex, Ensemble, Path) is { } p ? $"{p.Title}: {p.Message}" : ex.Message;
        }
        finally
        {
            loading = false;
        }
    }

    /// <summary>
    /// The cache reads the children's stats in the background: read the page again a little later until they are all
    /// there (bounded), so the size, count and mtime columns do not stay at "…".
    /// </summary>
    private void ScheduleStatsReread(LoadDataArgs args)
    {
        if (statsRereads >= MaxStatsRereads || disposed.IsCancellationRequested)
        {
            return;
        }

        statsRereads++;
        var path = Path;
        var delay = TimeSpan.FromMilliseconds(Math.Min(2_000, 150 * statsRereads));
        _ = Task.Delay(delay, disposed.Token).ContinueWith(
            _ => InvokeAsync(async () =>
            {
                if (!disposed.IsCancellationRequested && path == Path && ReferenceEquals(args, lastArgs))
                {
                    await LoadAsync(args);
                    StateHasChanged();
                }
            }),
            CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    public void Dispose()
    {
        disposed.Cancel();
        disposed.Dispose();
    }

    /// <summary>Radzen's OrderBy ("Name desc") to the cache's sort.</summary>
    internal static (ChildSort Sort, bool Descending) ParseSort(string? orderBy)
    {
        if (string.IsNullOrWhiteSpace(orderBy))
        {
            return (ChildSort.Name, false);
        }

        var first = orderBy.Split(',')[0].Trim();
        var descending = first.EndsWith(" desc", StringComparison.OrdinalIgnoreCase);
        var property = first.Split(' ')[0];
        var sort = property switch
        {
            _ when property.Contains("DataLength", StringComparison.Ordinal) => ChildSort.Size,
            _ when property.Contains("NumChildren", StringComparison.Ordinal) => ChildSort.ChildCount,
            _ when property.Contains("Mtime", StringComparison.Ordinal) => ChildSort.Mtime,
            _ => ChildSort.Sequence,
        };
        return (sort, descending);
    }
}
