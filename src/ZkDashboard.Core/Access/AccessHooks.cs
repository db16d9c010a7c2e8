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
    /// <summary>Send a four-letter word to a server.</summary>
    FourLetterWord,
    /// <summary>Change the ensemble's membership (dynamic reconfiguration).</summary>
    Reconfig,
    /// <summary>Acknowledge or silence an alert; manage alert notifications (e.g. send a test notification).</summary>
    AcknowledgeAlert,
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
}

/// <summary>
/// Decides whether a user may run an operation. Every call through
/// <see cref="Operations.IZooKeeperOperations"/> asks it first. The default allows everything; the access
/// issue registers a real policy (replace the registration; callers do not change).
/// </summary>
public interface IAccessPolicy
{
    /// <summary>Returns normally when allowed; throws <see cref="AccessDeniedException"/> otherwise.</summary>
    ValueTask AuthorizeAsync(OperationContext operation, CancellationToken ct);
}

/// <summary>The default policy until the access issue lands: allows everything.</summary>
public sealed class AllowAllAccessPolicy : IAccessPolicy
{
    /// <inheritdoc />
    public ValueTask AuthorizeAsync(OperationContext operation, CancellationToken ct) => ValueTask.CompletedTask;
}

/// <summary>The dashboard's access policy refused an operation (this is not ZooKeeper's NoAuth).</summary>
public sealed class AccessDeniedException(OperationContext operation, string reason)
    : Exception($"{operation.User.Name} may not {operation.Kind} {operation.Path} on ensemble '{operation.Ensemble}': {reason}")
{
    /// <summary>The refused operation.</summary>
    public OperationContext Operation { get; } = operation;
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
}

/// <summary>One audit record.</summary>
public sealed record AuditRecord(DateTimeOffset At, OperationContext Operation, AuditOutcome Outcome, string? Detail);

/// <summary>
/// Where the operations layer reports what users did. The default writes to the log; the audit issue
/// registers a persistent sink (replace the registration; callers do not change).
/// </summary>
public interface IAuditSink
{
    /// <summary>Records one operation. Must not throw for ordinary failures of its own storage.</summary>
    ValueTask RecordAsync(AuditRecord record, CancellationToken ct);
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
