using Microsoft.AspNetCore.Components;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Recipes;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Web.Auth;
using ZkDashboard.Web.Znodes.Stats;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Components.Pages.Recipes;

/// <summary>The limits the page mentions.</summary>
internal static class RecipeInsightsLimits
{
    public const int MaxChildren = 1000;
}

/// <summary>
/// A recipe root (election, lock, semaphore, queue, barrier): who holds, who waits in which order, each owner's session and client
/// address, since when. Live through the shared children watch (<see cref="IRecipeInsights.WatchAsync"/>); all reads go through
/// <see cref="IRecipeInsights"/> with the circuit's user (access-checked and audited in Core).
/// </summary>
public sealed partial class Recipes : IDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly List<IDisposable> watches = [];
    private RecipeView? view;
    private string? error;
    private string? watchedPath;
    private int reloadQueued;

    [Parameter]
    public string Ensemble { get; set; } = "";

    [Parameter]
    public string? Path { get; set; }

    [Inject]
    private IRecipeInsights Insights { get; set; } = default!;

    [Inject]
    private ICurrentUser CurrentUser { get; set; } = default!;

    [CascadingParameter]
    public ViewerTimeZone? Viewer { get; set; }

    private ViewerTimeZone Viewing => Viewer ?? ViewerTimeZone.Server;

    private string NodePath => ExplorerLinks.FromRoute(Path);

    /// <summary>A base-relative link to the recipe view of a node (<c>e/{ensemble}/recipes/{**path}</c>, every segment escaped).</summary>
    public static string Href(string ensemble, string path)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        var node = ExplorerLinks.Href(ensemble, path)[("e/" + Uri.EscapeDataString(ensemble) + "/").Length..];
        return $"e/{Uri.EscapeDataString(ensemble)}/recipes/{node}";
    }

    private static string KindText(RecipeKind kind) => kind switch
    {
        RecipeKind.LeaderElection => "Leader election",
        RecipeKind.Lock => "Lock",
        RecipeKind.ReadWriteLock => "Read/write lock",
        RecipeKind.Semaphore => "Semaphore",
        RecipeKind.Queue => "Queue",
        RecipeKind.DoubleBarrier => "Double barrier",
        RecipeKind.Party => "Party",
        _ => kind.ToString(),
    };

    private string Who(RecipeParticipant p)
        => view?.OwnerOf(p) is { ClientAddress: { } a } ? $"{p.Name} (session 0x{p.EphemeralOwner:x}, {a})"
            : p.EphemeralOwner != 0 ? $"{p.Name} (session 0x{p.EphemeralOwner:x})" : p.Name;

    private string Since(DateTimeOffset created)
    {
        var age = (view?.At ?? DateTimeOffset.UtcNow) - created;
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }
        return age.TotalDays >= 1 ? $"{(int)age.TotalDays} d {age.Hours} h"
            : age.TotalHours >= 1 ? $"{(int)age.TotalHours} h {age.Minutes} min"
            : age.TotalMinutes >= 1 ? $"{(int)age.TotalMinutes} min {age.Seconds} s"
            : $"{age.Seconds} s";
    }

    protected override async Task OnParametersSetAsync()
    {
        view = null;
        error = null;
        await LoadAsync();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (watchedPath == NodePath || error is not null && view is null)
        {
            return;
        }
        foreach (var w in watches)
        {
            w.Dispose();
        }
        watches.Clear();
        watchedPath = NodePath;
        try
        {
            watches.Add(await Insights.WatchAsync(CurrentUser.User, Ensemble, NodePath, OnChanged, stop.Token));
            if (view?.Layout.Kind == RecipeKind.Semaphore && view.Layout.Layout.StartsWith("Curator", StringComparison.Ordinal))
            {
                watches.Add(await Insights.WatchAsync(CurrentUser.User, Ensemble, PathUtils.Join(NodePath, "leases"), OnChanged, stop.Token));
            }
            // A change between the first read and the watch: read again now that the watch is in place.
            await LoadAsync();
            StateHasChanged();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // page closed
        }
        catch (Exception ex) when (ex is AccessDeniedException or ZooKeeperException or UnknownEnsembleException or EnsembleUnavailableException)
        {
            error = $"Not live: {ex.Message}";
            StateHasChanged();
        }
    }

    /// <summary>Watch callback (hub thread): one reload at a time, merged when events come in bursts.</summary>
    private void OnChanged()
    {
        if (Interlocked.Exchange(ref reloadQueued, 1) == 1)
        {
            return;
        }
        _ = InvokeAsync(async () =>
        {
            Interlocked.Exchange(ref reloadQueued, 0);
            await LoadAsync();
            StateHasChanged();
        });
    }

    private async Task LoadAsync()
    {
        try
        {
            view = await Insights.InspectAsync(CurrentUser.User, Ensemble, NodePath, stop.Token);
            error = null;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // page closed
        }
        catch (NoNodeException)
        {
            view = null;
            error = $"{NodePath} does not exist on {Ensemble}.";
        }
        catch (Exception ex) when (ex is AccessDeniedException or ZooKeeperException or UnknownEnsembleException or EnsembleUnavailableException or ArgumentException)
        {
            view = null;
            error = ex.Message;
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        foreach (var w in watches)
        {
            w.Dispose();
        }
        stop.Dispose();
    }
}
