using Radzen;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Jobs;
using ZkDashboard.Core.Operations;
using ZkDashboard.Web.Znodes.Naming;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Components.Pages.Explorer.Operations;

/// <summary>Delete (single or recursive) and rename/move/copy of subtrees (the bulk ones run as server-side jobs: NodeActions.Jobs.cs).</summary>
public partial class NodeActions
{
    private bool _deleteOpen;
    private bool _recursive;
    private long? _subtreeCount;
    private string _confirmName = string.Empty;
    private string? _deleteError;
    private string _deletePath = "/";
    private int _deleteVersion;
    private BulkProgress? _progress;
    private BulkResult? _bulkResult;

    private bool _transferOpen;
    private string _transferOp = "move";
    private string _transferSource = "/";
    private string _targetPath = string.Empty;
    private string _targetEnsemble = string.Empty;
    private BulkResult? _dryRun;
    private BulkResult? _transferResult;
    private string? _transferError;

    private string DeleteName => ExplorerLinks.Name(_deletePath);

    private bool CanDelete => !_recursive || (_subtreeCount is not null && _confirmName == DeleteName);

    private bool TransferMove => _transferOp == "move";

    private string? TargetError => _targetPath.Trim() == _transferSource
        ? "The target is the node itself; choose another path."
        : (TransferMove || _targetEnsemble == Ensemble) && (_targetPath + "/").StartsWith(_transferSource + "/", StringComparison.Ordinal)
            ? "The target cannot be inside the subtree being copied or moved."
            : NodeNameValidator.ValidatePath(_targetPath.Trim());

    /// <summary>"Deleting: 7,200 of 12,025".</summary>
    private static string ProgressText(BulkProgress p) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{(p.Phase.Length > 0 ? char.ToUpperInvariant(p.Phase[0]) + p.Phase[1..] : p.Phase)}: {p.Done:N0} of {p.Total:N0}");

    /// <summary>Green when done, amber when cancelled part-way, red when something failed.</summary>
    private static string? ResultClass(BulkResult r) => r.Completed ? "good" : r.Cancelled && r.Failures.Count == 0 ? "warn" : null;

    private static double ProgressPercent(BulkProgress p) => p.Total <= 0 ? 0 : Math.Min(100, 100.0 * p.Done / p.Total);

    /// <summary>Asks to delete the open node (Del): a confirmation, or the recursive dialog when it has children.</summary>
    public async Task RequestDeleteAsync()
    {
        if (Node is null || Path == "/" || Disabled || _deleteOpen)
        {
            return;
        }
        if (!(Can(AccessAction.Delete) || Can(AccessAction.DeleteRecursive)))
        {
            // Del is a control too: say why instead of opening a dialog whose delete the service would refuse.
            ShowStatus(_access?.Why(AccessAction.Delete) ?? "Not allowed to delete here.", ok: false);
            StateHasChanged();
            return;
        }

        DetachJob();
        _deletePath = Path;
        _deleteVersion = Node.Stat.Version;
        _recursive = Node.Stat.NumChildren > 0;
        _subtreeCount = null;
        _confirmName = string.Empty;
        _deleteError = null;
        _deleteUnknown = null;
        _bulkResult = null;
        _progress = null;
        _reason = "";
        _deleteOpen = true;
        StateHasChanged();
        if (_recursive)
        {
            try
            {
                _subtreeCount = await Operations.CountSubtreeAsync(CurrentUser.User, Ensemble, _deletePath);
            }
            catch (Exception e) when (OpsErrors.IsExpected(e))
            {
                _deleteError = OpsErrors.Describe(e, "count the nodes under", _deletePath);
            }

            StateHasChanged();
        }
    }

    private void CloseDelete()
    {
        _deleteOpen = false;
        _progress = null;
    }

    private async Task ConfirmDeleteAsync()
    {
        if (!CanDelete)
        {
            return;
        }

        var path = _deletePath;
        var parent = ExplorerLinks.Parent(path);
        _deleteError = null;
        _deleteUnknown = null;
        if (!_recursive)
        {
            _busy = true;
            try
            {
                WriteResult result;
                using (ZkDashboard.Core.Audit.AuditAnnotations.WithReason(_reason))
                {
                    result = await Operations.DeleteAsync(CurrentUser.User, Ensemble, path, _deleteVersion);
                }
                _deleteOpen = false;
                var text = result.ConfirmedAfterConnectionLoss
                    ? $"Deleted {path}. The connection was lost during the delete; a re-read confirmed the node is gone."
                    : $"Deleted {path}.";
                Notifications.Notify(new NotificationMessage { Severity = NotificationSeverity.Success, Summary = "Node deleted", Detail = text, Duration = 4000 });
                await OnChanged.InvokeAsync();
                await OnNavigate.InvokeAsync(parent);
            }
            catch (ZkDashboard.Core.Changes.ChangeRequestSubmittedException submitted)
            {
                _deleteOpen = false;
                Notifications.Notify(new NotificationMessage { Severity = NotificationSeverity.Info, Summary = "Submitted for approval", Detail = OpsErrors.Submitted(submitted), Duration = 8000 });
                await OnChanged.InvokeAsync();
            }
            catch (NotEmptyException)
            {
                // Someone added children meanwhile: switch to the recursive dialog with a fresh count.
                _recursive = true;
                _deleteError = $"{path} has children now (someone added them). Review the count below to delete everything.";
                _subtreeCount = await Operations.CountSubtreeAsync(CurrentUser.User, Ensemble, path);
            }
            catch (Exception e) when (OpsErrors.IsExpected(e))
            {
                if (!RememberUnknownDelete(e, path, _deleteVersion))
                {
                    _deleteError = OpsErrors.Describe(e, "delete", path);
                }
            }
            finally
            {
                _busy = false;
            }

            return;
        }

        try
        {
            StartJob(Jobs.StartDeleteRecursive(CurrentUser.User, Ensemble, path), BulkDialog.Delete);
        }
        catch (BulkJobLimitException e)
        {
            _deleteError = e.Message;
        }
    }

    private void OpenTransfer()
    {
        DetachJob();
        _transferOp = "move";
        _transferSource = Path;
        _targetPath = Path;
        _targetEnsemble = Ensemble;
        _dryRun = null;
        _transferResult = null;
        _transferError = null;
        _progress = null;
        _transferOpen = true;
    }

    private void CloseTransfer()
    {
        _transferOpen = false;
        _progress = null;
    }

    private void ResetDryRun()
    {
        _dryRun = null;
        _transferError = null;
    }

    private CopyRequest BuildRequest(bool dryRun) =>
        new(Ensemble, _transferSource, TransferMove ? Ensemble : _targetEnsemble, _targetPath.Trim(), TransferMove, dryRun);

    private async Task DryRunAsync()
    {
        _busy = true;
        _transferError = null;
        try
        {
            _dryRun = await Operations.CopySubtreeAsync(CurrentUser.User, BuildRequest(dryRun: true));
        }
        catch (Exception e) when (OpsErrors.IsExpected(e))
        {
            _transferError = OpsErrors.Describe(e, "check the copy of", _transferSource);
        }
        finally
        {
            _busy = false;
        }
    }

    private void Transfer()
    {
        _transferError = null;
        try
        {
            StartJob(Jobs.StartCopy(CurrentUser.User, BuildRequest(dryRun: false)), BulkDialog.Transfer);
        }
        catch (BulkJobLimitException e)
        {
            _transferError = e.Message;
        }
    }
}
