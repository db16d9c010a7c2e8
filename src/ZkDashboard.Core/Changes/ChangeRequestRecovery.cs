using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Sessions;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Changes;

/// <summary>What recovery did with one request found in <see cref="ChangeRequestState.Applying"/>.</summary>
public enum ApplyingRecoveryOutcome
{
    /// <summary>The node holds the proposal: the request is now applied.</summary>
    Applied,
    /// <summary>The node does not hold the proposal: the request is pending again (approve it again).</summary>
    ReturnedToPending,
    /// <summary>The node could not be read (ensemble unreachable, read refused): still applying, tried again later.</summary>
    StillApplying,
    /// <summary>Applying began less than <see cref="ChangesOptions.StuckApplyingAfter"/> ago (it may still be under way,
    /// perhaps in another dashboard on the same store): left alone.</summary>
    NotDue,
    /// <summary>Someone else (another dashboard's recovery, or the apply itself) changed the request meanwhile.</summary>
    Raced,
}

/// <summary>One request looked at by recovery.</summary>
/// <param name="Id">The request.</param>
/// <param name="Outcome">What happened.</param>
/// <param name="Detail">What the re-read saw.</param>
public sealed record ApplyingRecovery(long Id, ApplyingRecoveryOutcome Outcome, string Detail);

/// <summary>
/// Settles change requests left in <see cref="ChangeRequestState.Applying"/> by a dashboard that stopped mid-apply: once a
/// request has been applying for longer than <see cref="ChangesOptions.StuckApplyingAfter"/>, its node is re-read (as the
/// system, through the operations boundary). When the node holds the proposal (create: it exists with the proposed data;
/// setData: the proposed data one version past the base; setAcl: the proposed ACL one ACL version past the base; delete:
/// the node is gone) the request becomes applied; otherwise it goes back to pending. When the node cannot be read it stays
/// applying and is tried again at the next sweep. Every transition is audited (operation <c>Recovery</c>); the state is
/// changed only if the row is unchanged since it was read, so two dashboards never both settle one request.
/// </summary>
public sealed partial class ChangeRequestRecovery(ChangeRequestStore store, IZooKeeperOperations operations, IAuditSink audit,
    IOptions<ChangesOptions> options, ILogger<ChangeRequestRecovery> logger)
{
    /// <summary>One sweep over every request in <see cref="ChangeRequestState.Applying"/>.</summary>
    public async Task<IReadOnlyList<ApplyingRecovery>> RecoverAsync(CancellationToken ct = default)
    {
        var rows = await store.QueryAsync(new ChangeRequestQuery { States = [ChangeRequestState.Applying], Limit = 1000 }, ct).ConfigureAwait(false);
        var now = store.Now;
        var result = new List<ApplyingRecovery>(rows.Count);
        foreach (var row in rows.OrderBy(r => r.Id))
        {
            // DecidedAt is when applying began; rows from before it was recorded there fall back to the proposal's time.
            var since = row.DecidedAt ?? row.CreatedAt;
            if (now - since < options.Value.StuckApplyingAfter)
            {
                result.Add(new ApplyingRecovery(row.Id, ApplyingRecoveryOutcome.NotDue, $"applying since {since:u}"));
                continue;
            }
            result.Add(await RecoverOneAsync(row, ct).ConfigureAwait(false));
        }
        return result;
    }

    private async Task<ApplyingRecovery> RecoverOneAsync(Store.ChangeRequestRecord row, CancellationToken ct)
    {
        var r = ChangeRequestStore.ToModel(row);
        NodeDetails? node;
        try
        {
            node = await operations.GetNodeAsync(ActingUser.System, r.Ensemble, r.Path, ct).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
            node = null;
        }
        catch (Exception ex) when (ex is ZooKeeperException or EnsembleUnavailableException or UnknownEnsembleException or AccessDeniedException
            or NodeAccessDeniedException or TimeoutException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            LogStillApplying(r.Id, r.Ensemble, r.Path, ex.Message);
            return new ApplyingRecovery(r.Id, ApplyingRecoveryOutcome.StillApplying, $"{r.Path} could not be read: {ex.Message}");
        }
        var (applied, seen) = Judge(r, node);
        if (applied is null)
        {
            LogStillApplying(r.Id, r.Ensemble, r.Path, seen);
            return new ApplyingRecovery(r.Id, ApplyingRecoveryOutcome.StillApplying, seen);
        }
        var op = new OperationContext(ActingUser.System, r.Ensemble, ZkOperationKind.ApproveChanges, r.Path);
        var reviewer = r.Reviewer ?? "an approver";
        if (applied == true)
        {
            var version = node is null ? (int?)null : r.Operation == ChangeOperation.SetAcl ? node.Stat.Aversion : node.Stat.Version;
            var text = r.Operation == ChangeOperation.Delete
                ? $"deleted {r.Path} (it was at version {r.BaseVersion})"
                : $"{(r.Operation == ChangeOperation.Create ? "created" : "wrote")} {r.Path}, now at {(r.Operation == ChangeOperation.SetAcl ? "ACL version" : "version")} {version}";
            var note = $"{text} (found applied by a re-read: the dashboard stopped while {reviewer} was applying it)";
            if (!await store.UpdateAsync(r.Id, row.Stamp, x =>
                {
                    x.State = ChangeRequestState.Applied.ToString();
                    x.Result = note;
                    x.ResultVersion = version;
                    x.ResultPath = r.Path;
                }, ct).ConfigureAwait(false))
            {
                return new ApplyingRecovery(r.Id, ApplyingRecoveryOutcome.Raced, "changed by someone else meanwhile");
            }
            await RecordAsync(op, AuditOutcome.Succeeded, $"change request #{r.Id} ({r.Describe()}) applying -> applied: {note}", r with { State = ChangeRequestState.Applied },
                node?.Stat).ConfigureAwait(false);
            LogSettled(r.Id, ChangeRequestState.Applied, seen);
            return new ApplyingRecovery(r.Id, ApplyingRecoveryOutcome.Applied, seen);
        }
        // A sequential create cannot be checked by a re-read: pending again (so it can be decided), but saying the outcome is unknown.
        var unknown = r.Operation == ChangeOperation.Create && r.CreateMode is { } m && IsSequential(m);
        var why = unknown
            ? $"the dashboard stopped while {reviewer} was applying it, and whether it was applied is unknown ({seen}); it is pending again"
            : $"the dashboard stopped while {reviewer} was applying it, and a re-read found it not applied ({seen}); it is pending again: approve it again";
        if (!await store.UpdateAsync(r.Id, row.Stamp, x =>
            {
                x.State = ChangeRequestState.Pending.ToString();
                x.Reviewer = null;
                x.ReviewerProvider = null;
                x.DecidedAt = null;
                x.Result = why;
            }, ct).ConfigureAwait(false))
        {
            return new ApplyingRecovery(r.Id, ApplyingRecoveryOutcome.Raced, "changed by someone else meanwhile");
        }
        await RecordAsync(op, unknown ? AuditOutcome.Unknown : AuditOutcome.Failed, $"change request #{r.Id} ({r.Describe()}) applying -> pending: {why}", r with { State = ChangeRequestState.Pending }, null)
            .ConfigureAwait(false);
        LogSettled(r.Id, ChangeRequestState.Pending, seen);
        return new ApplyingRecovery(r.Id, ApplyingRecoveryOutcome.ReturnedToPending, seen);
    }

    /// <summary>True: the node holds the proposal; false: it does not; null: the re-read cannot tell (it stays applying).</summary>
    internal static (bool? Applied, string Seen) Judge(ChangeRequest r, NodeDetails? node)
    {
        var inv = CultureInfo.InvariantCulture;
        switch (r.Operation)
        {
            case ChangeOperation.Delete:
                return node is null
                    ? (true, $"{r.Path} no longer exists")
                    : (false, string.Create(inv, $"{r.Path} still exists, at version {node.Stat.Version}"));
            case ChangeOperation.Create when r.CreateMode is { } mode && IsSequential(mode):
                // The name the server gave is not known, so a re-read of the path cannot tell; say so in the request's result.
                return (false, $"a sequential create gets its name from the server, so a re-read cannot tell whether it was applied: "
                    + $"look for a child of {Parent(r.Path)} named {Leaf(r.Path)}<number> with the proposed data before approving it again");
            case ChangeOperation.Create:
                if (node is null)
                {
                    return (false, $"{r.Path} does not exist");
                }
                if (node.DataHidden)
                {
                    return (null, $"{r.Path} exists, but its data cannot be read to compare");
                }
                return node.Data.AsSpan().SequenceEqual(r.ProposedData ?? [])
                    ? (true, string.Create(inv, $"{r.Path} exists with the proposed data (version {node.Stat.Version})"))
                    : (false, string.Create(inv, $"{r.Path} exists with other data (version {node.Stat.Version})"));
            case ChangeOperation.SetData:
                if (node is null)
                {
                    return (false, $"{r.Path} no longer exists");
                }
                if (node.DataHidden)
                {
                    return (null, $"{r.Path} exists, but its data cannot be read to compare");
                }
                var same = node.Data.AsSpan().SequenceEqual(r.ProposedData ?? []);
                return same && node.Stat.Version == r.BaseVersion + 1
                    ? (true, string.Create(inv, $"{r.Path} holds the proposed data at version {node.Stat.Version}, one past the base {r.BaseVersion}"))
                    : (false, string.Create(inv, $"{r.Path} is at version {node.Stat.Version} with {(same ? "the proposed" : "other")} data; the base was {r.BaseVersion}"));
            default:
                if (node is null)
                {
                    return (false, $"{r.Path} no longer exists");
                }
                if (node.Acl is null)
                {
                    return (null, $"the ACL of {r.Path} could not be read ({node.AclError})");
                }
                var sameAcl = SameAcl(node.Acl, r.ProposedAcl ?? []);
                return sameAcl && node.Stat.Aversion == r.BaseVersion + 1
                    ? (true, string.Create(inv, $"{r.Path} has the proposed ACL at ACL version {node.Stat.Aversion}, one past the base {r.BaseVersion}"))
                    : (false, string.Create(inv, $"{r.Path} is at ACL version {node.Stat.Aversion} with {(sameAcl ? "the proposed" : "another")} ACL; the base was {r.BaseVersion}"));
        }
    }

    private static bool IsSequential(CreateMode mode) => mode.ToString().Contains("Sequential", StringComparison.Ordinal);

    private static bool SameAcl(IReadOnlyList<Acl> a, IReadOnlyList<Acl> b)
        => a.Count == b.Count && a.Select(Key).Order(StringComparer.Ordinal).SequenceEqual(b.Select(Key).Order(StringComparer.Ordinal));

    private static string Key(Acl a) => $"{(int)a.Perms}:{a.Id.Scheme}:{a.Id.Ident}";

    private static string Parent(string path) => path.LastIndexOf('/') is var i and > 0 ? path[..i] : "/";

    private static string Leaf(string path) => path[(path.LastIndexOf('/') + 1)..];

    private Task RecordAsync(OperationContext op, AuditOutcome outcome, string detail, ChangeRequest r, Stat? stat)
        => audit.RecordAsync(new AuditRecord(store.Now, op, outcome, detail) { OperationName = "Recovery", Change = ChangeRequestStore.ChangeOf(r, stat) },
            CancellationToken.None).AsTask();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Change request #{Id} ({Ensemble}:{Path}) is stuck applying and stays so: {Why}; it is tried again at the next sweep")]
    private partial void LogStillApplying(long id, string ensemble, string path, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "Change request #{Id} was stuck applying and is now {State}: {Seen}")]
    private partial void LogSettled(long id, ChangeRequestState state, string seen);
}

/// <summary>Runs <see cref="ChangeRequestRecovery"/> at start-up and every <see cref="ChangesOptions.RecoveryInterval"/>.</summary>
internal sealed partial class ChangeRequestRecoveryService(ChangeRequestRecovery recovery, IOptions<ChangesOptions> options,
    ILogger<ChangeRequestRecoveryService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.RecoveryInterval > TimeSpan.Zero ? options.Value.RecoveryInterval : TimeSpan.FromMinutes(5);
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                await recovery.RecoverAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex, interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Recovering change requests stuck applying failed; it runs again in {Interval}")]
    private partial void LogFailed(Exception ex, TimeSpan interval);
}
