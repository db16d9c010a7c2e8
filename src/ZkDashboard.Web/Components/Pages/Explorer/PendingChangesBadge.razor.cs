using Microsoft.AspNetCore.Components;
using ZkDashboard.Core.Changes;
using ZkDashboard.Web.Components.Shared;

namespace ZkDashboard.Web.Components.Pages.Explorer;

/// <summary>The node panel's badge for open change requests of one node, kept current by <see cref="OpenChangeRequestsComponent"/>.</summary>
public partial class PendingChangesBadge : OpenChangeRequestsComponent
{
    private IReadOnlyList<ChangeRequest> _open = [];
    private string? _loadedKey;

    [Parameter] public string Ensemble { get; set; } = "";
    [Parameter] public string Path { get; set; } = "/";

    private string Href => $"changes?ensemble={Uri.EscapeDataString(Ensemble)}&path={Uri.EscapeDataString(Path)}";

    private string Title => string.Join("; ", _open.Select(r => $"#{r.Id} {ChangeRequests.Name(r.Operation)} by {r.Author}, {r.State.ToString().ToLowerInvariant()}"));

    protected override async Task OnParametersSetAsync()
    {
        var key = Ensemble + "\n" + Path;
        if (key != _loadedKey)
        {
            _loadedKey = key;
            _open = [];
            await LoadAsync();
        }
    }

    private protected override async Task LoadAsync()
    {
        if (ChangeRequestService is null || string.IsNullOrEmpty(Ensemble))
        {
            return;
        }
        _open = await ListOpenAsync(Ensemble, Path, 20);
    }
}
