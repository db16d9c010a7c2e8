using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using ZkDashboard.Core.Access;

namespace ZkDashboard.Core.Audit;

public sealed partial class DbAuditTrail
{
    /// <summary>The ensemble the global audit actions are checked on.</summary>
    public const string AllEnsembles = "*";

    /// <inheritdoc />
    public async IAsyncEnumerable<AuditEntry> QueryAsync(ActingUser user, AuditQuery query, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await RequireAsync(user, AccessAction.ReadAudit, "read the audit trail", ct).ConfigureAwait(false);
        await foreach (var row in QueryRowsAsync(query, ct).ConfigureAwait(false))
        {
            yield return ToEntry(row);
        }
    }

    /// <summary>The rows matching <paramref name="query"/>, newest first, without an access check (for callers that checked).</summary>
    internal async IAsyncEnumerable<AuditRecordRow> QueryRowsAsync(AuditQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        PathGlob? glob = null;
        string? exactPath = null;
        string? prefix = null;
        if (!string.IsNullOrWhiteSpace(query.PathGlob))
        {
            var pattern = query.PathGlob.Trim();
            if (pattern.IndexOfAny(['*', '?']) < 0)
            {
                exactPath = pattern;
            }
            else
            {
                glob = PathGlob.Parse(pattern);
                var literal = pattern[..pattern.IndexOfAny(['*', '?'])];
                prefix = literal[..(literal.LastIndexOf('/') + 1)].TrimEnd('/');
            }
        }
        var limit = query.Limit <= 0 ? int.MaxValue : query.Limit;
        var yielded = 0;
        await FlushAsync(ct).ConfigureAwait(false);
        await using var db = await _store.CreateContextAsync(ct).ConfigureAwait(false);
        IQueryable<AuditRecordRow> q = db.AuditRecords.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.User))
        {
            q = q.Where(r => r.User == query.User.Trim());
        }
        if (!string.IsNullOrWhiteSpace(query.Ensemble))
        {
            q = q.Where(r => r.Ensemble == query.Ensemble.Trim());
        }
        if (!string.IsNullOrWhiteSpace(query.Operation))
        {
            q = q.Where(r => r.Operation == query.Operation.Trim());
        }
        if (query.Outcome is { } outcome)
        {
            q = q.Where(r => r.Outcome == (int)outcome);
        }
        else if (!query.IncludeIntents)
        {
            // An intent with its outcome recorded is noise; an intent without one (the process died meanwhile) is shown.
            var pending = (int)AuditOutcome.Pending;
            q = q.Where(r => r.Outcome != pending || !db.AuditRecords.Any(o => o.LinkedId == r.Id && o.Outcome != pending));
        }
        if (query.From is { } from)
        {
            var ms = from.ToUnixTimeMilliseconds();
            q = q.Where(r => r.AtMs >= ms);
        }
        if (query.To is { } to)
        {
            var ms = to.ToUnixTimeMilliseconds();
            q = q.Where(r => r.AtMs <= ms);
        }
        if (query.BeforeId is { } before)
        {
            q = q.Where(r => r.Id < before);
        }
        if (query.AfterId is { } after)
        {
            q = q.Where(r => r.Id > after);
        }
        if (exactPath is not null)
        {
            q = q.Where(r => r.Path == exactPath || r.TargetPath == exactPath);
        }
        else if (prefix is { Length: > 0 })
        {
            q = q.Where(r => r.Path!.StartsWith(prefix) || r.TargetPath!.StartsWith(prefix));
        }
        q = q.OrderByDescending(r => r.Id);
        if (glob is null)
        {
            q = q.Take(limit);
        }
        await foreach (var row in q.AsAsyncEnumerable().WithCancellation(ct).ConfigureAwait(false))
        {
            if (glob is not null && !(row.Path is { } p && glob.IsMatch(p)) && !(row.TargetPath is { } tp && glob.IsMatch(tp)))
            {
                continue;
            }
            yield return row;
            if (++yielded >= limit)
            {
                yield break;
            }
        }
    }

    /// <inheritdoc />
    public async Task<AuditEntry?> GetAsync(ActingUser user, long id, CancellationToken ct = default)
    {
        await RequireAsync(user, AccessAction.ReadAudit, $"read audit record {id}", ct).ConfigureAwait(false);
        await FlushAsync(ct).ConfigureAwait(false);
        await using var db = await _store.CreateContextAsync(ct).ConfigureAwait(false);
        var row = await db.AuditRecords.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct).ConfigureAwait(false);
        return row is null ? null : ToEntry(row);
    }

    /// <inheritdoc />
    public async Task<AuditVerification> VerifyAsync(ActingUser user, CancellationToken ct = default)
    {
        await RequireAsync(user, AccessAction.ManageAccess, "verify the audit trail", ct).ConfigureAwait(false);
        return await VerifyChainAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Checks the chain from the anchor to the head (no access check).</summary>
    internal async Task<AuditVerification> VerifyChainAsync(CancellationToken ct)
    {
        await FlushAsync(ct).ConfigureAwait(false);
        await using var db = await _store.CreateContextAsync(ct).ConfigureAwait(false);
        var chain = await db.AuditChain.AsNoTracking().SingleOrDefaultAsync(c => c.Id == 1, ct).ConfigureAwait(false);
        var expectedId = (chain?.AnchorId ?? 0) + 1;
        var prev = chain?.AnchorHash ?? AuditHashing.Genesis;
        long checkedCount = 0;
        await foreach (var row in db.AuditRecords.AsNoTracking().OrderBy(r => r.Id).AsAsyncEnumerable().WithCancellation(ct).ConfigureAwait(false))
        {
            if (row.Id != expectedId || row.PrevHash != prev || AuditHashing.Compute(row) != row.Hash)
            {
                // A gap (a deleted row), a broken link or an edited row: the first record that does not fit.
                return new AuditVerification(false, checkedCount, row.Id < expectedId ? row.Id : Math.Min(row.Id, expectedId));
            }
            checkedCount++;
            prev = row.Hash;
            expectedId++;
        }
        var headId = chain?.HeadId ?? 0;
        var headHash = chain?.HeadHash ?? AuditHashing.Genesis;
        if (expectedId - 1 != headId || prev != headHash)
        {
            // The newest rows were deleted (or the head was moved by hand).
            return new AuditVerification(false, checkedCount, expectedId);
        }
        return new AuditVerification(true, checkedCount, null);
    }

    private async Task RequireAsync(ActingUser user, AccessAction action, string what, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var decision = await _policy.CanAsync(user, AllEnsembles, action, "/", ct).ConfigureAwait(false);
        if (decision.Allowed)
        {
            return;
        }
        var op = new OperationContext(user, AllEnsembles, ZkOperationKind.ManageAccess, "/");
        await RecordAsync(new AuditRecord(_time.GetUtcNow(), op, AuditOutcome.Denied, $"{what}: {decision.Reason}") { OperationName = "ReadAudit" }, CancellationToken.None)
            .ConfigureAwait(false);
        throw new AccessDeniedException(op, action == AccessAction.ReadAudit
            ? $"reading the audit trail needs readAudit (the admin role, or a role with readAudit) — ask an admin. {decision.Reason}"
            : $"verifying the audit trail needs the admin role — ask an admin. {decision.Reason}");
    }

    internal static AuditEntry ToEntry(AuditRecordRow r) => new()
    {
        Id = r.Id,
        At = DateTimeOffset.FromUnixTimeMilliseconds(r.AtMs),
        User = r.User,
        Provider = r.Provider,
        ClientIp = r.ClientIp,
        UserAgent = r.UserAgent,
        RequestId = r.RequestId,
        Ensemble = r.Ensemble,
        Operation = r.Operation,
        Path = r.Path,
        TargetEnsemble = r.TargetEnsemble,
        TargetPath = r.TargetPath,
        ExpectedVersion = r.ExpectedVersion,
        ResultVersion = r.ResultVersion,
        ResultMzxid = r.ResultMzxid,
        SizeBefore = r.SizeBefore,
        SizeAfter = r.SizeAfter,
        Sha256Before = r.Sha256Before,
        Sha256After = r.Sha256After,
        DataBefore = r.DataBefore,
        DataAfter = r.DataAfter,
        AclBefore = r.AclBefore,
        AclAfter = r.AclAfter,
        Reason = r.Reason,
        Outcome = (AuditOutcome)r.Outcome,
        Detail = r.Detail,
        Done = r.Done,
        Total = r.Total,
        LinkedId = r.LinkedId,
        RestoredFromId = r.RestoredFromId,
        LinkedNodeVersionId = r.LinkedNodeVersionId,
        Hash = r.Hash,
    };
}
