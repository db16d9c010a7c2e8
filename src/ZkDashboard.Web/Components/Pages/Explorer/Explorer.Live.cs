using Microsoft.Extensions.Logging;
using Radzen;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Watches;
using ZkDashboard.Web.Components.Shared;

namespace ZkDashboard.Web.Components.Pages.Explorer;

public sealed partial class Explorer
{
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            statusSubscription = UserEnsembles.SubscribeStatus(CurrentUser.User, OnStatusChanged);
            EditSignals.NavigationKept += OnNavigationKept;
            RefreshStatus();
            await AttachKeyboardAsync();
            StateHasChanged();
        }
    }

    /// <summary>The user stayed with unsaved edits: the tree may already mark the node they clicked; show the open one again.</summary>
    private void OnNavigationKept(object? sender, EventArgs e)
        => LiveWork.Run(() => InvokeAsync(StateHasChanged), Logger, "Showing the open node again", DispatchExceptionAsync, disposed.Token);

    private void OnStatusChanged(EnsembleSessionStatus status)
    {
        if (!string.Equals(status.Ensemble, Ensemble, StringComparison.OrdinalIgnoreCase) || disposed.IsCancellationRequested)
        {
            return;
        }

        LiveWork.Run(() => InvokeAsync(async () =>
        {
            var wasLive = Status?.IsLive == true;
            var wasDown = Status is { IsLive: false, State: not EnsembleConnectionState.NotConnected };
            RefreshStatus();
            StateHasChanged();
            if (!wasLive && Status?.IsLive == true)
            {
                if (wasDown)
                {
                    Notifications.Notify(new NotificationMessage
                    {
                        Severity = NotificationSeverity.Success,
                        Summary = $"Reconnected to {Ensemble}",
                        Detail = Status.ConnectedServer is { } server ? $"Session {Status.SessionIdHex} via {server}. The view is refreshed." : "The view is refreshed.",
                        Duration = 4000,
                    });
                }

                if (tree is not null)
                {
                    await tree.RefreshAsync();
                }

                await LoadNodeAsync(quiet: true);
                StateHasChanged();
            }
        }), Logger, $"Following the connection state of {Ensemble}", DispatchExceptionAsync, disposed.Token);
    }

    private async Task OnChildrenChangedAsync(IReadOnlyCollection<string> paths)
    {
        if (tree is null || disposed.IsCancellationRequested)
        {
            return;
        }

        try
        {
            foreach (var path in paths)
            {
                await tree.ApplyChildrenChangedAsync(path);
            }

            if (paths.Contains(CurrentPath) && panel is not null)
            {
                await InvokeAsync(panel.ChildrenChangedAsync);
            }
        }
        catch (Exception ex) when (!disposed.IsCancellationRequested)
        {
            Logger.LogError(ex, "Showing live changes under {Paths} failed", string.Join(", ", paths));
            await DispatchExceptionAsync(ex);
        }
    }

    private void OnNodeChanged(WatchNotification n)
    {
        if (disposed.IsCancellationRequested)
        {
            return;
        }

        LiveWork.Run(() => InvokeAsync(async () =>
        {
            await LoadNodeAsync(quiet: true);
            StateHasChanged();
        }), Logger, $"Re-reading {CurrentPath} after a change", DispatchExceptionAsync, disposed.Token);
    }
}
