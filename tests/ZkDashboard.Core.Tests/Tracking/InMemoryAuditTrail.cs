using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Audit;

namespace ZkDashboard.Core.Tests.Tracking;

/// <summary>
/// A small in-memory audit sink and trail for the history tests (the durable audit store is another branch's work):
/// every record becomes an <see cref="AuditEntry"/> with an id, its result version/mzxid and the annotation's links.
/// </summary>
public sealed class InMemoryAuditTrail : IAuditSink, IAuditTrail
{
    private readonly Lock _gate = new();
    private readonly List<AuditEntry> _entries = [];

    public IReadOnlyList<AuditEntry> Entries { get { lock (_gate) { return [.. _entries]; } } }

    public ValueTask RecordAsync(AuditRecord record, CancellationToken ct)
    {
        var op = record.Operation;
        var c = record.Change;
        lock (_gate)
        {
            _entries.Add(new AuditEntry
            {
                Id = _entries.Count + 1,
                At = record.At,
                User = op.User.Name,
                Provider = op.User.Provider,
                Ensemble = op.Ensemble,
                Operation = record.OperationName ?? op.Kind.ToString(),
                Path = op.Path,
                Reason = op.Reason,
                Outcome = record.Outcome,
                Detail = record.Detail,
                ExpectedVersion = c?.ExpectedVersion,
                ResultVersion = c?.ResultVersion,
                ResultMzxid = c?.ResultMzxid,
                DataAfter = c?.DataAfter?.ToArray(),
                SizeAfter = c?.DataAfter?.Length,
                Sha256After = c?.DataAfter is { } d ? Convert.ToHexStringLower(SHA256.HashData(d.Span)) : null,
                LinkedId = c?.LinkedId,
                RestoredFromId = c?.RestoredFromId,
                LinkedNodeVersionId = c?.LinkedNodeVersionId,
            });
        }
        return ValueTask.CompletedTask;
    }

    public async IAsyncEnumerable<AuditEntry> QueryAsync(ActingUser user, AuditQuery query, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await Task.Yield();
        var glob = query.PathGlob is null ? null : PathGlob.Parse(query.PathGlob);
        foreach (var e in Entries.AsEnumerable().Reverse())
        {
            if ((query.Ensemble is null || string.Equals(e.Ensemble, query.Ensemble, StringComparison.OrdinalIgnoreCase))
                && (glob is null || (e.Path is not null && glob.IsMatch(e.Path)))
                && (query.Outcome is null || e.Outcome == query.Outcome)
                && (query.From is null || e.At >= query.From) && (query.To is null || e.At <= query.To))
            {
                yield return e;
            }
        }
    }

    public Task<AuditEntry?> GetAsync(ActingUser user, long id, CancellationToken ct = default)
        => Task.FromResult(Entries.FirstOrDefault(e => e.Id == id));

    public Task<AuditVerification> VerifyAsync(ActingUser user, CancellationToken ct = default)
        => Task.FromResult(new AuditVerification(true, Entries.Count, null));
}
