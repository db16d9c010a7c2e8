using Microsoft.AspNetCore.Components;
using ZkDashboard.Core.Boundary;
using ZkDashboard.Core.Jobs;
using ZkDashboard.Core.Transfer;
using ZkDashboard.Web.Auth;

namespace ZkDashboard.Web.Components.Pages.Transfer;

/// <summary>
/// Starts an export job through <see cref="ITransferService"/> (read access is checked there, node by node), follows it
/// live through <see cref="IBulkJobs"/> and offers the file once it is done. <c>?e=&amp;path=</c> pre-fill the form.
/// </summary>
public sealed partial class ExportPage : IDisposable
{
    private IReadOnlyList<string> ensembles = [];
    private string ensemble = "";
    private string path = "/";
    private TransferFormat format = TransferFormat.ZkDashboard;
    private bool stats;
    private bool gzip;
    private string? error;
    private BulkJobFollower? exportJob;
    private ExportRequest? request;

    [Inject] private ITransferService Transfer { get; set; } = default!;
    [Inject] private IBulkJobs Jobs { get; set; } = default!;
    [Inject] private IUserEnsembles Ensembles { get; set; } = default!;
    [Inject] private ICurrentUser CurrentUser { get; set; } = default!;

    private BulkJobFollower ExportJob => exportJob ??= new BulkJobFollower(Jobs, CurrentUser, _ => InvokeAsync(StateHasChanged));

    [SupplyParameterFromQuery(Name = "e")] public string? QueryEnsemble { get; set; }
    [SupplyParameterFromQuery(Name = "path")] public string? QueryPath { get; set; }

    protected override async Task OnInitializedAsync()
    {
        ensembles = (await Ensembles.ListAsync(CurrentUser.User)).Select(e => e.Name).ToList();
        ensemble = QueryEnsemble is { Length: > 0 } q && ensembles.Contains(q) ? q : ensembles.FirstOrDefault() ?? "";
        path = QueryPath is { Length: > 0 } p ? p : "/";
    }

    private Task StartAsync()
    {
        error = null;
        try
        {
            var export = request = new ExportRequest(ensemble, path.Trim(), format, stats, gzip);
            ExportJob.Start(() => Transfer.StartExport(CurrentUser.User, export));
        }
        catch (Exception ex) when (ex is ArgumentException or BulkJobLimitException or Core.Sessions.UnknownEnsembleException or ZooKeeper.ZooKeeperException)
        {
            error = ex.Message;
        }
        return Task.CompletedTask;
    }

    public void Dispose() => exportJob?.Dispose();
}
