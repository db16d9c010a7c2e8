using Microsoft.Extensions.Logging;

namespace ZkDashboard.Core.Access;

/// <summary>What an operation does, for access checks and the audit log.</summary>
public enum ZkOperationKind
{
    /// <summary>Read data, stat, ACL or children.</summary>
    Read,
    /// <summary>Create a node.</summary>
    Create,
    /// <summary>Set a node's data.</summary>
    SetData,
    /// <summary>Delete one node.</summary>
    Delete,
    /// <summary>Delete a subtree.</summary>
    DeleteRecursive,
    /// <summary>Set a node's ACL.</summary>
    SetAcl,
    /// <summary>Copy a subtree (within or across ensembles).</summary>
    Copy,
    /// <summary>Move or rename a subtree within an ensemble.</summary>
    Move,
    /// <summary>Subscribe to watch events.</summary>
    Watch,
    /// <summary>Run a four-letter word against a server.</summary>
    FourLetterWord,
    /// <summary>Change the ensemble's membership.</summary>
    Reconfig,
    /// <summary>Acknowledge a health alert.</summary>
    AcknowledgeAlert,
    /// <summary>Add, edit or remove an ensemble (path is <c>/</c>).</summary>
    ManageEnsembles,
    /// <summary>Change access bindings (path is <c>/</c>; the ensemble is the binding's ensemble glob).</summary>
    ManageAccess,
    /// <summary>Approve, reject or rebase a change request (the path is the request's node).</summary>
    ApproveChanges,
}

/// <summary>One operation as the access policy and the audit log see it.</summary>
/// <param name="User">Who.</param>
/// <param name="Ensemble">Where.</param>
/// <param name="Kind">What.</param>
/// <param name="Path">On which node.</param>
/// <param name="TargetEnsemble">For copy and move: the destination ensemble.</param>
/// <param name="TargetPath">For copy and move: the destination path.</param>
public sealed record OperationContext(ActingUser User, string Ensemble, ZkOperationKind Kind, string Path,
    string? TargetEnsemble = null, string? TargetPath = null)
{
    /// <summary>True for operations that change nothing.</summary>
    public bool IsRead => Kind is ZkOperationKind.Read or ZkOperationKind.Watch;

    /// <summary>The person's reason for a change (optional text; required on configured path globs), for the audit log.</summary>
    public string? Reason { get; init; }
}

/// <summary>
/// Decides whether a user may run an operation. Every call through
/// <see cref="Operations.IZooKeeperOperations"/> (and every other Core service that a person triggers) asks it
/// first and records a refusal with <see cref="IAuditSink"/>. The real policy is <see cref="AccessPolicy"/>
/// (registered by <c>AddZkDashboardAccess</c>, part of <c>AddZkDashboardCore</c>).
/// </summary>
public interface IAccessPolicy
{
    /// <summary>Returns normally when allowed; throws <see cref="AccessDeniedException"/> otherwise.</summary>
    ValueTask AuthorizeAsync(OperationContext operation, CancellationToken ct);

    /// <summary>Whether <paramref name="user"/> may do <paramref name="action"/> at <paramref name="path"/>, without throwing
    /// (for the UI: hide or disable a control and show <see cref="AccessDecision.Reason"/>).</summary>
    async ValueTask<AccessDecision> CanAsync(ActingUser user, string ensemble, AccessAction action, string path, CancellationToken ct = default)
    {
        var kind = action switch
        {
            AccessAction.Read or AccessAction.ReadData => ZkOperationKind.Read,
            AccessAction.Watch => ZkOperationKind.Watch,
            AccessAction.Create => ZkOperationKind.Create,
            AccessAction.SetData => ZkOperationKind.SetData,
            AccessAction.Delete => ZkOperationKind.Delete,
            AccessAction.DeleteRecursive => ZkOperationKind.DeleteRecursive,
            AccessAction.SetAcl => ZkOperationKind.SetAcl,
            AccessAction.CopyMove => ZkOperationKind.Copy,
            AccessAction.FourLetterWords => ZkOperationKind.FourLetterWord,
            AccessAction.Reconfig => ZkOperationKind.Reconfig,
            AccessAction.AcknowledgeAlerts => ZkOperationKind.AcknowledgeAlert,
            AccessAction.ManageEnsembles => ZkOperationKind.ManageEnsembles,
            AccessAction.ApproveChanges => ZkOperationKind.ApproveChanges,
            _ => ZkOperationKind.ManageAccess,
        };
        try
        {
            await AuthorizeAsync(new OperationContext(user, ensemble, kind, path), ct).ConfigureAwait(false);
            return new AccessDecision(true, action, ensemble, path, "allowed", null);
        }
        catch (AccessDeniedException ex)
        {
            return new AccessDecision(false, action, ensemble, path, ex.Reason, null) { RequiresApproval = ex is ApprovalRequiredException };
        }
    }

    /// <summary>What <paramref name="user"/> may see at <paramref name="path"/> (filters children, search results and events).</summary>
    async ValueTask<ReadScope> GetReadScopeAsync(ActingUser user, string ensemble, string path, CancellationToken ct = default)
        => (await CanAsync(user, ensemble, AccessAction.Read, path, ct).ConfigureAwait(false)).Allowed
            ? ReadScope.Browse | ReadScope.Node | ReadScope.Data
            : ReadScope.None;

    /// <summary>Whether some binding could allow <paramref name="action"/> at <paramref name="path"/> or at a node below it
    /// (lets a person browse and watch the way down to what they may see).</summary>
    async ValueTask<bool> CanAtOrBelowAsync(ActingUser user, string ensemble, AccessAction action, string path, CancellationToken ct = default)
        => (await CanAsync(user, ensemble, action, path, ct).ConfigureAwait(false)).Allowed;

    /// <summary>"Why can/can't I": every action for <paramref name="user"/> at <paramref name="path"/>, with the bindings considered.</summary>
    async ValueTask<IReadOnlyList<AccessExplanation>> ExplainAsync(ActingUser user, string ensemble, string path, CancellationToken ct = default)
    {
        var result = new List<AccessExplanation>();
        foreach (var action in AccessActions.All)
        {
            result.Add(new AccessExplanation(await CanAsync(user, ensemble, action, path, ct).ConfigureAwait(false), []));
        }
        return result;
    }
}

/// <summary>
/// A policy for tests of other parts that are not about access: allows every signed-in user (and the system)
/// everything, and nothing to <see cref="ActingUser.Anonymous"/> or any unauthenticated user.
/// </summary>
public sealed class AllowAllAccessPolicy : IAccessPolicy
{
    /// <inheritdoc />
    public ValueTask AuthorizeAsync(OperationContext operation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return operation.User.IsSystem || operation.User.IsAuthenticated
            ? ValueTask.CompletedTask
            : throw new AccessDeniedException(operation, "nobody is signed in; sign in first.");
    }
}

/// <summary>The dashboard's access policy refused an operation (this is not ZooKeeper's NoAuth).</summary>
public class AccessDeniedException(OperationContext operation, string reason)
    : Exception($"{operation.User.Name} may not {operation.Kind} {operation.Path} on ensemble '{operation.Ensemble}': {reason}")
{
    /// <summary>The refused operation.</summary>
    public OperationContext Operation { get; } = operation;

    /// <summary>Why, in words a person can act on ("setData needs operator on /configs/a … — ask an admin").</summary>
    public string Reason { get; } = reason;
}

/// <summary>
/// The user may do this only through a change request: every binding that grants the action here marks the path
/// <c>RequireApproval</c>. The boundary's create, setData, delete and setAcl turn it into a stored change request
/// (<see cref="Changes.ChangeRequestSubmittedException"/>); every other caller sees a refusal.
/// </summary>
public sealed class ApprovalRequiredException(OperationContext operation, string reason, AccessBinding? binding)
    : AccessDeniedException(operation, reason)
{
    /// <summary>The binding that grants the action with approval.</summary>
    public AccessBinding? Binding { get; } = binding;
}

/// <summary>How an audited operation ended.</summary>
public enum AuditOutcome
{
    /// <summary>Done.</summary>
    Succeeded,
    /// <summary>Refused or failed; nothing (or, for bulk operations, nothing more) changed.</summary>
    Failed,
    /// <summary>Refused by the access policy.</summary>
    Denied,
    /// <summary>Part of a bulk operation was done (cancelled or failed midway).</summary>
    Partial,
    /// <summary>The connection was lost and the outcome could not be determined.</summary>
    Unknown,
    /// <summary>An intent: stored before a write is sent; the outcome record links to it (<see cref="Audit.AuditChange.LinkedId"/>).
    /// An intent with no outcome means the dashboard stopped meanwhile: re-read the node to know.</summary>
    Pending,
}

/// <summary>One audit record.</summary>
public sealed record AuditRecord(DateTimeOffset At, OperationContext Operation, AuditOutcome Outcome, string? Detail)
{
    /// <summary>What a write changed (before/after content, versions, ACLs), when the operation knows it.</summary>
    public Audit.AuditChange? Change { get; init; }

    /// <summary>For records that are not node operations (Login, Logout, LoginFailed, TokenUsed, Account, Export, Import,
    /// Approval, Purge…): the operation name to store instead of <see cref="OperationContext.Kind"/>.</summary>
    public string? OperationName { get; init; }
}

/// <summary>
/// Where the operations layer reports what users did. The default writes to the log; the audit issue
/// registers a persistent sink (replace the registration; callers do not change).
/// </summary>
public interface IAuditSink
{
    /// <summary>Records one operation. Must not throw for ordinary failures of its own storage.</summary>
    ValueTask RecordAsync(AuditRecord record, CancellationToken ct);

    /// <summary>True when the sink stores before/after content (<see cref="AuditRecord.Change"/>): the operations layer then reads a
    /// node's data or ACL before changing it. False (the logging sink): no extra reads.</summary>
    bool CapturesChanges => false;

    /// <summary>
    /// Records one operation and returns the stored record's id (null: this sink keeps no durable records, or it was not stored).
    /// With <paramref name="required"/> (the intent of a write, before it is sent) a record that cannot be stored throws
    /// <see cref="Audit.AuditUnavailableException"/> unless the sink is configured fail-open; otherwise it never throws for
    /// failures of its own storage.
    /// </summary>
    async ValueTask<long?> AppendAsync(AuditRecord record, bool required, CancellationToken ct)
    {
        await RecordAsync(record, ct).ConfigureAwait(false);
        return null;
    }
}

/// <summary>The default audit sink: structured log lines (reads at Debug, writes at Information).</summary>
public sealed class LoggingAuditSink(ILogger<LoggingAuditSink> logger) : IAuditSink
{
    /// <inheritdoc />
    public ValueTask RecordAsync(AuditRecord record, CancellationToken ct)
    {
        var op = record.Operation;
        logger.Log(op.IsRead && record.Outcome == AuditOutcome.Succeeded ? LogLevel.Debug : LogLevel.Information,
            "Audit {User} {Kind} {Ensemble}:{Path} -> {TargetEnsemble}:{TargetPath} {Outcome} {Detail}",
            op.User.ToString(), op.Kind, op.Ensemble, op.Path, op.TargetEnsemble, op.TargetPath, record.Outcome, record.Detail);
        return ValueTask.CompletedTask;
    }
}
