using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Boundary;
using ZkDashboard.Core.Jobs;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Transfer;
using ZkDashboard.Web.Auth;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Components.Pages.Transfer;

/// <summary>
/// Upload → dry run (a table of planned changes with diffs) → apply as a job (progress, cancel, truthful result). All
/// checks (create/setData at the target, delete for mirror, node by node) and the audit are in <see cref="ITransferService"/>.
/// </summary>
public sealed partial class ImportPage : IDisposable
{
    private static readonly PlanAction[] Actions = [PlanAction.Create, PlanAction.Update, PlanAction.AclChange, PlanAction.Delete, PlanAction.Conflict, PlanAction.Denied, PlanAction.Unchanged];
    private IReadOnlyList<string> ensembles = [];
    private string ensemble = "";
    private string path = "/";
    private ImportMode mode = ImportMode.Merge;
    private ConflictCheck conflicts = ConflictCheck.Auto;
    private bool overwrite;
    private string? reason;
    private TransferDocument? document;
    private ImportPlan? plan;
    private PlanEntry? selected;
    private readonly HashSet<PlanAction> shown = [PlanAction.Create, PlanAction.Update, PlanAction.AclChange, PlanAction.Delete, PlanAction.Conflict, PlanAction.Denied];
    private List<PlanEntry> filtered = [];
    private string? error;
    private bool planning;
    private CancellationTokenSource? dryRun;
    private BulkJobFollower? applyJob;
    private ApplyResult? result;

    [Inject] private ITransferService Transfer { get; set; } = default!;
    [Inject] private IBulkJobs Jobs { get; set; } = default!;
    [Inject] private IUserEnsembles Ensembles { get; set; } = default!;
    [Inject] private ICurrentUser CurrentUser { get; set; } = default!;

    private BulkJobFollower ApplyJob => applyJob ??= new BulkJobFollower(Jobs, CurrentUser, OnJob);

    protected override async Task OnInitializedAsync()
    {
        ensembles = (await Ensembles.ListAsync(CurrentUser.User)).Select(e => e.Name).ToList();
        ensemble = ensembles.FirstOrDefault() ?? "";
    }

    private async Task LoadFileAsync(InputFileChangeEventArgs e)
    {
        error = null;
        plan = null;
        document = null;
        try
        {
            await using var stream = e.File.OpenReadStream(TransferReader.MaxFileBytes);
            document = await Transfer.ReadFileAsync(stream, e.File.Name);
            if (path is "/" or "")
            {
                path = document.SourceRoot;
            }
        }
        catch (TransferFormatException ex)
        {
            error = ex.Message;
        }
        catch (IOException ex)
        {
            error = $"The upload failed: {ex.Message}";
        }
    }

    private async Task DryRunAsync()
    {
        if (document is null)
        {
            return;
        }
        error = null;
        plan = null;
        selected = null;
        planning = true;
        dryRun = new CancellationTokenSource();
        try
        {
            plan = await Transfer.PlanImportAsync(CurrentUser.User, new ImportRequest(ensemble, path.Trim(), mode, conflicts, overwrite, reason), document, null, dryRun.Token);
            Refilter();
        }
        catch (OperationCanceledException)
        {
            error = "Dry run cancelled; nothing was written.";
        }
        catch (Exception ex) when (ex is AccessDeniedException or ArgumentException or ZooKeeperException or EnsembleReadOnlyException or EnsembleUnavailableException or UnknownEnsembleException)
        {
            error = $"The dry run failed; nothing was written. {ex.Message}";
        }
        finally
        {
            planning = false;
            dryRun.Dispose();
            dryRun = null;
        }
    }

    private void CancelDryRun() => dryRun?.Cancel();

    private long CountOf(PlanAction a) => plan is not { } p ? 0 : a switch
    {
        PlanAction.Create => p.Counts.Create,
        PlanAction.Update => p.Counts.Update,
        PlanAction.AclChange => p.Counts.AclChange,
        PlanAction.Delete => p.Counts.Delete,
        PlanAction.Conflict => p.Counts.Conflict,
        PlanAction.Denied => p.Counts.Denied,
        _ => p.Counts.Unchanged,
    };

    private void Toggle(PlanAction action, bool on)
    {
        if (on)
        {
            shown.Add(action);
        }
        else
        {
            shown.Remove(action);
        }
        Refilter();
    }

    private void Refilter()
    {
        filtered = plan?.Entries.Where(e => shown.Contains(e.Action)).ToList() ?? [];
    }

    private void Apply()
    {
        if (plan is null)
        {
            return;
        }
        error = null;
        result = null;
        try
        {
            ApplyJob.Start(() => Transfer.StartApply(CurrentUser.User, plan));
        }
        catch (Exception ex) when (ex is BulkJobLimitException or ArgumentException)
        {
            error = ex.Message;
        }
    }

    private void OnJob(BulkJobSnapshot snapshot)
    {
        if (!snapshot.IsRunning)
        {
            result = Transfer.GetApplyResult(CurrentUser.User, snapshot.Id);
        }
        _ = InvokeAsync(StateHasChanged);
    }

    public void Dispose()
    {
        applyJob?.Dispose();
        dryRun?.Cancel();
    }
}
