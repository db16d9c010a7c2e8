using ZkDashboard.Core.Access;
using ZkDashboard.Core.Operations;

namespace ZkDashboard.Core.Tracking;

/// <summary>
/// The boundary for node history: versions of a node (tracked ones and the dashboard's own writes from the audit
/// trail), what changed under a path between two times, restoring a version, and the tracked globs.
/// </summary>
/// <remarks>
/// Access: history and changes need <c>read</c> on the path (content only with the data visible to the user: a
/// sensitive-data mask hides it without <c>readData</c>); a restore is a versioned setData through
/// <see cref="IZooKeeperOperations"/> (needs <c>setData</c>, audited there with a link to the version restored); tracking
/// globs are changed with <c>manageEnsembles</c> (tracking is a per-ensemble setting, like the ensemble itself) and
/// audited as operation <c>Tracking</c>. Refusals throw <see cref="AccessDeniedException"/> and are audited.
/// </remarks>
public interface INodeHistory
{
    /// <summary>Every version of <paramref name="path"/> the dashboard has a record of, newest first.</summary>
    Task<NodeHistory> GetHistoryAsync(ActingUser user, string ensemble, string path, CancellationToken ct = default);

    /// <summary>Nodes at or below <paramref name="path"/> created, changed or deleted between the two times (tracked subtrees only).</summary>
    Task<IReadOnlyList<NodeChangeSummary>> GetChangesBetweenAsync(ActingUser user, string ensemble, string path, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default);

    /// <summary>
    /// Writes the content of version <paramref name="versionId"/> (an id from <see cref="NodeVersionView.Id"/>) back to the
    /// node if it is still at <paramref name="expectedVersion"/>; throws <see cref="ZooKeeper.BadVersionException"/> when
    /// it moved on (nothing is written), <see cref="VersionNotRestorableException"/> when the content was not kept.
    /// </summary>
    Task<WriteResult> RestoreAsync(ActingUser user, string ensemble, string path, string versionId, int expectedVersion, string? reason, CancellationToken ct = default);

    /// <summary>The tracked globs of an ensemble (settings and store) that the user may read somewhere under.</summary>
    Task<IReadOnlyList<TrackedSubtree>> GetTrackedAsync(ActingUser user, string ensemble, CancellationToken ct = default);

    /// <summary>Marks a glob as tracked on an ensemble (stored; needs manageEnsembles).</summary>
    Task<TrackedSubtree> TrackAsync(ActingUser user, string ensemble, string glob, CancellationToken ct = default);

    /// <summary>Stops tracking a stored glob (the versions recorded so far are kept). Globs from settings cannot be removed here.</summary>
    Task UntrackAsync(ActingUser user, string ensemble, string glob, CancellationToken ct = default);

    /// <summary>The tracker's state per watched root (for the admin page).</summary>
    IReadOnlyList<TrackedRootStatus> GetStatus(ActingUser user, string ensemble);
}

/// <summary>A version cannot be written back (its content was over the cap, it is a deletion, or it is hidden).</summary>
public sealed class VersionNotRestorableException(string message) : Exception(message);

/// <summary>The version id given does not exist or belongs to another node.</summary>
public sealed class NodeVersionNotFoundException(string versionId, string path)
    : Exception($"Version '{versionId}' of {path} is not recorded (the id belongs to another node, or it does not exist). Reload the history and pick a version from it.")
{
    /// <summary>The id given.</summary>
    public string VersionId { get; } = versionId;
}
