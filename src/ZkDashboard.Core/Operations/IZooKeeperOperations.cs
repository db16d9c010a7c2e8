using ZkDashboard.Core.Access;
using ZkDashboard.Core.Cache;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Operations;

/// <summary>
/// THE service boundary: every read and write a user triggers passes here, with the acting user. Each
/// call is checked by <see cref="IAccessPolicy"/> and recorded by <see cref="IAuditSink"/>.
/// </summary>
/// <remarks>
/// Errors: <see cref="Sessions.UnknownEnsembleException"/>, <see cref="Sessions.EnsembleUnavailableException"/>
/// (with the reason), <see cref="Sessions.EnsembleReadOnlyException"/> for writes to a read-only ensemble,
/// <see cref="AccessDeniedException"/>, <see cref="NodeAccessDeniedException"/> (ZooKeeper NoAuth, naming the
/// credentials used), and the client's typed exceptions (<see cref="NoNodeException"/>,
/// <see cref="BadVersionException"/>, <see cref="NodeExistsException"/>, <see cref="NotEmptyException"/>,
/// <see cref="InvalidPathException"/>, <see cref="DataTooLargeException"/>...). A write that loses its
/// connection is re-read: it returns with <see cref="WriteResult.ConfirmedAfterConnectionLoss"/> when it was
/// applied, throws <see cref="WriteNotAppliedException"/> when it was not, and
/// <see cref="WriteOutcomeUnknownException"/> when that cannot be told. It is never reported as a plain
/// success or failure.
/// </remarks>
public interface IZooKeeperOperations
{
    /// <summary>Data, stat and ACL of a node (and how the dashboard created it, when it did).</summary>
    Task<NodeDetails> GetNodeAsync(ActingUser user, string ensemble, string path, CancellationToken ct = default);

    /// <summary>The node's stat, or null when it does not exist.</summary>
    Task<Stat?> ExistsAsync(ActingUser user, string ensemble, string path, CancellationToken ct = default);

    /// <summary>
    /// ZooKeeper's sync on <paramref name="path"/> (a read: it needs no permission on the node): the server the next reads
    /// of this boundary go to has then caught up with every write the leader committed before it, including writes made
    /// over another session (a person's own identity, another client) or whose reply was lost.
    /// </summary>
    Task SyncAsync(ActingUser user, string ensemble, string path, CancellationToken ct = default);

    /// <summary>A page of a node's children from the shared node cache.</summary>
    Task<ChildrenPage> GetChildrenAsync(ActingUser user, string ensemble, string path, ChildrenQuery query, CancellationToken ct = default);

    /// <summary>Creates a node in any mode (TTL modes need the server's extended types); records mode and TTL.</summary>
    Task<WriteResult> CreateAsync(ActingUser user, string ensemble, CreateNodeRequest request, CancellationToken ct = default);

    /// <summary>Sets data if the node is at <paramref name="expectedVersion"/> (-1: any version, explicitly).</summary>
    Task<WriteResult> SetDataAsync(ActingUser user, string ensemble, string path, ReadOnlyMemory<byte> data, int expectedVersion, CancellationToken ct = default);

    /// <summary>Deletes a node if it is at <paramref name="expectedVersion"/> (-1: any version, explicitly).</summary>
    Task<WriteResult> DeleteAsync(ActingUser user, string ensemble, string path, int expectedVersion, CancellationToken ct = default);

    /// <summary>Sets the ACL if the node's ACL is at <paramref name="expectedAclVersion"/> (aversion; -1: any).</summary>
    Task<WriteResult> SetAclAsync(ActingUser user, string ensemble, string path, IReadOnlyList<Acl> acl, int expectedAclVersion, CancellationToken ct = default);

    /// <summary>Number of nodes in the subtree, the root included (getAllChildrenNumber + 1).</summary>
    Task<long> CountSubtreeAsync(ActingUser user, string ensemble, string path, CancellationToken ct = default);

    /// <summary>
    /// Deletes a subtree: counts it, lists it, then deletes deepest first in multi batches with progress.
    /// Cancellable between batches; the result says exactly how many nodes were deleted.
    /// </summary>
    Task<BulkResult> DeleteRecursiveAsync(ActingUser user, string ensemble, string path, IProgress<BulkProgress>? progress = null, CancellationToken ct = default);

    /// <summary>
    /// Copies (or moves, within one ensemble) a subtree with data and ACLs, in multi batches with progress.
    /// A dry run only counts and checks. Ephemeral source nodes are copied as persistent nodes.
    /// </summary>
    Task<BulkResult> CopySubtreeAsync(ActingUser user, CopyRequest request, IProgress<BulkProgress>? progress = null, CancellationToken ct = default);

    /// <summary>Ephemeral nodes owned by the dashboard's own session under a prefix (server getEphemerals).</summary>
    Task<IReadOnlyList<string>> GetEphemeralsAsync(ActingUser user, string ensemble, string prefixPath = "/", CancellationToken ct = default);

    /// <summary>Records how a re-read settled a write whose outcome was unknown, linked to that write's audit record
    /// (<see cref="PendingWrite.AuditId"/>). Called by <see cref="UnknownWriteOutcomes.SettleUnknownWriteAsync"/>.</summary>
    Task RecordSettlementAsync(ActingUser user, string ensemble, PendingWrite write, SettledWrite settled, CancellationToken ct = default)
        => Task.CompletedTask;
}
