using Microsoft.AspNetCore.Components;
using ZkDashboard.Core.Jobs;
using ZkDashboard.Core.Operations;
using ZkDashboard.Web.Auth;

namespace ZkDashboard.Web.Components.Layout;

/// <summary>Lists the bulk jobs the circuit's user may see (<see cref="IBulkJobs"/>), follows them live and cancels them.</summary>
public partial class JobsIndicator : IDisposable
{
    private IReadOnlyList<BulkJobSnapshot> _jobs = [];
    private IDisposable? _subscription;
    private bool _open;
    private string? _error;
    private int _refreshQueued;

    [Inject] private IBulkJobs Jobs { get; set; } = default!;
    [Inject] private ICurrentUser CurrentUser { get; set; } = default!;

    private int RunningCount => _jobs.Count(j => j.IsRunning);

    private string ButtonText => RunningCount > 0 ? $"Jobs ({RunningCount} running)" : "Jobs";

    protected override void OnInitialized() => _jobs = Jobs.List(CurrentUser.User);

    protected override void OnAfterRender(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        _subscription = Jobs.Subscribe(CurrentUser.User, _ => QueueRefresh());
        // A job may have changed between the first list and the subscription.
        QueueRefresh();
    }

    /// <summary>One refresh at a time: changes that arrive meanwhile are folded into the next one.</summary>
    private void QueueRefresh()
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
                _jobs = Jobs.List(CurrentUser.User);
                StateHasChanged();
            }
            catch (Exception e)
            {
                await DispatchExceptionAsync(e);
            }
        });
    }

    private void Toggle()
    {
        _open = !_open;
        _error = null;
        _jobs = Jobs.List(CurrentUser.User);
    }

    private void Cancel(string id)
    {
        try
        {
            Jobs.Cancel(CurrentUser.User, id);
            _error = null;
        }
        catch (Exception e) when (e is BulkJobNotFoundException or BulkJobAccessDeniedException)
        {
            _error = e.Message;
        }

        _jobs = Jobs.List(CurrentUser.User);
    }

    private static string KindText(BulkJobSnapshot job) => job.Kind switch
    {
        BulkJobKind.Delete => "Delete",
        BulkJobKind.Copy => "Copy",
        BulkJobKind.Move => "Move",
        _ => job.Kind.ToString(),
    };

    private static string JobLabel(BulkJobSnapshot job) => $"{KindText(job)} {job.Ensemble}:{job.Path}";

    private static string StateText(BulkJobSnapshot job) => job.State switch
    {
        BulkJobState.Running when job.CancelRequested => "Cancelling — " + Progress(job),
        BulkJobState.Running => "Running — " + Progress(job),
        BulkJobState.Succeeded => "Done — " + job.Summary,
        BulkJobState.Cancelled => "Cancelled — " + job.Summary,
        BulkJobState.Incomplete => "Incomplete — " + job.Summary,
        _ => "Failed — " + job.Summary,
    };

    private static string Progress(BulkJobSnapshot job) => job.Progress is { } p
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{p.Phase}: {p.Done:N0} of {p.Total:N0}")
        : "starting";

    private static string StateClass(BulkJobSnapshot job) => job.State switch
    {
        BulkJobState.Running => "running",
        BulkJobState.Succeeded => "good",
        BulkJobState.Cancelled => "warn",
        _ => "bad",
    };

    private static double Percent(BulkProgress p) => p.Total <= 0 ? 0 : Math.Min(100, 100.0 * p.Done / p.Total);

    public void Dispose()
    {
        // Only the view goes; the jobs run on.
        _subscription?.Dispose();
        GC.SuppressFinalize(this);
    }
}
