using ZkDashboard.Core.Jobs;
using ZkDashboard.Web.Auth;

namespace ZkDashboard.Web.Components.Pages.Transfer;

/// <summary>
/// A page's one bulk job at a time (export, import, compare apply): starts it, follows it through <see cref="IBulkJobs"/>
/// (subscribed on the first start, as the circuit's user) and cancels it. Updates of other jobs of the user are ignored.
/// </summary>
/// <param name="jobs">The job registry.</param>
/// <param name="currentUser">The circuit's user, read at every call.</param>
/// <param name="changed">Called with every new snapshot of the followed job, off the renderer's context
/// (use <c>InvokeAsync(StateHasChanged)</c>).</param>
internal sealed class BulkJobFollower(IBulkJobs jobs, ICurrentUser currentUser, Action<BulkJobSnapshot> changed) : IDisposable
{
    private IDisposable? _subscription;

    /// <summary>The latest snapshot of the job last started here, or null before the first start.</summary>
    public BulkJobSnapshot? Job { get; private set; }

    /// <summary>True while the followed job runs.</summary>
    public bool IsRunning => Job?.IsRunning == true;

    /// <summary>Subscribes (once), then starts a job with <paramref name="start"/> and follows it. Exceptions of
    /// <paramref name="start"/> pass through; the job followed so far stays.</summary>
    public void Start(Func<BulkJobSnapshot> start)
    {
        ArgumentNullException.ThrowIfNull(start);
        _subscription ??= jobs.Subscribe(currentUser.User, OnJob);
        Job = start();
    }

    /// <summary>Asks the followed job to stop (no-op when none was started).</summary>
    public void Cancel()
    {
        if (Job is { } j)
        {
            Job = jobs.Cancel(currentUser.User, j.Id);
        }
    }

    private void OnJob(BulkJobSnapshot snapshot)
    {
        if (snapshot.Id != Job?.Id)
        {
            return;
        }
        Job = snapshot;
        changed(snapshot);
    }

    public void Dispose() => _subscription?.Dispose();
}
