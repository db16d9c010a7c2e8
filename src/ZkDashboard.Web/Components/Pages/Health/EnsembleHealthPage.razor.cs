using Microsoft.AspNetCore.Components;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Health;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Web.Auth;
using ZkDashboard.Web.Znodes.Stats;

namespace ZkDashboard.Web.Components.Pages.Health;

/// <summary>
/// <c>/e/{ensemble}/health</c>: servers, quorum, charts, alerts, configuration, watches and the four-letter-word console of
/// one ensemble, live from the health monitor's pushes (through <see cref="IEnsembleHealthOperations"/> only).
/// </summary>
public sealed partial class EnsembleHealthPage : IDisposable
{
    [Parameter] public string Ensemble { get; set; } = "";

    [CascadingParameter] private ViewerTimeZone? ViewerZone { get; set; }

    [Inject] private IEnsembleHealthOperations HealthOps { get; set; } = default!;

    [Inject] private ICurrentUser CurrentUser { get; set; } = default!;

    private ViewerTimeZone Viewer => ViewerZone ?? ViewerTimeZone.Server;

    private EnsembleHealth? health;
    private IReadOnlyList<HealthAlert> alertHistory = [];
    private HealthSubscription? subscription;
    private string? subscribedTo;
    private string? problem;
    private bool loaded;
    private int alertCount = -1;

    protected override async Task OnParametersSetAsync()
    {
        if (string.Equals(subscribedTo, Ensemble, StringComparison.Ordinal))
        {
            return;
        }
        subscription?.Dispose();
        subscription = null;
        health = null;
        problem = null;
        subscribedTo = Ensemble;
        try
        {
            health = await HealthOps.GetHealthAsync(CurrentUser.User, Ensemble);
            alertHistory = await HealthOps.GetAlertsAsync(CurrentUser.User, Ensemble);
            alertCount = alertHistory.Count;
        }
        catch (UnknownEnsembleException ex)
        {
            problem = ex.Message;
        }
        catch (AccessDeniedException ex)
        {
            problem = $"Not allowed: {ex.Message}";
        }
        loaded = true;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (subscription is not null || problem is not null || !loaded)
        {
            return;
        }
        try
        {
            subscription = await HealthOps.SubscribeAsync(CurrentUser.User, Ensemble, h => _ = InvokeAsync(async () =>
            {
                health = h;
                if (h.ActiveAlerts.Count != alertCount || h.ActiveAlerts.Any(a => alertHistory.All(x => x.Id != a.Id)))
                {
                    await ReloadAlertsAsync();
                }
                StateHasChanged();
            }));
        }
        catch (Exception ex) when (ex is UnknownEnsembleException or AccessDeniedException)
        {
            problem = ex.Message;
            StateHasChanged();
        }
    }

    private async Task ReloadAlertsAsync()
    {
        alertHistory = await HealthOps.GetAlertsAsync(CurrentUser.User, Ensemble);
        alertCount = health?.ActiveAlerts.Count ?? 0;
    }

    public void Dispose() => subscription?.Dispose();
}
