using ZkDashboard.Core.Access;
using ZkDashboard.Core.Audit;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Sessions;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Transfer;

// The apply's delete phase (mirror mode): deepest first, in multi batches, each at the version seen in the dry run.
public sealed partial class TransferService
{
    /// <summary>Deletes deepest first, in multi batches, each at the version seen in the dry run.</summary>
    private async Task DeleteBatchesAsync(ActingUser user, EnsembleSession session, List<PlanEntry> entries, ApplyState state, IProgress<BulkProgress>? progress, CancellationToken ct)
    {
        long done = 0;
        foreach (var chunk in entries.Chunk(_batchSize))
        {
            if (ct.IsCancellationRequested)
            {
                state.Cancelled = true;
                return;
            }
            state.Attempted += chunk.Length;
            var client = await session.GetClientAsync(CancellationToken.None).ConfigureAwait(false);
            var oneByOne = false;
            try
            {
                await client.MultiAsync(chunk.Select(e => (Op)Op.Delete(e.Path, e.ExpectedVersion)), CancellationToken.None).ConfigureAwait(false);
                foreach (var e in chunk)
                {
                    await DeletedAsync(user, session, e, state).ConfigureAwait(false);
                }
            }
            catch (MultiOperationException)
            {
                oneByOne = true;
            }
            catch (ConnectionLossException)
            {
                oneByOne = true; // re-read below: gone means deleted
            }
            if (oneByOne)
            {
                foreach (var e in chunk)
                {
                    try
                    {
                        client = await session.GetClientAsync(CancellationToken.None).ConfigureAwait(false);
                        if (await client.ExistsAsync(e.Path, false, CancellationToken.None).ConfigureAwait(false) is null)
                        {
                            await DeletedAsync(user, session, e, state).ConfigureAwait(false);
                            continue;
                        }
                        await client.DeleteAsync(e.Path, e.ExpectedVersion, CancellationToken.None).ConfigureAwait(false);
                        await DeletedAsync(user, session, e, state).ConfigureAwait(false);
                    }
                    catch (ConnectionLossException)
                    {
                        switch (await ReReadAsync(session, e).ConfigureAwait(false))
                        {
                            case true:
                                await DeletedAsync(user, session, e, state).ConfigureAwait(false);
                                break;
                            case false:
                                state.Failures.Add($"{e.Path}: not deleted (the connection was lost; it still exists) — try again");
                                break;
                            default:
                                state.Unknown.Add($"{e.Path}: the connection was lost and a re-read could not tell whether it was deleted");
                                break;
                        }
                    }
                    catch (BadVersionException)
                    {
                        state.Failures.Add($"{e.Path}: changed since the dry run; not deleted");
                    }
                    catch (NotEmptyException)
                    {
                        state.Failures.Add($"{e.Path}: has children that are not in the plan (created since the dry run); not deleted");
                    }
                    catch (ZooKeeperException ex)
                    {
                        state.Failures.Add($"{e.Path}: {ex.Code} ({ex.Message})");
                    }
                }
            }
            done += chunk.Length;
            progress?.Report(new BulkProgress("deleting", done, entries.Count, chunk[^1].Path));
        }
    }

    private async Task DeletedAsync(ActingUser user, EnsembleSession session, PlanEntry e, ApplyState state)
    {
        state.Deleted++;
        await AuditAsync(new OperationContext(user, session.Name, ZkOperationKind.Delete, e.Path), AuditOutcome.Succeeded, "import (mirror): deleted", null,
            new AuditChange { ExpectedVersion = e.ExpectedVersion, DataBefore = e.DataBefore, AclBefore = TransferAcl.Text(e.AclBefore) }).ConfigureAwait(false);
    }
}
