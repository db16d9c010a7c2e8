using ZkDashboard.Core.Access;
using ZkDashboard.Core.Sessions;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Operations;

/// <summary>What kind of write is waiting for its outcome.</summary>
public enum PendingWriteKind
{
    /// <summary>A create (of <see cref="PendingWrite.Path"/> with <see cref="PendingWrite.Data"/>).</summary>
    Create,
    /// <summary>A setData at <see cref="PendingWrite.ExpectedVersion"/> (-1: any).</summary>
    SetData,
    /// <summary>A delete at <see cref="PendingWrite.ExpectedVersion"/> (-1: any).</summary>
    Delete,
}

/// <summary>
/// A write whose outcome is unknown (<see cref="WriteOutcomeUnknownException"/>): what was sent, so that a re-read can tell
/// whether it was applied.
/// </summary>
/// <param name="Kind">What was sent.</param>
/// <param name="Path">The node.</param>
/// <param name="Data">The data sent (create, setData); empty for a delete.</param>
/// <param name="ExpectedVersion">The version the write expected (setData, delete); -1 for any, unused for a create.</param>
public sealed record PendingWrite(PendingWriteKind Kind, string Path, ReadOnlyMemory<byte> Data, int ExpectedVersion)
{
    /// <summary>The audit record of the unknown outcome (<see cref="WriteOutcomeUnknownException.AuditId"/>); when set, the
    /// settlement is recorded as a linked audit record.</summary>
    public long? AuditId { get; init; }

    /// <summary>A create of <paramref name="path"/> with <paramref name="data"/>.</summary>
    public static PendingWrite Create(string path, ReadOnlyMemory<byte> data) => new(PendingWriteKind.Create, path, data, -1);

    /// <summary>A setData of <paramref name="path"/> expecting <paramref name="expectedVersion"/>.</summary>
    public static PendingWrite SetData(string path, ReadOnlyMemory<byte> data, int expectedVersion) => new(PendingWriteKind.SetData, path, data, expectedVersion);

    /// <summary>A delete of <paramref name="path"/> expecting <paramref name="expectedVersion"/>.</summary>
    public static PendingWrite Delete(string path, int expectedVersion) => new(PendingWriteKind.Delete, path, ReadOnlyMemory<byte>.Empty, expectedVersion);
}

/// <summary>How a re-read settled an unknown write.</summary>
public enum WriteVerdict
{
    /// <summary>The write was applied (create: the node has the data sent; setData: the data sent, one version on; delete: gone).</summary>
    Applied,
    /// <summary>The write was not applied: nothing changed (create: no node; setData/delete: still at the expected version).</summary>
    NotApplied,
    /// <summary>The node is in another state than either outcome would leave: someone else changed it meanwhile.</summary>
    ChangedByOthers,
    /// <summary>A setData whose node no longer exists (someone deleted it).</summary>
    NodeGone,
    /// <summary>The re-read failed too (the ensemble is still unreachable, or the read was refused); try again later.</summary>
    StillUnknown,
}

/// <summary>The verdict on an unknown write, with what the re-read saw.</summary>
/// <param name="Verdict">How it ended.</param>
/// <param name="Node">The node as re-read (create and setData, when it exists).</param>
/// <param name="Stat">The node's stat as re-read (null when it does not exist or the re-read failed).</param>
/// <param name="DataMatches">The node holds the data that was sent (create and setData).</param>
/// <param name="Error">Why the outcome is still unknown (<see cref="WriteVerdict.StillUnknown"/>).</param>
public sealed record SettledWrite(WriteVerdict Verdict, NodeDetails? Node, Stat? Stat, bool DataMatches, Exception? Error = null);

/// <summary>Settles a write whose outcome is unknown by re-reading the node through the operations boundary.</summary>
public static class UnknownWriteOutcomes
{
    /// <summary>
    /// Syncs, then re-reads the node of <paramref name="write"/> (reads through <see cref="IZooKeeperOperations"/>, so checked and audited)
    /// and tells whether the write was applied. Never guesses: when the re-read fails the verdict is
    /// <see cref="WriteVerdict.StillUnknown"/>.
    /// </summary>
    public static async Task<SettledWrite> SettleUnknownWriteAsync(this IZooKeeperOperations operations, ActingUser user, string ensemble,
        PendingWrite write, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(write);
        var settled = await SettleCoreAsync(operations, user, ensemble, write, ct).ConfigureAwait(false);
        if (write.AuditId is not null && settled.Verdict != WriteVerdict.StillUnknown)
        {
            await operations.RecordSettlementAsync(user, ensemble, write, settled, ct).ConfigureAwait(false);
        }
        return settled;
    }

    private static async Task<SettledWrite> SettleCoreAsync(IZooKeeperOperations operations, ActingUser user, string ensemble,
        PendingWrite write, CancellationToken ct)
    {
        try
        {
            // The write may have been applied by the leader while the server these reads go to lags behind (the reply was
            // lost, the session moved to another server, or the write went over another session): sync first, so that
            // "not applied" is never read from a stale server.
            await operations.SyncAsync(user, ensemble, write.Path, ct).ConfigureAwait(false);
            if (write.Kind == PendingWriteKind.Delete)
            {
                var stat = await operations.ExistsAsync(user, ensemble, write.Path, ct).ConfigureAwait(false);
                var verdict = stat is null ? WriteVerdict.Applied
                    : write.ExpectedVersion < 0 || stat.Version == write.ExpectedVersion ? WriteVerdict.NotApplied
                    : WriteVerdict.ChangedByOthers;
                return new SettledWrite(verdict, null, stat, false);
            }

            NodeDetails node;
            try
            {
                node = await operations.GetNodeAsync(user, ensemble, write.Path, ct).ConfigureAwait(false);
            }
            catch (NoNodeException)
            {
                return new SettledWrite(write.Kind == PendingWriteKind.Create ? WriteVerdict.NotApplied : WriteVerdict.NodeGone, null, null, false);
            }

            var mine = node.Data.AsSpan().SequenceEqual(write.Data.Span);
            if (write.Kind == PendingWriteKind.Create)
            {
                return new SettledWrite(mine ? WriteVerdict.Applied : WriteVerdict.ChangedByOthers, node, node.Stat, mine);
            }

            var setVerdict = mine && (write.ExpectedVersion < 0 || node.Stat.Version == write.ExpectedVersion + 1) ? WriteVerdict.Applied
                : write.ExpectedVersion >= 0 && node.Stat.Version == write.ExpectedVersion ? WriteVerdict.NotApplied
                : WriteVerdict.ChangedByOthers;
            return new SettledWrite(setVerdict, node, node.Stat, mine);
        }
        catch (Exception e) when (e is ZooKeeperException or EnsembleUnavailableException or UnknownEnsembleException or AccessDeniedException
                                      or NodeAccessDeniedException or TimeoutException)
        {
            return new SettledWrite(WriteVerdict.StillUnknown, null, null, false, e);
        }
    }
}
