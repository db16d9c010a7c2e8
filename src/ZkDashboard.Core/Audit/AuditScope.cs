namespace ZkDashboard.Core.Audit;

/// <summary>
/// The person's reason for the changes made inside a <c>using</c> block, for the audit trail (ambient, flows with
/// async calls): <c>using (AuditScope.WithReason("rotate the key")) await ops.SetDataAsync(...);</c>. The operations
/// boundary copies it into <see cref="Access.OperationContext.Reason"/>.
/// </summary>
public static class AuditScope
{
    private static readonly AsyncLocal<string?> ReasonSlot = new();

    /// <summary>The current reason (null: none given).</summary>
    public static string? Reason => ReasonSlot.Value;

    /// <summary>Sets the reason until the returned handle is disposed (blank: no reason).</summary>
    public static IDisposable WithReason(string? reason)
    {
        var previous = ReasonSlot.Value;
        ReasonSlot.Value = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        return new Restore(previous);
    }

    private sealed class Restore(string? previous) : IDisposable
    {
        public void Dispose() => ReasonSlot.Value = previous;
    }
}
