using ZkDashboard.Core.Access;
using ZkDashboard.Core.Changes;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Operations;

public sealed partial class ZooKeeperOperations
{
    /// <summary>
    /// The user's only grant for this write requires approval: the write is NOT sent. Reads the node as it is now (the
    /// base the change will be applied to), refuses what the write itself would refuse (a stale expected version, a node
    /// that exists or is missing), stores the change request and throws <see cref="ChangeRequestSubmittedException"/>.
    /// </summary>
    private async Task SubmitForApprovalAsync(OperationContext op, ApprovalRequiredException denied, ChangeProposal proposal, CancellationToken ct)
    {
        ChangeRequest request;
        try
        {
            var session = _sessions.Get(op.Ensemble);
            EnsureWritable(session);
            PathUtils.Validate(proposal.Path, proposal.Mode?.IsSequential() == true);
            var client = await session.GetClientAsync(ct).ConfigureAwait(false);
            var @base = await ReadBaseAsync(client, proposal, ct).ConfigureAwait(false);
            request = await _changeRequests!.SubmitAsync(op, proposal, @base, ct).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await AuditAsync(op, AuditOutcome.Failed, "could not be submitted for approval: " + (ex is OperationCanceledException ? "cancelled" : ex.Message)).ConfigureAwait(false);
            throw;
        }
        throw new ChangeRequestSubmittedException(request, denied.Reason);
    }

    private static async Task<ChangeBase> ReadBaseAsync(ZooKeeperClient client, ChangeProposal p, CancellationToken ct)
    {
        switch (p.Operation)
        {
            case ChangeOperation.Create:
                if (!(p.Mode?.IsSequential() ?? false) && await client.ExistsAsync(p.Path, false, ct).ConfigureAwait(false) is not null)
                {
                    throw new NodeExistsException(p.Path, $"{p.Path} already exists; nothing to submit.");
                }
                return new ChangeBase(-1, null, null, 0);
            case ChangeOperation.SetAcl:
            {
                var now = await client.GetAclAsync(p.Path, ct).ConfigureAwait(false);
                CheckVersion(p, now.Stat.Aversion, "ACL version");
                return new ChangeBase(now.Stat.Aversion, null, now.Acl, now.Stat.Mzxid);
            }
            default:
            {
                var now = await client.GetDataAsync(p.Path, false, ct).ConfigureAwait(false);
                CheckVersion(p, now.Stat.Version, "version");
                if (p.Operation == ChangeOperation.Delete && now.Stat.NumChildren > 0)
                {
                    throw new NotEmptyException(p.Path, $"{p.Path} has {now.Stat.NumChildren} children; a change request deletes one node, delete its children first.");
                }
                return new ChangeBase(now.Stat.Version, now.Data, null, now.Stat.Mzxid);
            }
        }
    }

    private static void CheckVersion(ChangeProposal p, int actual, string what)
    {
        if (p.ExpectedVersion >= 0 && p.ExpectedVersion != actual)
        {
            throw new BadVersionException(p.Path, p.ExpectedVersion, actual,
                $"{p.Path} is at {what} {actual}, not {p.ExpectedVersion}: someone changed it since you started; nothing was submitted.");
        }
    }
}
