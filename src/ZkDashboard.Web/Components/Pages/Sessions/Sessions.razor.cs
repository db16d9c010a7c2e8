using Microsoft.AspNetCore.Components;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Insights;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Web.Auth;

namespace ZkDashboard.Web.Components.Pages.Sessions;

/// <summary>
/// Who is connected to an ensemble: every session from <c>cons</c> with the ephemeral nodes it holds (the leader's <c>dump</c>),
/// filterable, refreshed on a server-side timer (no polling from the browser). Reads go through <see cref="ISessionInsights"/>
/// (access-checked and audited in Core).
/// </summary>
public sealed partial class Sessions : IDisposable
{
    private const int RefreshSeconds = 5;
    private readonly CancellationTokenSource stop = new();
    private SessionsSnapshot? snapshot;
    private string? error;
    private string? filter;
    private bool loading;

    [Parameter]
    public string Ensemble { get; set; } = "";

    [Inject]
    private ISessionInsights Insights { get; set; } = default!;

    [Inject]
    private ICurrentUser CurrentUser { get; set; } = default!;

    private IReadOnlyList<SessionInfo> Visible => snapshot?.Sessions.Where(s => s.Matches(filter)).ToArray() ?? [];

    private string Age(SessionInfo s)
    {
        if (snapshot is null || s.AgeAt(snapshot.At) is not { } age)
        {
            return "—";
        }
        return age.TotalDays >= 1 ? $"{(int)age.TotalDays} d {age.Hours} h"
            : age.TotalHours >= 1 ? $"{(int)age.TotalHours} h {age.Minutes} min"
            : age.TotalMinutes >= 1 ? $"{(int)age.TotalMinutes} min {age.Seconds} s"
            : $"{age.Seconds} s";
    }

    protected override async Task OnParametersSetAsync()
    {
        snapshot = null;
        error = null;
        await LoadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _ = RefreshLoopAsync();
        }
    }

    private async Task RefreshLoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(RefreshSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                await InvokeAsync(async () =>
                {
                    await LoadAsync();
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
            // page closed
        }
    }

    private async Task RefreshAsync()
    {
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        if (loading)
        {
            return;
        }
        loading = true;
        try
        {
            snapshot = await Insights.GetSessionsAsync(CurrentUser.User, Ensemble, stop.Token);
            error = null;
        }
        catch (AccessDeniedException ex)
        {
            snapshot = null;
            error = $"Not allowed: {ex.Message}";
        }
        catch (UnknownEnsembleException ex)
        {
            snapshot = null;
            error = ex.Message;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // page closed
        }
        finally
        {
            loading = false;
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        stop.Dispose();
    }
}
