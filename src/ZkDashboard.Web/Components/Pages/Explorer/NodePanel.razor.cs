using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using Radzen;
using ZkDashboard.Core.Operations;
using ZkDashboard.Web.Components.Pages.Explorer.Operations;
using ZkDashboard.Web.Znodes.Live;
using ZkDashboard.Web.Znodes.Stats;

namespace ZkDashboard.Web.Components.Pages.Explorer;

/// <summary>The right side of the explorer: the open node's header, actions and tabs (Data, Stat, ACL, Children, Events).</summary>
public sealed partial class NodePanel : IAsyncDisposable
{
    private int tab;
    private NodeDataEditor? editor;
    private NodeActions? actions;
    private ChildrenGrid? children;
    private IJSObjectReference? module;

    /// <summary>The viewer's time zone (cascaded by the layout once the browser said it; until then the server's).</summary>
    [CascadingParameter]
    public ViewerTimeZone? Viewer { get; set; }

    [Parameter, EditorRequired]
    public string Ensemble { get; set; } = string.Empty;

    [Parameter, EditorRequired]
    public string Path { get; set; } = "/";

    [Parameter]
    public NodeDetails? Node { get; set; }

    [Parameter]
    public bool Loading { get; set; }

    [Parameter]
    public NodeProblem? Error { get; set; }

    [Parameter]
    public bool CanWrite { get; set; }

    [Parameter]
    public bool Stale { get; set; }

    [Parameter]
    public DateTimeOffset? LoadedAt { get; set; }

    [Parameter]
    public NodeEventFeed? Feed { get; set; }

    /// <summary>The dashboard's own session id for this ensemble (getEphemerals lists only that session's nodes).</summary>
    [Parameter]
    public long OwnSessionId { get; set; }

    [Parameter]
    public EventCallback OnChanged { get; set; }

    [Parameter]
    public EventCallback<string> OnNavigate { get; set; }

    [Parameter]
    public EventCallback<bool> OnFeedSubtreeChanged { get; set; }

    [Inject]
    private DialogService Dialogs { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    private ViewerTimeZone Viewing => Viewer ?? ViewerTimeZone.Server;

    private TimeZoneInfo Zone => Viewing.Zone;

    private string ChildrenTabText => Node is { Stat.NumChildren: > 0 } n
        ? $"Children ({n.Stat.NumChildren.ToString("N0", CultureInfo.InvariantCulture)})"
        : "Children";

    /// <summary>Ctrl+S: saves the Data tab's editor. False when the Data tab is not open.</summary>
    public async Task<bool> SaveAsync()
    {
        if (tab != 0 || editor is null)
        {
            return false;
        }

        await editor.SaveAsync();
        return true;
    }

    /// <summary>Del: asks to delete the open node (the actions component confirms).</summary>
    public Task RequestDeleteAsync() => actions?.RequestDeleteAsync() ?? Task.CompletedTask;

    /// <summary>The open node's children changed: refresh the Children tab.</summary>
    public Task ChildrenChangedAsync() => children?.RefreshAsync() ?? Task.CompletedTask;

    internal static string SessionHex(long session) => $"0x{session:x}";

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        try
        {
            module = await JS.InvokeAsync<IJSObjectReference>("import", "./Components/Pages/Explorer/NodePanel.razor.js");
            await GuardTabsAsync(module);
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or TaskCanceledException)
        {
            // The page is going away: there is nothing to guard.
        }
    }

    private string LocalTime(DateTimeOffset time) => Viewing.Format(time, "yyyy-MM-dd HH:mm:ss");

    // The tab fragments use the node they were rendered with: a child (the stat table) can re-render after this panel's
    // Node went null for the next read, before this panel re-renders and removes it.
    private string ExpiryText(NodeDetails node, long ttlMs) =>
        TtlExpiry.Describe(node.Stat, ttlMs, LiveTreeDataSource.FormatTtl(ttlMs), DateTimeOffset.UtcNow, Zone);

    private async Task ShowEphemeralsAsync(long owner)
    {
        await Dialogs.OpenAsync<EphemeralsDialog>($"Ephemeral nodes of session {SessionHex(owner)}",
            new Dictionary<string, object?>
            {
                [nameof(EphemeralsDialog.Ensemble)] = Ensemble,
                [nameof(EphemeralsDialog.Owner)] = owner,
                [nameof(EphemeralsDialog.OwnSessionId)] = OwnSessionId,
                [nameof(EphemeralsDialog.ScanRoot)] = ExplorerLinks.Parent(Path),
                [nameof(EphemeralsDialog.OnOpen)] = EventCallback.Factory.Create<string>(this, OpenFromDialogAsync),
            },
            new DialogOptions { Width = "40rem", CloseDialogOnEsc = true, CloseDialogOnOverlayClick = true });
    }

    private async Task OpenFromDialogAsync(string path)
    {
        Dialogs.Close();
        await OnNavigate.InvokeAsync(path);
    }

    public async ValueTask DisposeAsync()
    {
        if (module is not null)
        {
            try
            {
                await module.InvokeVoidAsync("unguardTabs", root);
                await module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone; nothing to release in the browser.
            }
        }

        tabSelf?.Dispose();
    }
}
