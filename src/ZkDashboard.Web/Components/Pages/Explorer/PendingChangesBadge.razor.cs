using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Changes;
using ZkDashboard.Web.Auth;

namespace ZkDashboard.Web.Components.Pages.Explorer;

/// <summary>The node panel's badge for open change requests of one node, kept current from <see cref="IChangeRequests.Changed"/>.</summary>
public partial class PendingChangesBadge : IDisposable
{
    private static readonly ChangeRequestState[] OpenStates = [ChangeRequestState.Pending, ChangeRequestState.Conflict, ChangeRequestState.Applying];
    private IReadOnlyList<ChangeRequest> _open = [];
    private IChangeRequests? _changes;
    private string? _loadedKey;
    private int _refreshQueued;

    [Inject] private IServiceProvider Services { get; set; } = default!;
    [Inject] private ICurrentUser CurrentUser { get; set; } = default!;

    [Parameter] public string Ensemble { get; set; } = "";
    [Parameter] public string Path { get; set; } = "/";

    private string Href => $"changes?ensemble={Uri.EscapeDataString(Ensemble)}&path={Uri.EscapeDataString(Path)}";

    private string Title => string.Join("; ", _open.Select(r => $"#{r.Id} {ChangeRequests.Name(r.Operation)} by {r.Author}, {r.State.ToString().ToLowerInvariant()}"));

    protected override void OnInitialized()
    {
        _changes = Services.GetService<IChangeRequests>();
        if (_changes is not null)
        {
            _changes.Changed += OnChanged;
        }
    }

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

    private async Task LoadAsync()
    {
        if (_changes is null || string.IsNullOrEmpty(Ensemble))
        {
            return;
        }
        _open = await _changes.ListAsync(CurrentUser.User, new ChangeRequestQuery { Ensemble = Ensemble, Path = Path, States = OpenStates, Limit = 20 });
    }

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
