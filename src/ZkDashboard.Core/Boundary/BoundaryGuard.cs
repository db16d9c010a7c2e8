using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Access;

namespace ZkDashboard.Core.Boundary;

/// <summary>The check-and-audit step every boundary service shares: authorize, and record a refusal as Denied.</summary>
internal sealed class BoundaryGuard(IAccessPolicy policy, IAuditSink audit, ILogger<BoundaryGuard> logger)
{
    public IAccessPolicy Policy => policy;

    /// <summary>Throws <see cref="AccessDeniedException"/> (audited) unless allowed.</summary>
    public async ValueTask AuthorizeAsync(OperationContext op, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(op.User);
        try
        {
            await policy.AuthorizeAsync(op, ct).ConfigureAwait(false);
        }
        catch (AccessDeniedException ex)
        {
            await DeniedAsync(op, ex.Reason).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Allows reads where the user may browse (something at or below is readable); otherwise as <see cref="AuthorizeAsync"/>.</summary>
    public async ValueTask<ReadScope> AuthorizeBrowseAsync(OperationContext op, CancellationToken ct)
    {
        var scope = await policy.GetReadScopeAsync(op.User, op.Ensemble, op.Path, ct).ConfigureAwait(false);
        if (!scope.HasFlag(ReadScope.Browse))
        {
            await AuthorizeAsync(op, ct).ConfigureAwait(false);
        }
        return scope;
    }

    public async Task DeniedAsync(OperationContext op, string reason)
    {
        try
        {
            await audit.RecordAsync(new AuditRecord(DateTimeOffset.UtcNow, op, AuditOutcome.Denied, reason), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Audit sink failed for a refused {Kind} {Ensemble}:{Path}", op.Kind, op.Ensemble, op.Path);
        }
    }
}
