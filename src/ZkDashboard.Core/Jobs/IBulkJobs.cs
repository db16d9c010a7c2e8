using ZkDashboard.Core.Access;
using ZkDashboard.Core.Operations;

namespace ZkDashboard.Core.Jobs;

/// <summary>
/// Recursive deletes, copies and moves as server-side jobs: they run through <see cref="IZooKeeperOperations"/>
/// (so the access policy and the audit log see them as before) on the server's own time. Closing the page,
/// reloading it or losing the circuit does not stop a job; only <see cref="Cancel"/> (or the app stopping) does.
/// Only a job's owner and those the access policy allows <see cref="AccessAction.ManageJobs"/> on its ensemble (admins)
/// see and cancel it (<see cref="BulkJobAccess"/>); other attempts are refused and audited. Finished jobs are kept for a
/// while (<see cref="BulkJobOptions"/>). Shaped for <c>GET /api/v1/jobs</c>, <c>GET /api/v1/jobs/{id}</c> and
/// <c>DELETE /api/v1/jobs/{id}</c> (cancel).
/// </summary>
public interface IBulkJobs
{
    /// <summary>Starts a recursive delete of <paramref name="path"/>; returns at once with the running job.</summary>
    /// <exception cref="BulkJobLimitException">Too many jobs are running.</exception>
    BulkJobSnapshot StartDeleteRecursive(ActingUser user, string ensemble, string path);

    /// <summary>Starts a copy or move (<see cref="CopyRequest.DryRun"/> is not a job: call the operations boundary).</summary>
    /// <exception cref="BulkJobLimitException">Too many jobs are running.</exception>
    BulkJobSnapshot StartCopy(ActingUser user, CopyRequest request);

    /// <summary>
    /// Starts another Core service's long operation (export, import, compare apply) as a job: <paramref name="body"/> runs
    /// on the server's own time with the job's token, reports progress and returns the truthful result. The body must do
    /// its own access checks and audit (it runs as <paramref name="user"/> through its own boundary).
    /// </summary>
    /// <exception cref="BulkJobLimitException">Too many jobs are running.</exception>
    BulkJobSnapshot StartCustom(ActingUser user, BulkJobKind kind, string ensemble, string path, string? targetEnsemble, string? targetPath,
        Func<IProgress<BulkProgress>, CancellationToken, Task<BulkResult>> body);

    /// <summary>The jobs <paramref name="viewer"/> may see: running first, then finished, newest first.</summary>
    IReadOnlyList<BulkJobSnapshot> List(ActingUser viewer);

    /// <summary>One job.</summary>
    /// <exception cref="BulkJobNotFoundException">No such job (or forgotten).</exception>
    /// <exception cref="BulkJobAccessDeniedException">Not the owner and not an admin.</exception>
    BulkJobSnapshot Get(ActingUser viewer, string id);

    /// <summary>Asks a running job to stop between batches (a finished job is returned unchanged).</summary>
    /// <exception cref="BulkJobNotFoundException">No such job (or forgotten).</exception>
    /// <exception cref="BulkJobAccessDeniedException">Not the owner and not an admin.</exception>
    BulkJobSnapshot Cancel(ActingUser viewer, string id);

    /// <summary>Waits until the job has finished and returns its final snapshot.</summary>
    Task<BulkJobSnapshot> WaitAsync(ActingUser viewer, string id, CancellationToken ct = default);

    /// <summary>
    /// Calls <paramref name="changed"/> whenever a job <paramref name="viewer"/> may see starts, moves on or
    /// finishes (progress at most every <see cref="BulkJobOptions.ProgressInterval"/>). Called on the job's
    /// thread: do not block. Dispose to stop.
    /// </summary>
    IDisposable Subscribe(ActingUser viewer, Action<BulkJobSnapshot> changed);
}
