using ZkDashboard.Core.Access;
using ZkDashboard.Core.Audit;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Sessions;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Transfer;

// The apply's ACL phase: one setACL per node (it cannot be part of a multi), up to AclConcurrency at once; a lost connection is settled by a re-read.
public sealed partial class TransferService
{
    private const int AclConcurrency = 64;

    /// <summary>ACL changes, a few at a time (setACL cannot be part of a multi).</summary>
    private async Task WriteAclsAsync(ActingUser user, EnsembleSession session, List<PlanEntry> entries, ApplyState state, IProgress<BulkProgress>? progress, CancellationToken ct)
    {
        long done = 0;
        foreach (var chunk in entries.Chunk(AclConcurrency))
        {
            if (ct.IsCancellationRequested)
            {
                state.Cancelled = true;
                return;
            }
            state.Attempted += chunk.Count(e => !e.WritesData);
            var client = await session.GetClientAsync(CancellationToken.None).ConfigureAwait(false);
            var results = await Task.WhenAll(chunk.Select(async e =>
            {
                try
                {
                    var stat = await client.SetAclAsync(e.Path, e.AclAfter!, e.ExpectedAclVersion, CancellationToken.None).ConfigureAwait(false);
                    return (e, (string?)null, (Stat?)stat, false);
                }
                catch (ConnectionLossException)
                {
                    return (e, (string?)"the connection was lost while setting the ACL", (Stat?)null, true);
                }
                catch (BadVersionException)
                {
                    return (e, (string?)$"the ACL changed since the dry run (expected ACL version {e.ExpectedAclVersion}); not written", (Stat?)null, false);
                }
                catch (ZooKeeperException ex)
                {
                    return (e, (string?)$"{ex.Code} ({ex.Message})", (Stat?)null, false);
                }
            })).ConfigureAwait(false);
            foreach (var (e, error, stat, lost) in results)
            {
                if (error is null)
                {
                    if (!e.WritesData)
                    {
                        state.AclChangedOnly++;
                    }
                    await AuditAsync(new OperationContext(user, session.Name, ZkOperationKind.SetAcl, e.Path), AuditOutcome.Succeeded, "import: ACL set", null,
                        new AuditChange { ExpectedVersion = e.ExpectedAclVersion, ResultVersion = stat?.Aversion, AclBefore = TransferAcl.Text(e.AclBefore), AclAfter = TransferAcl.Text(e.AclAfter) }).ConfigureAwait(false);
                }
                else if (lost)
                {
                    // Re-read: the ACL either is the one sent (applied) or the old one (not applied).
                    var verdict = await ReReadAclAsync(session, e).ConfigureAwait(false);
                    if (verdict == true)
                    {
                        if (!e.WritesData)
                        {
                            state.AclChangedOnly++;
                        }
                    }
                    else if (verdict == false)
                    {
                        state.Failures.Add($"{e.Path}: ACL not written (the connection was lost; a re-read shows the old ACL) — try again");
                    }
                    else
                    {
                        state.Unknown.Add($"{e.Path}: the connection was lost and a re-read could not tell whether the ACL was written");
                    }
                }
                else
                {
                    state.Failures.Add($"{e.Path}: {error}");
                }
            }
            done += chunk.Length;
            progress?.Report(new BulkProgress("setting ACLs", done, entries.Count, chunk[^1].Path));
        }
    }

    private static async Task<bool?> ReReadAclAsync(EnsembleSession session, PlanEntry e)
    {
        try
        {
            var client = await session.GetClientAsync(CancellationToken.None).ConfigureAwait(false);
            var now = await client.GetAclAsync(e.Path, CancellationToken.None).ConfigureAwait(false);
            return TransferAcl.Equal(now.Acl, e.AclAfter) ? true : now.Stat.Aversion == e.ExpectedAclVersion ? false : null;
        }
        catch (Exception ex) when (ex is ZooKeeperException or EnsembleUnavailableException)
        {
            return null;
        }
    }
}
