namespace ZkDashboard.Core.Audit;

/// <summary>
/// The audit record of a write could not be stored, so the write was not sent (fail-closed,
/// <see cref="AuditOptions.FailOpen"/> false). Nothing changed in ZooKeeper.
/// </summary>
public sealed class AuditUnavailableException(string what, Exception inner)
    : Exception($"{what} was refused and not sent to ZooKeeper: its audit record could not be stored ({inner.Message}). "
        + "Nothing was changed. Check the dashboard store (ZkDashboard:Store), then try again.", inner);

/// <summary>A write on a path that needs a reason (<see cref="AuditOptions.ReasonRequiredPaths"/>) came without one.</summary>
public sealed class AuditReasonRequiredException(string ensemble, string path, string glob)
    : ArgumentException($"A change of {path} on '{ensemble}' needs a reason (paths matching {glob} require one for the audit trail). "
        + "Enter why you make this change and try again.")
{
    /// <summary>The node.</summary>
    public string Path { get; } = path;
}
