using System.Text.Json.Serialization;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Operations;

namespace ZkDashboard.Core.Jobs;

/// <summary>What a bulk job does.</summary>
public enum BulkJobKind
{
    /// <summary>Recursive delete of a subtree.</summary>
    Delete,
    /// <summary>Copy of a subtree (within or across ensembles).</summary>
    Copy,
    /// <summary>Move (rename) of a subtree within an ensemble.</summary>
    Move,
    /// <summary>Export of a subtree to a file.</summary>
    Export,
    /// <summary>Import of a file into a subtree.</summary>
    Import,
    /// <summary>Applying selected compare differences to the right side.</summary>
    CompareApply,
}

/// <summary>Where a bulk job is.</summary>
public enum BulkJobState
{
    /// <summary>Still working (cancellation may have been requested: see <see cref="BulkJobSnapshot.CancelRequested"/>).</summary>
    Running,
    /// <summary>Everything was done.</summary>
    Succeeded,
    /// <summary>Stopped on request; the result says how far it got.</summary>
    Cancelled,
    /// <summary>Ran to the end, but some nodes failed; the result lists them.</summary>
    Incomplete,
    /// <summary>Refused or broke off with an error (<see cref="BulkJobSnapshot.Error"/>); a partial result may exist.</summary>
    Failed,
}

/// <summary>
/// One bulk job as pages (and the REST API: <c>GET /api/v1/jobs/{id}</c>) show it. An immutable snapshot: the
/// job service hands out a new one whenever the job moves on.
/// </summary>
/// <param name="Id">Job id (opaque, URL-safe).</param>
/// <param name="Kind">What it does.</param>
/// <param name="Owner">Who started it (user name).</param>
/// <param name="OwnerProvider">Who vouched for the owner (<see cref="ActingUser.Provider"/>).</param>
/// <param name="Ensemble">Source ensemble.</param>
/// <param name="Path">Source root.</param>
/// <param name="TargetEnsemble">For copy and move: the target ensemble.</param>
/// <param name="TargetPath">For copy and move: the new root.</param>
/// <param name="State">Where it is.</param>
/// <param name="Progress">The last progress report (phase, done, total), null before the first.</param>
/// <param name="Result">The truthful result once the operation returned (also after a cancel).</param>
/// <param name="Error">Why it failed (the operation threw), in words.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="FinishedAt">When it finished, null while running.</param>
/// <param name="CancelRequested">Someone asked it to stop (it stops between batches).</param>
public sealed record BulkJobSnapshot(string Id, BulkJobKind Kind, string Owner, string OwnerProvider, string Ensemble, string Path,
    string? TargetEnsemble, string? TargetPath, BulkJobState State, BulkProgress? Progress, BulkResult? Result, string? Error,
    DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, bool CancelRequested)
{
    /// <summary>The exception behind <see cref="Error"/> (for pages that word errors themselves; not serialized).</summary>
    [JsonIgnore]
    public Exception? Exception { get; init; }

    /// <summary>True while the job works.</summary>
    public bool IsRunning => State == BulkJobState.Running;

    /// <summary>Nodes counted before starting (0 until counted).</summary>
    public long Counted => Result?.Total ?? (Progress is { Phase: not "counting" } p ? p.Total : 0);

    /// <summary>Nodes done: deleted or created (while running: in the current phase).</summary>
    public long Done => Result?.Done ?? Progress?.Done ?? 0;

    /// <summary>Nodes that failed (known once the operation returned).</summary>
    public int Failed => Result?.Failures.Count ?? 0;

    /// <summary>One line for people: the result's summary, the error, or the progress.</summary>
    public string Summary => Result?.Summary ?? Error ?? (Progress is { } p
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{p.Phase}: {p.Done:N0} of {p.Total:N0}")
        : "starting");
}

/// <summary>The job does not exist (never did, or finished long enough ago to be forgotten).</summary>
public sealed class BulkJobNotFoundException(string id)
    : Exception($"There is no job '{id}'. Finished jobs are kept for a while only; the Jobs panel lists the ones that are left.")
{
    /// <summary>The job id asked for.</summary>
    public string JobId { get; } = id;
}

/// <summary>The acting user may not see or cancel this job (only its owner and admins may).</summary>
public sealed class BulkJobAccessDeniedException(ActingUser user, string id)
    : Exception($"{user.Name} may not see or cancel job '{id}': only the user who started it and those with {AccessActions.Name(AccessAction.ManageJobs)} on its ensemble (admins) may.")
{
    /// <summary>The job id asked for.</summary>
    public string JobId { get; } = id;
}

/// <summary>Too many bulk jobs are running at once to start another.</summary>
public sealed class BulkJobLimitException(int running)
    : Exception($"{running} bulk jobs are already running, the most allowed (ZkDashboard:Jobs:MaxRunning). Wait for one to finish or cancel one in the Jobs panel, then start again.");

/// <summary>Settings of the bulk job service, bound from <c>ZkDashboard:Jobs</c>.</summary>
public sealed class BulkJobOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "ZkDashboard:Jobs";

    /// <summary>Jobs running at once (all users); starting one more is refused with <see cref="BulkJobLimitException"/>.</summary>
    public int MaxRunning { get; set; } = 8;

    /// <summary>Finished jobs kept (oldest forgotten first).</summary>
    public int MaxFinished { get; set; } = 100;

    /// <summary>How long a finished job is kept.</summary>
    public TimeSpan KeepFinished { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Least time between two progress notifications of one job (phase changes and the end are always sent).</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(100);
}

/// <summary>
/// Who may see and cancel a job: its owner (same name and provider), the dashboard itself, and whoever the access
/// policy allows <see cref="AccessAction.ManageJobs"/> on the job's ensemble (the built-in admin role has it). The
/// one place this is decided.
/// </summary>
public static class BulkJobAccess
{
    /// <summary>True when <paramref name="viewer"/> may see and cancel <paramref name="job"/>.</summary>
    public static bool MayManage(IAccessPolicy policy, ActingUser viewer, BulkJobSnapshot job)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(job);
        if (viewer.IsSystem || IsOwner(viewer, job))
        {
            return true;
        }
        // The real policy decides synchronously on its compiled rules; another policy may really be asynchronous.
        var pending = policy.CanAsync(viewer, job.Ensemble, AccessAction.ManageJobs, "/");
        var decision = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
        return decision.Allowed;
    }

    /// <summary>True when <paramref name="viewer"/> started <paramref name="job"/> (same name from the same provider).</summary>
    public static bool IsOwner(ActingUser viewer, BulkJobSnapshot job)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(job);
        return string.Equals(viewer.Name, job.Owner, StringComparison.Ordinal) && string.Equals(viewer.Provider, job.OwnerProvider, StringComparison.Ordinal);
    }
}
