namespace ZkDashboard.Core.Audit;

/// <summary>What a caller adds to the audit records of the boundary calls it makes (a reason, a link to the record or
/// version a write restores).</summary>
/// <param name="Reason">The person's reason (appended to <see cref="Access.OperationContext.Reason"/>).</param>
/// <param name="LinkedId">The audit record the write restores from.</param>
/// <param name="LinkedNodeVersionId">The tracked version (<c>NodeVersions</c>) the write restores from.</param>
public sealed record AuditAnnotation(string? Reason, long? LinkedId = null, long? LinkedNodeVersionId = null);

/// <summary>
/// An ambient annotation for the boundary calls made inside a scope (flows with the async call, like a log scope):
/// <c>using (AuditAnnotations.Begin(new("restore of version 3", LinkedId: 17))) await ops.SetDataAsync(...)</c>.
/// The operations layer applies it to the records it writes, so a composed action (a restore) is one audited write
/// that says why and where it came from, without new parameters on every boundary method.
/// </summary>
public static class AuditAnnotations
{
    private static readonly AsyncLocal<AuditAnnotation?> Ambient = new();

    /// <summary>The annotation in effect, or null.</summary>
    public static AuditAnnotation? Current => Ambient.Value;

    /// <summary>The person's reason in effect (null: none given).</summary>
    public static string? Reason => Ambient.Value?.Reason;

    /// <summary>Puts the person's reason for the writes inside the scope in effect (blank: none), keeping the links of an
    /// enclosing annotation: <c>using (AuditAnnotations.WithReason("rotate the key")) await ops.SetDataAsync(...);</c>.</summary>
    public static IDisposable WithReason(string? reason)
        => Begin((Ambient.Value ?? new AuditAnnotation(null)) with { Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim() });

    /// <summary>Puts <paramref name="annotation"/> in effect until the returned scope is disposed.</summary>
    public static IDisposable Begin(AuditAnnotation annotation)
    {
        ArgumentNullException.ThrowIfNull(annotation);
        var previous = Ambient.Value;
        Ambient.Value = annotation;
        return new Scope(previous);
    }

    /// <summary>Applies the annotation in effect (if any) to a record: reason, links.</summary>
    public static Access.AuditRecord Apply(Access.AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (Ambient.Value is not { } a)
        {
            return record;
        }
        var given = record.Operation.Reason;
        var reason = string.IsNullOrWhiteSpace(given) ? a.Reason
            : string.IsNullOrWhiteSpace(a.Reason) || given.Contains(a.Reason, StringComparison.Ordinal) ? given
            : $"{given}; {a.Reason}";
        var change = (record.Change ?? new AuditChange()) with
        {
            RestoredFromId = record.Change?.RestoredFromId ?? a.LinkedId,
            LinkedNodeVersionId = record.Change?.LinkedNodeVersionId ?? a.LinkedNodeVersionId,
        };
        return record with { Operation = record.Operation with { Reason = reason }, Change = change };
    }

    private sealed class Scope(AuditAnnotation? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
