using Radzen;
using ZkDashboard.Core.Jobs;
using ZkDashboard.Core.Operations;

namespace ZkDashboard.Web.Components.Pages.Explorer.Operations;

/// <summary>
/// The recursive delete and the copy/move dialogs follow a server-side bulk job (<see cref="IBulkJobs"/>). The job
/// goes on when the dialog is hidden, the page is left or the circuit ends; the Jobs panel in the header shows and
/// cancels it from any page.
/// </summary>
public partial class NodeActions
{
    private enum BulkDialog
    {
        Delete,
        Transfer,
    }

    private BulkJobSnapshot? _job;
    private BulkDialog _jobDialog;
    private IDisposable? _jobSubscription;
    private bool _jobFinishHandled;

    /// <summary>A job started from this component is still running.</summary>
    private bool _bulkRunning => _job is { IsRunning: true };

    /// <summary>Cancel was asked for and the job has not stopped yet.</summary>
    private bool _cancelRequested => _job is { IsRunning: true, CancelRequested: true };

    private void StartJob(BulkJobSnapshot job, BulkDialog dialog)
    {
        _jobSubscription?.Dispose();
        _job = job;
        _jobDialog = dialog;
        _jobFinishHandled = false;
        _progress = job.Progress;
        _jobSubscription = Jobs.Subscribe(CurrentUser.User, OnJobChanged);
        // The job may have moved on (or finished) before the subscription existed.
        OnJobChanged(job);
    }

    private void OnJobChanged(BulkJobSnapshot changed)
    {
        if (_job is null || changed.Id != _job.Id)
        {
            return;
        }

        _ = InvokeAsync(async () =>
        {
            try
            {
                await ApplyJobAsync();
            }
            catch (Exception e)
            {
                await DispatchExceptionAsync(e);
            }
        });
    }

    /// <summary>Shows the job's latest state (snapshots from different threads may arrive out of order: re-read it).</summary>
    private async Task ApplyJobAsync()
    {
        if (_job is null)
        {
            return;
        }

        BulkJobSnapshot job;
        try
        {
            job = Jobs.Get(CurrentUser.User, _job.Id);
        }
        catch (BulkJobNotFoundException)
        {
            return;
        }

        _job = job;
        _progress = job.Progress ?? _progress;
        if (job.IsRunning || _jobFinishHandled)
        {
            StateHasChanged();
            return;
        }

        _jobFinishHandled = true;
        _jobSubscription?.Dispose();
        _jobSubscription = null;
        if (_jobDialog == BulkDialog.Delete)
        {
            await FinishDeleteAsync(job);
        }
        else
        {
            await FinishTransferAsync(job);
        }

        StateHasChanged();
    }

    private async Task FinishDeleteAsync(BulkJobSnapshot job)
    {
        var visible = _deleteOpen && _deletePath == job.Path;
        if (job.Result is { } result)
        {
            if (visible)
            {
                _bulkResult = result;
            }

            Notifications.Notify(new NotificationMessage
            {
                Severity = result.Completed ? NotificationSeverity.Success : NotificationSeverity.Warning,
                Summary = result.Completed ? "Subtree deleted" : "Subtree partly deleted",
                Detail = result.Summary,
                Duration = 6000,
            });
            await OnChanged.InvokeAsync();
            if (result.Completed && visible)
            {
                await OnNavigate.InvokeAsync(ExplorerLinks.Parent(job.Path));
            }

            return;
        }

        var error = job.State == BulkJobState.Cancelled
            ? $"Cancelled before any node was deleted; {job.Path} is unchanged."
            : (job.Exception is { } e ? OpsErrors.Describe(e, "delete the subtree", job.Path) : job.Summary)
              + " Some nodes may already be deleted; reload the tree to see what is left.";
        if (visible)
        {
            _deleteError = error;
        }
        else
        {
            Notifications.Notify(new NotificationMessage { Severity = NotificationSeverity.Error, Summary = "Recursive delete stopped", Detail = error, Duration = 8000 });
        }

        await OnChanged.InvokeAsync();
    }

    private async Task FinishTransferAsync(BulkJobSnapshot job)
    {
        var move = job.Kind == BulkJobKind.Move;
        var visible = _transferOpen && _transferSource == job.Path;
        if (job.Result is { } result)
        {
            if (visible)
            {
                _transferResult = result;
            }

            Notifications.Notify(new NotificationMessage
            {
                Severity = result.Completed ? NotificationSeverity.Success : NotificationSeverity.Warning,
                Summary = (move, result.Completed) switch
                {
                    (true, true) => "Subtree moved",
                    (true, false) => "Move incomplete",
                    (false, true) => "Subtree copied",
                    (false, false) => "Copy incomplete",
                },
                Detail = result.Summary,
                Duration = 6000,
            });
            await OnChanged.InvokeAsync();
            if (result.Completed && visible && job.TargetEnsemble == Ensemble && job.TargetPath is { } target)
            {
                await OnNavigate.InvokeAsync(target);
            }

            return;
        }

        var error = job.State == BulkJobState.Cancelled
            ? $"Cancelled before any node was copied; {job.Path} is unchanged."
            : (job.Exception is { } e ? OpsErrors.Describe(e, move ? "move" : "copy", job.Path) : job.Summary)
              + " Check the target: part of the subtree may already be copied.";
        if (visible)
        {
            _transferError = error;
        }
        else
        {
            Notifications.Notify(new NotificationMessage { Severity = NotificationSeverity.Error, Summary = move ? "Move stopped" : "Copy stopped", Detail = error, Duration = 8000 });
        }

        await OnChanged.InvokeAsync();
    }

    private void CancelBulk()
    {
        if (_job is not { IsRunning: true } job)
        {
            return;
        }

        try
        {
            _job = Jobs.Cancel(CurrentUser.User, job.Id);
        }
        catch (Exception e) when (e is BulkJobNotFoundException or BulkJobAccessDeniedException)
        {
            ShowStatus(e.Message, ok: false);
        }
    }

    /// <summary>Hides the dialog; the job goes on (the Jobs panel in the header follows it).</summary>
    private void RunInBackground()
    {
        if (_jobDialog == BulkDialog.Delete)
        {
            _deleteOpen = false;
        }
        else
        {
            _transferOpen = false;
        }

        _progress = null;
        Notifications.Notify(new NotificationMessage
        {
            Severity = NotificationSeverity.Info,
            Summary = "Running in the background",
            Detail = "The job goes on if you leave this page. Follow or cancel it in Jobs, at the top of every page.",
            Duration = 5000,
        });
    }

    /// <summary>A dialog opened anew no longer follows the previous job (the Jobs panel still does).</summary>
    private void DetachJob()
    {
        DisposeJobSubscription();
        _job = null;
    }

    private void DisposeJobSubscription()
    {
        // Only the view goes: the job itself runs on in the server.
        _jobSubscription?.Dispose();
        _jobSubscription = null;
    }
}
