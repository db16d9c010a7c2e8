using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Web.Explorer.Live;

namespace ZkDashboard.Web.Components.Layout;

/// <summary>The header's ensemble switcher with live state badges (from <see cref="IEnsembleSessions"/>).</summary>
public partial class EnsembleSwitcher : IDisposable
{
    private List<SwitcherItem> items = [];
    private string? current;
    private int resetKey;

    [Inject]
    private IEnsembleRegistry Registry { get; set; } = default!;

    [Inject]
    private IEnsembleSessions Sessions { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private UnsavedEditsSignals EditSignals { get; set; } = default!;

    private SwitcherItem? CurrentItem => items.FirstOrDefault(i => i.Name == current);

    protected override void OnInitialized()
    {
        Rebuild();
        current = EnsembleFromUri(Navigation.Uri);
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            Sessions.StatusChanged += OnStatusChanged;
            Registry.Changed += OnRegistryChanged;
            Navigation.LocationChanged += OnLocationChanged;
            EditSignals.NavigationKept += OnNavigationKept;
            Rebuild();
            StateHasChanged();
        }
    }

    private void Rebuild()
    {
        var statuses = Sessions.All.ToDictionary(s => s.Ensemble, StringComparer.Ordinal);
        items = Registry.All
            .Select(d => statuses.TryGetValue(d.Name, out var s) ? s : null)
            .Where(s => s is not null)
            .Select(s => new SwitcherItem(s!.Ensemble, ConnectionStateText.Badge(s.State), ConnectionStateText.Key(s.State), ConnectionStateText.Sentence(s)))
            .ToList();
        if (items.Count == 0)
        {
            items = Registry.All.Select(d => new SwitcherItem(d.Name, "idle", "idle", $"No session with '{d.Name}' yet.")).ToList();
        }
    }

    private void OnStatusChanged(object? sender, EnsembleSessionStatus e) => _ = InvokeAsync(() =>
    {
        Rebuild();
        StateHasChanged();
    });

    private void OnRegistryChanged(object? sender, EnsembleRegistryChangedEventArgs e) => OnStatusChanged(sender, null!);

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
        Sessions.StatusChanged -= OnStatusChanged;
        Registry.Changed -= OnRegistryChanged;
        Navigation.LocationChanged -= OnLocationChanged;
        EditSignals.NavigationKept -= OnNavigationKept;
        GC.SuppressFinalize(this);
    }

    private sealed record SwitcherItem(string Name, string Badge, string Key, string Title);
}
