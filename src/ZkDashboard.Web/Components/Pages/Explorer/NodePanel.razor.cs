using System.Globalization;
using Microsoft.AspNetCore.Components;
using Radzen;
using ZkDashboard.Core.Operations;
using ZkDashboard.Web.Components.Pages.Explorer.Operations;
using ZkDashboard.Web.Explorer.Live;
using ZkDashboard.Web.Explorer.Stats;

namespace ZkDashboard.Web.Components.Pages.Explorer;

/// <summary>The right side of the explorer: the open node's header, actions and tabs (Data, Stat, ACL, Children, Events).</summary>
public sealed partial class NodePanel
{
    private int tab;
    private NodeDataEditor? editor;
    private NodeActions? actions;
    private ChildrenGrid? children;

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

    private string ExpiryText(long ttlMs) => Node is null
        ? string.Empty
        : TtlExpiry.Describe(Node.Stat, ttlMs, LiveTreeDataSource.FormatTtl(ttlMs), DateTimeOffset.UtcNow, TimeZoneInfo.Local);

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
}
