using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using ZkDashboard.Core.Boundary;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Web.Auth;
using ZkDashboard.Web.Components.Shared;

namespace ZkDashboard.Web.Components.Layout;

/// <summary>The header's ensemble switcher with live state badges: the ensembles the person may read (<see cref="IUserEnsembles"/>).</summary>
public partial class EnsembleSwitcher : IDisposable
{
    private List<SwitcherItem> items = [];
    private string? current;
    private int resetKey;
    private IDisposable? statusSubscription;

    [Inject]
    private IEnsembleRegistry Registry { get; set; } = default!;

    [Inject]
    private IUserEnsembles Ensembles { get; set; } = default!;

    [Inject]
    private ICurrentUser CurrentUser { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private UnsavedEditsSignals EditSignals { get; set; } = default!;

    private SwitcherItem? CurrentItem => items.FirstOrDefault(i => i.Name == current);

    protected override async Task OnInitializedAsync()
    {
        current = EnsembleFromUri(Navigation.Uri);
        await RebuildAsync();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            statusSubscription = Ensembles.SubscribeStatus(CurrentUser.User, OnStatusChanged);
            Registry.Changed += OnRegistryChanged;
            Navigation.LocationChanged += OnLocationChanged;
            EditSignals.NavigationKept += OnNavigationKept;
            await RebuildAsync();
            StateHasChanged();
        }
    }

    private async Task RebuildAsync()
    {
        var statuses = await Ensembles.GetStatusesAsync(CurrentUser.User);
        items = statuses
            .Select(s => new SwitcherItem(s.Ensemble, ConnectionStateText.Badge(s.State), ConnectionStateText.Key(s.State), ConnectionStateText.Sentence(s)))
            .ToList();
    }

    private void OnStatusChanged(EnsembleSessionStatus e) => _ = InvokeAsync(async () =>
    {
        await RebuildAsync();
        StateHasChanged();
    });

    private void OnRegistryChanged(object? sender, EnsembleRegistryChangedEventArgs e) => OnStatusChanged(null!);

    private void OnLocationChanged(object? sender, LocationChangedEventArgs e) => _ = InvokeAsync(() =>
    {
        current = EnsembleFromUri(e.Location);
        StateHasChanged();
    });

    /// <summary>A switch was cancelled to keep unsaved edits: the list already shows the other ensemble; rebuild it.</summary>
    private void OnNavigationKept(object? sender, EventArgs e) => _ = InvokeAsync(() =>
    {
        current = EnsembleFromUri(Navigation.Uri);
        resetKey++;
        StateHasChanged();
    });

    private string? EnsembleFromUri(string uri)
    {
        var relative = Navigation.ToBaseRelativePath(uri);
        if (!relative.StartsWith("e/", StringComparison.Ordinal))
        {
            return null;
        }

        var end = relative.IndexOfAny(['/', '?', '#'], 2);
        return Uri.UnescapeDataString(end < 0 ? relative[2..] : relative[2..end]);
    }

    private void OnChange(object? value)
    {
        if (value is string name && name != current)
        {
            Navigation.NavigateTo($"e/{Uri.EscapeDataString(name)}/");
        }
    }

    public void Dispose()
    {
        statusSubscription?.Dispose();
        Registry.Changed -= OnRegistryChanged;
        Navigation.LocationChanged -= OnLocationChanged;
        EditSignals.NavigationKept -= OnNavigationKept;
        GC.SuppressFinalize(this);
    }

    private sealed record SwitcherItem(string Name, string Badge, string Key, string Title);
}
