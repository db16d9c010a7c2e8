using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Changes;
using ZkDashboard.Web.Auth;

namespace ZkDashboard.Web.Components.Shared;

/// <summary>
/// Base of the components that show open four-eyes change requests (the header's count, a node's badge): it finds
/// <see cref="IChangeRequests"/> (absent when the app runs without it), lists the open ones with the circuit's user, and
/// reloads after <see cref="IChangeRequests.Changed"/>, one reload at a time for a burst of changes.
/// </summary>
public abstract class OpenChangeRequestsComponent : ComponentBase, IDisposable
{
    private int _refreshQueued;

    [Inject] private IServiceProvider Services { get; set; } = default!;
    [Inject] private protected ICurrentUser CurrentUser { get; set; } = default!;

    /// <summary>The change requests, or null when the app runs without them (then there is nothing to show).</summary>
    private protected IChangeRequests? ChangeRequestService { get; private set; }

    protected override void OnInitialized()
    {
        ChangeRequestService = Services.GetService<IChangeRequests>();
        if (ChangeRequestService is not null)
        {
            ChangeRequestService.Changed += OnChanged;
        }
    }

    /// <summary>Reads what the component shows; called again after every change (on the renderer's context).</summary>
    private protected abstract Task LoadAsync();

    /// <summary>The open requests the user may see, newest first (all of them, or of one node); none without the service.</summary>
    private protected async Task<IReadOnlyList<ChangeRequest>> ListOpenAsync(string? ensemble, string? path, int limit)
        => ChangeRequestService is null ? []
            : await ChangeRequestService.ListAsync(CurrentUser.User, new ChangeRequestQuery { Ensemble = ensemble, Path = path, States = ChangeRequestStates.Open, Limit = limit });

    private void OnChanged(object? sender, long id)
    {
        if (Interlocked.Exchange(ref _refreshQueued, 1) == 1)
        {
            return;
        }
        _ = InvokeAsync(async () =>
        {
            try
            {
                Volatile.Write(ref _refreshQueued, 0);
                await LoadAsync();
                StateHasChanged();
            }
            catch (Exception e)
            {
                await DispatchExceptionAsync(e);
            }
        });
    }

    public void Dispose()
    {
        if (ChangeRequestService is not null)
        {
            ChangeRequestService.Changed -= OnChanged;
        }
        GC.SuppressFinalize(this);
    }
}
