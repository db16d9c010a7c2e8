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
/// The drift view: compares two subtrees through <see cref="ITransferService"/> (read access on both sides, path-scoped),
/// filters the differences, shows their diffs and applies the selected ones to the right as a job.
/// </summary>
public sealed partial class ComparePage : IDisposable
{
    private IReadOnlyList<string> ensembles = [];
    private bool leftFromFile;
    private string leftEnsemble = "";
    private string leftPath = "/";
    private TransferDocument? leftFile;
    private string rightEnsemble = "";
    private string rightPath = "/";
    private CompareResult? result;
    private CompareEntry? selected;
    private readonly HashSet<string> chosen = new(StringComparer.Ordinal);
    private bool showOnlyLeft = true;
    private bool showOnlyRight = true;
    private bool showDifferent = true;
    private string? pathFilter;
    private List<CompareEntry> filtered = [];
    private string? reason;
    private string? error;
    private bool comparing;
    private CancellationTokenSource? running;
    private BulkJobFollower? applyJob;
    private ApplyResult? applied;

    [Inject] private ITransferService Transfer { get; set; } = default!;
    [Inject] private IBulkJobs Jobs { get; set; } = default!;
    [Inject] private IUserEnsembles Ensembles { get; set; } = default!;
    [Inject] private ICurrentUser CurrentUser { get; set; } = default!;

    private BulkJobFollower ApplyJob => applyJob ??= new BulkJobFollower(Jobs, CurrentUser, OnJob);

    protected override async Task OnInitializedAsync()
    {
        ensembles = (await Ensembles.ListAsync(CurrentUser.User)).Select(e => e.Name).ToList();
        leftEnsemble = ensembles.FirstOrDefault() ?? "";
        rightEnsemble = ensembles.Skip(1).FirstOrDefault() ?? leftEnsemble;
    }

    private static string Display(CompareEntry e) => e.RelativePath.Length == 0 ? "(root)" : e.RelativePath;

    private static string Describe(CompareEntry e) => e.Kind switch
    {
        CompareKind.OnlyLeft => "only left (apply creates it on the right)",
        CompareKind.OnlyRight => "only right (apply deletes it on the right)",
        _ => e.DataDiffers && e.AclDiffers ? "data and ACL differ" : e.DataDiffers ? "data differs" : "ACL differs",
    };

    private async Task LoadLeftFileAsync(InputFileChangeEventArgs e)
    {
        error = null;
        try
        {
            await using var stream = e.File.OpenReadStream(TransferReader.MaxFileBytes);
            leftFile = await Transfer.ReadFileAsync(stream, e.File.Name);
        }
        catch (TransferFormatException ex)
        {
            leftFile = null;
            error = ex.Message;
        }
    }

    private async Task CompareAsync()
    {
        error = null;
        result = null;
        selected = null;
        chosen.Clear();
        if (leftFromFile && leftFile is null)
        {
            error = "Choose an export file for the left side first.";
            return;
        }
        comparing = true;
        running = new CancellationTokenSource();
        try
        {
            var left = leftFromFile ? new CompareSide(null, leftFile!.SourceRoot, leftFile) : new CompareSide(leftEnsemble, leftPath.Trim());
            result = await Transfer.CompareAsync(CurrentUser.User, left, new CompareSide(rightEnsemble, rightPath.Trim()), null, running.Token);
            Refilter();
        }
        catch (OperationCanceledException)
        {
            error = "Compare cancelled.";
        }
        catch (Exception ex) when (ex is AccessDeniedException or ArgumentException or ZooKeeperException or EnsembleUnavailableException or UnknownEnsembleException)
        {
            error = ex.Message;
        }
        finally
        {
            comparing = false;
            running.Dispose();
            running = null;
        }
    }

    private void CancelCompare() => running?.Cancel();

    private void Refilter()
    {
        filtered = result?.Entries.Where(e => (e.Kind switch
        {
            CompareKind.OnlyLeft => showOnlyLeft,
            CompareKind.OnlyRight => showOnlyRight,
            _ => showDifferent,
        }) && (string.IsNullOrEmpty(pathFilter) || e.RelativePath.Contains(pathFilter, StringComparison.OrdinalIgnoreCase))).ToList() ?? [];
    }

    private void Choose(CompareEntry e, bool on)
    {
        if (on)
        {
            chosen.Add(e.RelativePath);
        }
        else
        {
            chosen.Remove(e.RelativePath);
        }
    }

    private void SelectAll(bool on)
    {
        foreach (var e in filtered)
        {
            Choose(e, on);
        }
    }

    private async Task ApplyAsync()
    {
        if (result is null)
        {
            return;
        }
        error = null;
        applied = null;
        try
        {
            var plan = await Transfer.PlanCompareApplyAsync(CurrentUser.User, result, chosen.ToList(), reason);
            ApplyJob.Start(() => Transfer.StartApply(CurrentUser.User, plan));
        }
        catch (Exception ex) when (ex is AccessDeniedException or ArgumentException or BulkJobLimitException or EnsembleReadOnlyException)
        {
            error = ex.Message;
        }
    }

    private void OnJob(BulkJobSnapshot snapshot)
    {
        if (!snapshot.IsRunning)
        {
            applied = Transfer.GetApplyResult(CurrentUser.User, snapshot.Id);
        }
        _ = InvokeAsync(StateHasChanged);
    }

    public void Dispose()
    {
        applyJob?.Dispose();
        running?.Cancel();
    }
}
