using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Operations;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Changes;

/// <summary>The store-backed <see cref="IChangeRequests"/> (see there for the rules).</summary>
public sealed partial class ChangeRequests : IChangeRequests
{
    private readonly ChangeRequestStore _store;
    private readonly IZooKeeperOperations _operations;
    private readonly IAccessPolicy _policy;
    private readonly IAuditSink _audit;
    private readonly ILogger<ChangeRequests> _logger;

    /// <summary>Creates the service.</summary>
    public ChangeRequests(ChangeRequestStore store, IZooKeeperOperations operations, IAccessPolicy policy, IAuditSink audit, ILogger<ChangeRequests> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _operations = operations;
        _policy = policy;
        _audit = audit;
        _logger = logger;
        _store.Changed += (_, id) => Changed?.Invoke(this, id);
    }

    /// <inheritdoc />
    public event EventHandler<long>? Changed;

    /// <summary>The settings spelling of an operation (<c>setData</c>).</summary>
    public static string Name(ChangeOperation operation)
    {
        var s = operation.ToString();
        return char.ToLowerInvariant(s[0]) + s[1..];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChangeRequest>> ListAsync(ActingUser user, ChangeRequestQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(query);
        if (!user.IsAuthenticated && !user.IsSystem)
        {
            return [];
        }
        var rows = await _store.QueryAsync(query, ct).ConfigureAwait(false);
        var result = new List<ChangeRequest>(rows.Count);
        foreach (var row in rows)
        {
            if (await VisibleAsync(user, ChangeRequestStore.ToModel(row), ct).ConfigureAwait(false) is { } r)
            {
                result.Add(r);
            }
        }
        return result;
    }

    /// <inheritdoc />
    public async Task<ChangeRequest?> GetAsync(ActingUser user, long id, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var row = await _store.FindAsync(id, ct).ConfigureAwait(false);
        return row is null ? null : await VisibleAsync(user, ChangeRequestStore.ToModel(row), ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ChangeThreeWay> GetThreeWayAsync(ActingUser user, long id, CancellationToken ct = default)
    {
        var r = await GetAsync(user, id, ct).ConfigureAwait(false) ?? throw NotFound(id);
        return await ReadThreeWayAsync(user, r, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ChangeRequest> ApproveAsync(ActingUser user, long id, string? comment, CancellationToken ct = default)
    {
        var (r, row) = await LoadAsync(user, id, ct).ConfigureAwait(false);
        var op = Context(user, r, comment);
        if (r.IsAuthor(user))
        {
            await DeniedAsync(op, "Approval", $"self-approval of change request #{id} refused").ConfigureAwait(false);
            throw new AccessDeniedException(op, $"you wrote change request #{id}, and nobody may approve their own change (four-eyes), whatever their role: "
                + "someone else with approveChanges must approve it. Withdraw it if you changed your mind.");
        }
        await AuthorizeAsync(op, "Approval", ct).ConfigureAwait(false);
        if (r.State != ChangeRequestState.Pending)
        {
            throw new ChangeRequestStateException(r.State == ChangeRequestState.Conflict
                ? $"Change request #{id} is in conflict: {r.Path} moved on since its base version {r.BaseVersion}. Rebase it onto the server's version, or reject it."
                : $"Change request #{id} is {r.State.ToString().ToLowerInvariant()}, not pending; nothing to approve.");
        }
        var reviewer = user;
        var approvedAt = _store.Now;
        if (!await _store.UpdateAsync(id, row.Stamp, x =>
            {
                x.State = ChangeRequestState.Applying.ToString();
                x.Reviewer = reviewer.Name;
                x.ReviewerProvider = reviewer.Provider;
                x.Comment = comment;
                x.DecidedAt = approvedAt; // when applying began: recovery settles only requests applying for longer than StuckApplyingAfter
            }, ct).ConfigureAwait(false))
        {
            throw Raced(id);
        }
        row = (await _store.FindAsync(id, ct).ConfigureAwait(false))!;
        return await ApplyAsync(user, r, row.Stamp, comment, op, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ChangeRequest> RejectAsync(ActingUser user, long id, string comment, CancellationToken ct = default)
    {
        var (r, row) = await LoadAsync(user, id, ct).ConfigureAwait(false);
        var op = Context(user, r, comment);
        if (r.IsAuthor(user))
        {
            await DeniedAsync(op, "Rejection", $"rejecting own change request #{id} refused").ConfigureAwait(false);
            throw new AccessDeniedException(op, $"you wrote change request #{id}; a review is someone else's. Withdraw it instead.");
        }
        await AuthorizeAsync(op, "Rejection", ct).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(comment))
        {
            throw new ArgumentException("A rejection needs a comment saying why, so the author knows what to change.", nameof(comment));
        }
        RequireOpen(r, "reject");
        var decided = await DecideAsync(r, row, ChangeRequestState.Rejected, user, comment.Trim(), ct).ConfigureAwait(false);
        await RecordAsync(op, "Rejection", AuditOutcome.Succeeded, $"rejected change request #{id} ({r.Describe()}): {comment.Trim()}", decided).ConfigureAwait(false);
        return decided;
    }

    /// <inheritdoc />
    public async Task<ChangeRequest> WithdrawAsync(ActingUser user, long id, string? comment = null, CancellationToken ct = default)
    {
        var (r, row) = await LoadAsync(user, id, ct).ConfigureAwait(false);
        var op = Context(user, r, comment);
        if (!r.IsAuthor(user))
        {
            await DeniedAsync(op, "Withdrawal", $"withdrawing change request #{id} of {r.Author} refused").ConfigureAwait(false);
            throw new AccessDeniedException(op, $"only its author ({r.Author}) can withdraw change request #{id}; a reviewer rejects it instead.");
        }
        RequireOpen(r, "withdraw");
        var decided = await DecideAsync(r, row, ChangeRequestState.Withdrawn, user, comment, ct).ConfigureAwait(false);
        await RecordAsync(op, "Withdrawal", AuditOutcome.Succeeded, $"withdrew change request #{id} ({r.Describe()})", decided).ConfigureAwait(false);
        return decided;
    }

    /// <inheritdoc />
    public async Task<ChangeRequest> RebaseAsync(ActingUser user, long id, CancellationToken ct = default)
    {
        var (r, row) = await LoadAsync(user, id, ct).ConfigureAwait(false);
        var op = Context(user, r, null);
        if (!r.IsAuthor(user))
        {
            await AuthorizeAsync(op, "Rebase", ct).ConfigureAwait(false);
        }
        RequireOpen(r, "rebase");
        var now = await ReadThreeWayAsync(user, r, ct).ConfigureAwait(false);
        if (r.Operation == ChangeOperation.Create && now.ServerExists)
        {
            throw new ChangeRequestStateException($"{r.Path} exists now (version {now.ServerVersion}), so change request #{id} cannot create it. "
                + "Reject or withdraw it, and edit the node instead (that becomes a new request).");
        }
        if (r.Operation != ChangeOperation.Create && !now.ServerExists)
        {
            throw new ChangeRequestStateException($"{r.Path} no longer exists, so change request #{id} ({ChangeRequests.Name(r.Operation)}) has nothing to apply to. Reject or withdraw it.");
        }
        if (!now.Moved)
        {
            throw new ChangeRequestStateException($"{r.Path} is still at the base version {r.BaseVersion} of change request #{id}; there is nothing to rebase.");
        }
        var next = new Store.ChangeRequestRecord
        {
            Ensemble = row.Ensemble, Path = row.Path, Operation = row.Operation, ProposedData = row.ProposedData, ProposedAcl = row.ProposedAcl,
            CreateMode = row.CreateMode, TtlMs = row.TtlMs,
            BaseVersion = now.ServerVersion ?? -1,
            BaseData = r.Operation == ChangeOperation.SetAcl ? null : now.ServerData,
            BaseAcl = r.Operation == ChangeOperation.SetAcl ? ChangeRequestStore.AclText(now.ServerAcl) : null,
            Author = row.Author, AuthorProvider = row.AuthorProvider, Reason = row.Reason,
            CreatedAt = _store.Now, State = ChangeRequestState.Pending.ToString(),
            Revision = row.Revision + 1, PreviousId = row.Id, RebasedBy = user.Name, Stamp = Guid.NewGuid(),
        };
        // The old revision is closed first, so two rebases of one request cannot both succeed.
        if (!await _store.UpdateAsync(id, row.Stamp, x => x.State = ChangeRequestState.Superseded.ToString(), ct).ConfigureAwait(false))
        {
            throw Raced(id);
        }
        await _store.AddAsync(next, ct).ConfigureAwait(false);
        var current = (await _store.FindAsync(id, ct).ConfigureAwait(false))!;
        await _store.UpdateAsync(id, current.Stamp, x => x.SupersededById = next.Id, ct).ConfigureAwait(false);
        var rebased = ChangeRequestStore.ToModel(next);
        _store.OnChanged(next.Id);
        await RecordAsync(op, "Rebase", AuditOutcome.Succeeded,
            $"rebased change request #{id} onto version {next.BaseVersion} of {r.Path} as request #{next.Id} (revision {next.Revision})", rebased).ConfigureAwait(false);
        return rebased;
    }

    private async Task<ChangeRequest> ApplyAsync(ActingUser user, ChangeRequest r, Guid stamp, string? comment, OperationContext op, CancellationToken ct)
    {
        var action = r.Operation switch
        {
            ChangeOperation.Create => AccessAction.Create,
            ChangeOperation.SetData => AccessAction.SetData,
            ChangeOperation.Delete => AccessAction.Delete,
            _ => AccessAction.SetAcl,
        };
        // The approver's identity, allowed to write exactly this node for this request (past the approval requirement).
        var approver = user with { Approval = new ApprovalGrant(r.Id, r.Ensemble, r.Path, action) };
        WriteResult written;
        try
        {
            written = r.Operation switch
            {
                ChangeOperation.Create => await _operations.CreateAsync(approver, r.Ensemble,
                    new CreateNodeRequest(r.Path, r.ProposedData ?? [], r.ProposedAcl ?? Acls.OpenUnsafe, r.CreateMode ?? CreateMode.Persistent, r.TtlMs), ct).ConfigureAwait(false),
                ChangeOperation.SetData => await _operations.SetDataAsync(approver, r.Ensemble, r.Path, r.ProposedData ?? [], r.BaseVersion, ct).ConfigureAwait(false),
                ChangeOperation.Delete => await _operations.DeleteAsync(approver, r.Ensemble, r.Path, r.BaseVersion, ct).ConfigureAwait(false),
                _ => await _operations.SetAclAsync(approver, r.Ensemble, r.Path, r.ProposedAcl ?? [], r.BaseVersion, ct).ConfigureAwait(false),
            };
        }
        catch (Exception ex) when (ex is BadVersionException or NoNodeException or NodeExistsException)
        {
            return await ConflictAsync(user, r, stamp, op, ex, ct).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Not applied (or unknown): back to pending, with what happened, so it can be approved again.
            var unknown = ex is WriteOutcomeUnknownException;
            await _store.UpdateAsync(r.Id, stamp, x =>
            {
                x.State = ChangeRequestState.Pending.ToString();
                x.Reviewer = null;
                x.ReviewerProvider = null;
                x.DecidedAt = null;
                x.Result = (unknown ? "outcome unknown when " : "applying failed when ") + $"{user.Name} approved it: {ex.Message}";
            }, CancellationToken.None).ConfigureAwait(false);
            await RecordAsync(op, "Approval", unknown ? AuditOutcome.Unknown : AuditOutcome.Failed,
                $"approving change request #{r.Id} ({r.Describe()}): {(ex is OperationCanceledException ? "cancelled" : ex.Message)}; it stays pending", r).ConfigureAwait(false);
            throw;
        }
        return await AppliedAsync(user, r, stamp, comment, op, written.Path, written.Stat,
            written.ConfirmedAfterConnectionLoss ? " (the connection was lost during the write; a re-read confirmed it)" : "").ConfigureAwait(false);
    }

    private async Task<ChangeRequest> AppliedAsync(ActingUser user, ChangeRequest r, Guid stamp, string? comment, OperationContext op, string path, Stat? stat, string note,
        int? knownVersion = null)
    {
        var version = stat is null ? knownVersion : r.Operation == ChangeOperation.SetAcl ? stat.Aversion : stat.Version;
        var result = r.Operation == ChangeOperation.Delete
            ? $"deleted {path} (it was at version {r.BaseVersion}){note}"
            : $"{(r.Operation == ChangeOperation.Create ? "created" : "wrote")} {path}, now at {(r.Operation == ChangeOperation.SetAcl ? "ACL version" : "version")} {version}{note}";
        var now = _store.Now;
        await _store.UpdateAsync(r.Id, stamp, x =>
        {
            x.State = ChangeRequestState.Applied.ToString();
            x.Reviewer = user.Name;
            x.ReviewerProvider = user.Provider;
            x.Comment = comment;
            x.DecidedAt = now;
            x.Result = result;
            x.ResultVersion = version;
            x.ResultPath = path;
        }, CancellationToken.None).ConfigureAwait(false);
        var applied = r with
        {
            State = ChangeRequestState.Applied, Reviewer = user.Name, ReviewerProvider = user.Provider, Comment = comment, DecidedAt = now,
            Result = result, ResultVersion = version, ResultPath = path,
        };
        await RecordAsync(op, "Approval", AuditOutcome.Succeeded, $"approved and applied change request #{r.Id} by {r.Author}: {result}", applied, stat).ConfigureAwait(false);
        return applied;
    }

    private async Task<ChangeRequest> ConflictAsync(ActingUser user, ChangeRequest r, Guid stamp, OperationContext op, Exception refusal, CancellationToken ct)
    {
        ChangeThreeWay three;
        try
        {
            three = await ReadThreeWayAsync(user, r, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ZooKeeperException or AccessDeniedException or NodeAccessDeniedException or Sessions.EnsembleUnavailableException)
        {
            three = new ChangeThreeWay(r, false, null, null, null, true);
            LogReReadFailed(_logger, ex, r.Id);
        }
        if (r.Operation == ChangeOperation.SetData && three.ServerExists && three.ServerVersion == r.BaseVersion + 1
            && (three.ServerData ?? []).AsSpan().SequenceEqual(r.ProposedData ?? []))
        {
            // An earlier approval whose outcome was unknown had been applied after all: the node holds exactly the proposal, one version on.
            return await AppliedAsync(user, r, stamp, op.Reason, op, r.Path, null, " (found applied by a re-read: an earlier attempt had written it)",
                three.ServerVersion).ConfigureAwait(false);
        }
        var why = three.ServerExists
            ? $"{r.Path} is at {(r.Operation == ChangeOperation.SetAcl ? "ACL version" : "version")} {three.ServerVersion}, not the base version {r.BaseVersion} of the request"
            : r.Operation == ChangeOperation.Create ? $"{r.Path} exists now" : $"{r.Path} no longer exists";
        if (r.Operation == ChangeOperation.Create && refusal is NodeExistsException)
        {
            why = $"{r.Path} exists now (version {three.ServerVersion})";
        }
        await _store.UpdateAsync(r.Id, stamp, x =>
        {
            x.State = ChangeRequestState.Conflict.ToString();
            x.Reviewer = null;
            x.ReviewerProvider = null;
            x.DecidedAt = null;
            x.Result = $"not applied when {user.Name} approved it: {why}";
            x.ServerVersion = three.ServerVersion;
            x.ServerData = three.ServerData;
            x.ServerAcl = ChangeRequestStore.AclText(three.ServerAcl);
            x.ServerNodeMissing = !three.ServerExists;
        }, CancellationToken.None).ConfigureAwait(false);
        var conflicted = r with
        {
            State = ChangeRequestState.Conflict, ServerVersion = three.ServerVersion, ServerData = three.ServerData, ServerAcl = three.ServerAcl,
            ServerNodeMissing = !three.ServerExists, Result = $"not applied when {user.Name} approved it: {why}",
        };
        await RecordAsync(op, "Approval", AuditOutcome.Failed, $"change request #{r.Id} not applied: {why} (conflict: rebase or reject)", conflicted).ConfigureAwait(false);
        throw new ChangeConflictException(three with { Request = conflicted },
            $"Change request #{r.Id} was not applied: {why}. Nothing was written. Compare base, server and proposed, then rebase it onto the server's version or reject it.");
    }

    private async Task<ChangeThreeWay> ReadThreeWayAsync(ActingUser user, ChangeRequest r, CancellationToken ct)
    {
        NodeDetails node;
        try
        {
            node = await _operations.GetNodeAsync(user, r.Ensemble, r.Path, ct).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
            return new ChangeThreeWay(r, false, null, null, null, r.Operation != ChangeOperation.Create);
        }
        var version = r.Operation == ChangeOperation.SetAcl ? node.Stat.Aversion : node.Stat.Version;
        var moved = r.Operation == ChangeOperation.Create || version != r.BaseVersion;
        return new ChangeThreeWay(r, true, version, node.DataHidden ? null : node.Data, node.Acl, moved);
    }

    private async Task<(ChangeRequest Request, Store.ChangeRequestRecord Row)> LoadAsync(ActingUser user, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.IsAuthenticated && !user.IsSystem)
        {
            throw new AccessDeniedException(new OperationContext(user, "*", ZkOperationKind.ApproveChanges, "/"), "nobody is signed in; sign in first.");
        }
        var row = await _store.FindAsync(id, ct).ConfigureAwait(false) ?? throw NotFound(id);
        var r = ChangeRequestStore.ToModel(row);
        if (await VisibleAsync(user, r, ct).ConfigureAwait(false) is null)
        {
            throw NotFound(id);
        }
        return (r, row);
    }

    private async Task<ChangeRequest?> VisibleAsync(ActingUser user, ChangeRequest r, CancellationToken ct)
    {
        var scope = await _policy.GetReadScopeAsync(user, r.Ensemble, r.Path, ct).ConfigureAwait(false);
        if (!scope.HasFlag(ReadScope.Node) && !r.IsAuthor(user))
        {
            return null;
        }
        return scope.HasFlag(ReadScope.Data)
            ? r
            : r with { ProposedData = r.ProposedData is null ? null : [], BaseData = r.BaseData is null ? null : [], ServerData = r.ServerData is null ? null : [], DataHidden = true };
    }

    private static void RequireOpen(ChangeRequest r, string step)
    {
        if (r.State is not (ChangeRequestState.Pending or ChangeRequestState.Conflict))
        {
            throw new ChangeRequestStateException($"Change request #{r.Id} is {r.State.ToString().ToLowerInvariant()}; only pending or conflicting requests can be {(step == "reject" ? "rejected" : step == "withdraw" ? "withdrawn" : "rebased")}.");
        }
    }

    private async Task<ChangeRequest> DecideAsync(ChangeRequest r, Store.ChangeRequestRecord row, ChangeRequestState state, ActingUser user, string? comment, CancellationToken ct)
    {
        var now = _store.Now;
        if (!await _store.UpdateAsync(r.Id, row.Stamp, x =>
            {
                x.State = state.ToString();
                x.Reviewer = user.Name;
                x.ReviewerProvider = user.Provider;
                x.Comment = comment;
                x.DecidedAt = now;
            }, ct).ConfigureAwait(false))
        {
            throw Raced(r.Id);
        }
        return r with { State = state, Reviewer = user.Name, ReviewerProvider = user.Provider, Comment = comment, DecidedAt = now };
    }

    private static OperationContext Context(ActingUser user, ChangeRequest r, string? comment)
        => new(user, r.Ensemble, ZkOperationKind.ApproveChanges, r.Path) { Reason = comment };

    private async Task AuthorizeAsync(OperationContext op, string name, CancellationToken ct)
    {
        try
        {
            await _policy.AuthorizeAsync(op, ct).ConfigureAwait(false);
        }
        catch (AccessDeniedException ex)
        {
            await DeniedAsync(op, name, ex.Reason).ConfigureAwait(false);
            throw;
        }
    }

    private Task DeniedAsync(OperationContext op, string name, string detail)
        => _audit.RecordAsync(new AuditRecord(_store.Now, op, AuditOutcome.Denied, detail) { OperationName = name }, CancellationToken.None).AsTask();

    private Task RecordAsync(OperationContext op, string name, AuditOutcome outcome, string detail, ChangeRequest r, Stat? result = null)
        => _audit.RecordAsync(new AuditRecord(_store.Now, op, outcome, detail) { OperationName = name, Change = ChangeRequestStore.ChangeOf(r, result) },
            CancellationToken.None).AsTask();

    private static ChangeRequestStateException NotFound(long id) => new($"There is no change request #{id} (or you may not see it).");

    private static ChangeRequestStateException Raced(long id) => new($"Change request #{id} was changed by someone else just now; reload it and decide again.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-reading the node of change request #{Id} after a refused apply failed")]
    private static partial void LogReReadFailed(ILogger logger, Exception ex, long id);
}
