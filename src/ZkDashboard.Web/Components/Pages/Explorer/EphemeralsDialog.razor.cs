using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Cache;
using ZkDashboard.Core.Operations;
using ZkDashboard.Web.Components.Shared;
using ZkDashboard.Web.Auth;
using ZkDashboard.Web.Znodes.Live;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Components.Pages.Explorer;

/// <summary>
/// "All ephemerals of that session": for the dashboard's own session, ZooKeeper's getEphemerals; for any other
/// session (getEphemerals cannot answer for it), says so plainly and offers a bounded, cancellable subtree scan
/// by ephemeralOwner (<see cref="EphemeralOwnerScan"/>).
/// </summary>
public sealed partial class EphemeralsDialog : IDisposable
{
    private readonly string scopeId = "zk-eph-scope-" + Guid.NewGuid().ToString("N")[..6];
    private IReadOnlyList<string>? paths;
    private string? error;
    private string? scope;
    private string? scopeError;
    private EphemeralOwnerScan? scan;
    private CancellationTokenSource? run;

    [Parameter, EditorRequired]
    public string Ensemble { get; set; } = string.Empty;

    /// <summary>The session whose ephemerals are asked for.</summary>
    [Parameter]
    public long Owner { get; set; }

    /// <summary>The dashboard's own session on this ensemble.</summary>
    [Parameter]
    public long OwnSessionId { get; set; }

    /// <summary>Where a scan starts unless changed (the parent of the node the owner was seen on).</summary>
    [Parameter]
    public string ScanRoot { get; set; } = "/";

    [Parameter]
    public EventCallback<string> OnOpen { get; set; }

    [Inject]
    private ILogger<EphemeralsDialog> Logger { get; set; } = default!;

    [Inject]
    private IZooKeeperOperations Operations { get; set; } = default!;

    [Inject]
    private ICurrentUser CurrentUser { get; set; } = default!;

    private bool IsOwnSession => Owner == OwnSessionId && Owner != 0;

    protected override async Task OnInitializedAsync()
    {
        scope = ScanRoot;
        if (!IsOwnSession)
        {
            return;
        }

        try
        {
            paths = (await Operations.GetEphemeralsAsync(CurrentUser.User, Ensemble, "/")).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception ex)
        {
            error = NodeProblem.From(ex, Ensemble, "/") is { } p ? $"getEphemerals failed: {p.Message} {p.Hint}" : ex.Message;
        }
    }

    private async Task ScanAsync()
    {
        await CancelAsync();
        var root = scope?.Trim() ?? string.Empty;
        if (root.Length > 1 && root.EndsWith('/'))
        {
            root = root.TrimEnd('/');
        }

        if (PathUtils.GetError(root) is { } problem)
        {
            scopeError = $"Not a valid path to scan: {problem}. Enter an absolute path such as / or /brokers.";
            return;
        }

        scopeError = null;
        scope = root;
        run = new CancellationTokenSource();
        var current = new EphemeralOwnerScan(Owner, root);
        scan = current;
        var ct = run.Token;
        LiveWork.Run(() => current.RunAsync(
            (parent, offset, limit, token) => Operations.GetChildrenAsync(CurrentUser.User, Ensemble, parent,
                new ChildrenQuery(ChildSort.Name, false, null, null, offset, limit), token),
            (path, token) => Operations.ExistsAsync(CurrentUser.User, Ensemble, path, token),
            () => LiveWork.Run(() => InvokeAsync(StateHasChanged), Logger, "Showing the scan's progress", DispatchExceptionAsync, ct),
            ct), Logger, $"Scanning {root} for ephemeral nodes", DispatchExceptionAsync, ct);
    }

    private async Task CancelAsync()
    {
        if (run is not null)
        {
            await run.CancelAsync();
            run.Dispose();
            run = null;
        }
    }

    private Task OpenAsync(string path) => OnOpen.InvokeAsync(path);

    public void Dispose()
    {
        run?.Cancel();
        run?.Dispose();
    }
}
