using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Access;

namespace ZkDashboard.Core.Insights;

/// <summary>The access check and audit record around one insights read, as ZooKeeperOperations does it for node operations.</summary>
internal static partial class InsightsAudit
{
    public static async Task<T> RunAsync<T>(IAccessPolicy policy, IAuditSink audit, ILogger logger, TimeProvider time, OperationContext op, Func<Task<T>> body,
        CancellationToken ct)
    {
        try
        {
            await policy.AuthorizeAsync(op, ct).ConfigureAwait(false);
        }
        catch (AccessDeniedException ex)
        {
            await RecordAsync(audit, logger, time, op, AuditOutcome.Denied, ex.Message).ConfigureAwait(false);
            throw;
        }
        try
        {
            var result = await body().ConfigureAwait(false);
            await RecordAsync(audit, logger, time, op, AuditOutcome.Succeeded, null).ConfigureAwait(false);
            return result;
        }
        catch (Exception ex)
        {
            await RecordAsync(audit, logger, time, op, AuditOutcome.Failed, ex is OperationCanceledException ? "cancelled" : ex.Message).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task RecordAsync(IAuditSink audit, ILogger logger, TimeProvider time, OperationContext op, AuditOutcome outcome, string? detail)
    {
        try
        {
            await audit.RecordAsync(new AuditRecord(time.GetUtcNow(), op, outcome, detail), CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // the audit sink's own failure must not hide the outcome; it is logged
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogAuditFailed(logger, op.Kind, op.Ensemble, op.Path, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit sink failed for {Kind} {Ensemble}:{Path}")]
    private static partial void LogAuditFailed(ILogger logger, ZkOperationKind kind, string ensemble, string path, Exception ex);
}
