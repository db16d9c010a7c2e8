using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Changes;
using ZkDashboard.Web.Auth;

namespace ZkDashboard.Web.Components.Layout;

/// <summary>Header link to <c>/changes</c> with the number of open requests, kept current from <see cref="IChangeRequests.Changed"/>.</summary>
public partial class ChangesLink : IDisposable
{
    private static readonly ChangeRequestState[] OpenStates = [ChangeRequestState.Pending, ChangeRequestState.Conflict, ChangeRequestState.Applying];
    private IChangeRequests? _changes;
    private int _open;
    private int _refreshQueued;

    [Inject] private IServiceProvider Services { get; set; } = default!;
    [Inject] private ICurrentUser CurrentUser { get; set; } = default!;

    private string Label => _open == 0 ? "Changes" : $"Changes, {_open} open";

    protected override async Task OnInitializedAsync()
    {
        _changes = Services.GetService<IChangeRequests>();
        if (_changes is null)
        {
            return;
        }
        _changes.Changed += OnChanged;
        await LoadAsync();
    }

    private async Task LoadAsync()
        => _open = _changes is null || !CurrentUser.User.IsAuthenticated ? 0
            : (await _changes.ListAsync(CurrentUser.User, new ChangeRequestQuery { States = OpenStates, Limit = 1000 })).Count;

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
        if (_changes is not null)
        {
            _changes.Changed -= OnChanged;
        }
        GC.SuppressFinalize(this);
    }
}
