using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Logging;
using Radzen;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Boundary;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Watches;
using ZkDashboard.Web.Components.Shared;
using ZkDashboard.Web.Auth;
using ZkDashboard.Web.Znodes.Live;
using ZkDashboard.Web.Znodes.Stats;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Components.Pages.Explorer;

/// <summary>
/// The explorer page at <c>/e/{Ensemble}/{**Path}</c>: live tree on the left, node panel on the right.
/// The URL is the state: selecting a node navigates, so links are shareable, back/forward work and a reload
/// returns to the same node.
/// </summary>
public sealed partial class Explorer : IAsyncDisposable
{
    private readonly CancellationTokenSource disposed = new();
    private LiveTreeDataSource? dataSource;
    private ZkTree? tree;
    private NodePanel? panel;
    private SubtreeSearch? search;
    private NodeEventFeed? feed;
    private IDisposable? statusSubscription;
    private bool feedSubtree;
    private NodeDetails? node;
    private NodeProblem? nodeError;
    private bool loading;
    private DateTimeOffset? loadedAt;
    private bool canWrite;
    private bool readOnlyEnsemble;
    private bool unknownEnsemble;
    private List<string> knownEnsembles = [];
    private string? loadedEnsemble;
    private string? loadedPath;
    private CancellationTokenSource? loadCts;

    /// <summary>The viewer's time zone (cascaded by the layout) for the stale banner's "last read" time.</summary>
    [CascadingParameter]
    public ViewerTimeZone? Viewer { get; set; }

    [Parameter]
    public string Ensemble { get; set; } = string.Empty;

    [Parameter]
    public string? Path { get; set; }

    [Inject]
    private IEnsembleSessions Sessions { get; set; } = default!;

    [Inject]
    private IZooKeeperOperations Operations { get; set; } = default!;

    [Inject]
    private IUserNodeCache UserCache { get; set; } = default!;

    [Inject]
    private IUserWatches Watches { get; set; } = default!;

    [Inject]
    private IUserEnsembles UserEnsembles { get; set; } = default!;

    [Inject]
    private ICreatedNodeRegistry CreatedNodes { get; set; } = default!;

    [Inject]
    private ICurrentUser CurrentUser { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private NotificationService Notifications { get; set; } = default!;

    [Inject]
    private DialogService Dialogs { get; set; } = default!;

    [Inject]
    private UnsavedEditsSignals EditSignals { get; set; } = default!;

    [Inject]
    private ILogger<Explorer> Logger { get; set; } = default!;

    /// <summary>The open node's path.</summary>
    public string CurrentPath { get; private set; } = "/";

    private EnsembleSessionStatus? Status { get; set; }

    private bool IsStale => Status is { IsLive: false, State: not EnsembleConnectionState.NotConnected and not EnsembleConnectionState.Connecting }
        || (Status is { State: EnsembleConnectionState.Connecting } && loadedAt is not null);

    private string Title => unknownEnsemble
        ? "Ensemble not found · ZkDashboard"
        : $"{ExplorerLinks.Name(CurrentPath)} · {Ensemble} · ZkDashboard";

    protected override async Task OnParametersSetAsync()
    {
        CurrentPath = ExplorerLinks.FromRoute(Path);
        if (await UserEnsembles.FindAsync(CurrentUser.User, Ensemble) is not { } definition)
        {
            // An ensemble this person may not read looks like one that does not exist.
            unknownEnsemble = true;
            knownEnsembles = (await UserEnsembles.ListAsync(CurrentUser.User)).Select(d => d.Name).Order(StringComparer.Ordinal).ToList();
            DisposeSource();
            return;
        }

        if (!string.Equals(definition.Name, Ensemble, StringComparison.Ordinal))
        {
            // One spelling per ensemble, the registry's (names compare case-insensitively): /e/SANDBOX/x becomes
            // /e/sandbox/x, so the page, its links and every Core event use the same name.
            Navigation.NavigateTo(ExplorerLinks.Href(definition.Name, CurrentPath) + new Uri(Navigation.Uri).Query, replace: true);
            return;
        }

        unknownEnsemble = false;
        readOnlyEnsemble = definition.ReadOnly;
        if (loadedEnsemble != Ensemble)
        {
            DisposeSource();
            loadedEnsemble = Ensemble;
            dataSource = new LiveTreeDataSource(Ensemble, Operations, UserCache, CreatedNodes, CurrentUser, Logger);
            dataSource.ChildrenChanged += OnChildrenChangedAsync;
            node = null;
            loadedPath = null;
        }

        RefreshStatus();
        if (loadedPath != CurrentPath)
        {
            loadedPath = CurrentPath;
            node = null;
            await ResubscribeFeedAsync();
            await LoadNodeAsync();
        }
    }

    /// <summary>Re-reads the open node (after a write by the node actions, or a live change).</summary>
    public Task ReloadAsync() => LoadNodeAsync(quiet: true);

    /// <summary>Opens a node: pushes a history entry so back/forward work.</summary>
    public Task NavigateToPathAsync(string path)
    {
        if (!string.IsNullOrEmpty(path) && path != CurrentPath)
        {
            Navigation.NavigateTo(ExplorerLinks.Href(Ensemble, path));
        }

        return Task.CompletedTask;
    }

    private Task OnTreeSelectedAsync(string path) => NavigateToPathAsync(path);

    private async Task LoadNodeAsync(bool quiet = false)
    {
        if (loadCts is not null)
        {
            await loadCts.CancelAsync();
            loadCts.Dispose();
        }

        loadCts = CancellationTokenSource.CreateLinkedTokenSource(disposed.Token);
        var ct = loadCts.Token;
        var path = CurrentPath;
        loading = !quiet || node is null;
        try
        {
            var details = await Operations.GetNodeAsync(CurrentUser.User, Ensemble, path, ct);
            if (ct.IsCancellationRequested || path != CurrentPath)
            {
                return;
            }

            var wasMissing = nodeError is { NodeGone: true };
            node = details;
            nodeError = null;
            dataSource?.SetNoAuth(path, false);
            loadedAt = DateTimeOffset.Now;
            if (wasMissing && tree is not null)
            {
                // The node appeared after the page opened (created meanwhile, or a lagging server caught up): select it.
                var reveal = tree;
                LiveWork.Run(() => reveal.RevealAsync(path), Logger, $"Selecting {path} in the tree", DispatchExceptionAsync, disposed.Token);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (path == CurrentPath)
        {
            nodeError = NodeProblem.From(ex, Ensemble, path);
            dataSource?.SetNoAuth(path, nodeError.NoAuth);
            if (nodeError.NodeGone)
            {
                node = null;
            }
        }
        finally
        {
            if (path == CurrentPath)
            {
                loading = false;
            }
        }

        RefreshStatus();
    }

    private void RefreshStatus()
    {
        try
        {
            Status = Sessions.GetStatus(Ensemble);
        }
        catch (UnknownEnsembleException)
        {
            Status = null;
        }

        canWrite = Status is { State: EnsembleConnectionState.Connected } && !readOnlyEnsemble;
    }

    private async Task ResubscribeFeedAsync()
    {
        if (feed is not null)
        {
            feed.NodeChanged -= OnNodeChanged;
            feed.Dispose();
            feed = null;
        }

        try
        {
            var path = CurrentPath;
            var created = await NodeEventFeed.CreateAsync(Watches, CurrentUser.User, Ensemble, path, feedSubtree, disposed.Token);
            if (path != CurrentPath || disposed.IsCancellationRequested || feed is not null)
            {
                created.Dispose();
                return;
            }
            feed = created;
            feed.NodeChanged += OnNodeChanged;
        }
        catch (AccessDeniedException)
        {
            // No live events for this person here; reading the node says why (or shows what they may see).
        }
        catch (OperationCanceledException) when (disposed.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is ArgumentException or UnknownEnsembleException or InvalidPathException)
        {
            nodeError = NodeProblem.From(ex, Ensemble, CurrentPath);
        }
    }

    private Task SetFeedSubtreeAsync(bool subtree)
    {
        feedSubtree = subtree;
        return ResubscribeFeedAsync();
    }

    private void DisposeSource()
    {
        if (dataSource is not null)
        {
            dataSource.ChildrenChanged -= OnChildrenChangedAsync;
            dataSource.Dispose();
            dataSource = null;
        }

        loadedEnsemble = null;
    }

    public async ValueTask DisposeAsync()
    {
        statusSubscription?.Dispose();
        EditSignals.NavigationKept -= OnNavigationKept;
        await disposed.CancelAsync();
        if (feed is not null)
        {
            feed.NodeChanged -= OnNodeChanged;
            feed.Dispose();
        }

        DisposeSource();
        await DisposeKeyboardAsync();
        loadCts?.Dispose();
        disposed.Dispose();
    }
}
