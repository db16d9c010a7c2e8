using ZkDashboard.Core.Access;

namespace ZkDashboard.Core.Changes;

/// <summary>
/// Four-eyes change requests. A binding may mark path globs <c>RequireApproval</c>; where a person's only grant for a
/// create, setData, delete or setAcl requires approval, <see cref="Operations.IZooKeeperOperations"/> does not send the
/// write but stores it here (<see cref="ChangeRequestSubmittedException"/>). Someone else with
/// <see cref="AccessAction.ApproveChanges"/> on the node applies it (a versioned write at the request's base version) or
/// rejects it, with a comment.
/// </summary>
/// <remarks>
/// Rules: the author can never approve, apply or reject their own request (same user name, any provider, any role);
/// they may withdraw it. When the node moved on since the base, applying is refused and the request goes to
/// <see cref="ChangeRequestState.Conflict"/> with the three-way data; then the author or an approver rebases it (a new
/// revision with the server's current version and content as base and the same proposed content, still authored by the
/// author; the old one becomes <see cref="ChangeRequestState.Superseded"/>), and an approver other than the author
/// applies that, or rejects. Seeing requests needs read on the node (data under a sensitive-data mask needs readData).
/// Every step is audited (<c>ChangeRequest</c>, <c>Approval</c>, <c>Rejection</c>, <c>Withdrawal</c>, <c>Rebase</c>, and
/// <c>Recovery</c> when <see cref="ChangeRequestRecovery"/> settles a request left applying by a dashboard that stopped).
/// </remarks>
public interface IChangeRequests
{
    /// <summary>Requests the user may see, newest first.</summary>
    Task<IReadOnlyList<ChangeRequest>> ListAsync(ActingUser user, ChangeRequestQuery query, CancellationToken ct = default);

    /// <summary>One request, or null (missing, or not readable for this user).</summary>
    Task<ChangeRequest?> GetAsync(ActingUser user, long id, CancellationToken ct = default);

    /// <summary>Base, the server now, and proposed (reads the node as the user).</summary>
    Task<ChangeThreeWay> GetThreeWayAsync(ActingUser user, long id, CancellationToken ct = default);

    /// <summary>Approves and applies (versioned write at the base version). Throws <see cref="AccessDeniedException"/>
    /// (self-approval, or no approveChanges), <see cref="ChangeConflictException"/> when the node moved on, and
    /// <see cref="ChangeRequestStateException"/> when the request is not pending.</summary>
    Task<ChangeRequest> ApproveAsync(ActingUser user, long id, string? comment, CancellationToken ct = default);

    /// <summary>Rejects, with a comment (required: the author should learn why).</summary>
    Task<ChangeRequest> RejectAsync(ActingUser user, long id, string comment, CancellationToken ct = default);

    /// <summary>The author takes the request back.</summary>
    Task<ChangeRequest> WithdrawAsync(ActingUser user, long id, string? comment = null, CancellationToken ct = default);

    /// <summary>A new revision based on the server's current node (author or approver); returns the new request.</summary>
    Task<ChangeRequest> RebaseAsync(ActingUser user, long id, CancellationToken ct = default);

    /// <summary>Raised after any request was added or changed (its id); handlers must not block.</summary>
    event EventHandler<long>? Changed;
}
