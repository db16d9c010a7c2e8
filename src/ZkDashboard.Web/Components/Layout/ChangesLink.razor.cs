using ZkDashboard.Web.Components.Shared;

namespace ZkDashboard.Web.Components.Layout;

/// <summary>Header link to <c>/changes</c> with the number of open requests, kept current by <see cref="OpenChangeRequestsComponent"/>.</summary>
public partial class ChangesLink : OpenChangeRequestsComponent
{
    private int _open;

    private string Label => _open == 0 ? "Changes" : $"Changes, {_open} open";

    protected override Task OnInitializedAsync() => LoadAsync();

    private protected override async Task LoadAsync()
        => _open = ChangeRequestService is null || !CurrentUser.User.IsAuthenticated ? 0 : (await ListOpenAsync(null, null, 1000)).Count;
}
