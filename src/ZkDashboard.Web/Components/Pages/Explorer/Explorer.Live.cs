using Radzen;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Watches;
using ZkDashboard.Web.Explorer.Live;

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
    private void OnNavigationKept(object? sender, EventArgs e) => _ = InvokeAsync(StateHasChanged);

    private void OnStatusChanged(EnsembleSessionStatus status)
    {
        if (status.Ensemble != Ensemble || disposed.IsCancellationRequested)
        {
            return;
        }

        _ = InvokeAsync(async () =>
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
        }).ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
    }

    private async Task OnChildrenChangedAsync(IReadOnlyCollection<string> paths)
    {
        if (tree is null || disposed.IsCancellationRequested)
        {
            return;
        }

        foreach (var path in paths)
        {
            await tree.ApplyChildrenChangedAsync(path);
        }

        if (paths.Contains(CurrentPath) && panel is not null)
        {
            await InvokeAsync(panel.ChildrenChangedAsync);
        }
    }

    private void OnNodeChanged(WatchNotification n)
    {
        if (disposed.IsCancellationRequested)
        {
            return;
        }

        _ = InvokeAsync(async () =>
        {
            await LoadNodeAsync(quiet: true);
            StateHasChanged();
        }).ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
    }
}
