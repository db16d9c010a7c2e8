using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Audit;
using ZkDashboard.Core.Store;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Changes;

/// <summary>What a user tried to write where approval is required.</summary>
internal sealed record ChangeProposal(ChangeOperation Operation, string Path, byte[]? Data, IReadOnlyList<Acl>? Acl, CreateMode? Mode, long TtlMs)
{
    /// <summary>The version the caller's write expected (-1: any; the node's current version becomes the base).</summary>
    public int ExpectedVersion { get; init; } = -1;
}

/// <summary>The node as it was when a change was proposed (or re-based).</summary>
internal sealed record ChangeBase(int Version, byte[]? Data, IReadOnlyList<Acl>? Acl, long Mzxid);

/// <summary>
/// (Core-internal workings; use <see cref="IChangeRequests"/>.) Rows of <see cref="ChangeRequestRecord"/>: submitting (from the operations boundary, which has already decided that
/// approval is required) and state changes. Knows nothing of ZooKeeper sessions, so the boundary can depend on it.
/// </summary>
public sealed partial class ChangeRequestStore(IDashboardStore store, IAuditSink audit, ILogger<ChangeRequestStore> logger, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Raised after any request was added or changed (its id).</summary>
    internal event EventHandler<long>? Changed;

    internal DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Stores a new pending request and audits it ("ChangeRequest"); when the audit record cannot be written the
    /// row is removed again and the error propagates (nothing unaudited is left behind).</summary>
    internal async Task<ChangeRequest> SubmitAsync(OperationContext op, ChangeProposal proposal, ChangeBase @base, CancellationToken ct)
    {
        var record = new ChangeRequestRecord
        {
            Ensemble = op.Ensemble,
            Path = proposal.Path,
            Operation = proposal.Operation.ToString(),
            ProposedData = proposal.Data,
            ProposedAcl = AclText(proposal.Acl),
            CreateMode = proposal.Mode?.ToString(),
            TtlMs = proposal.TtlMs,
            BaseVersion = @base.Version,
            BaseData = @base.Data,
            BaseAcl = AclText(@base.Acl),
            BaseMzxid = @base.Mzxid,
            Author = op.User.Name,
            AuthorProvider = op.User.Provider,
            Reason = op.Reason,
            CreatedAt = Now,
            State = ChangeRequestState.Pending.ToString(),
            Stamp = Guid.NewGuid(),
        };
        await AddAsync(record, ct).ConfigureAwait(false);
        var request = ToModel(record);
        try
        {
            await audit.RecordAsync(new AuditRecord(Now, op, AuditOutcome.Succeeded,
                $"not sent: submitted for approval as change request #{record.Id} ({request.Describe()}, base version {record.BaseVersion})")
            {
                OperationName = "ChangeRequest",
                Change = ChangeOf(request, null),
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await RemoveAsync(record.Id).ConfigureAwait(false);
            throw;
        }
        OnChanged(record.Id);
        return request;
    }

    /// <summary>Adds a row (a new request or a rebased revision).</summary>
    internal async Task AddAsync(ChangeRequestRecord record, CancellationToken ct)
    {
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        db.ChangeRequests.Add(record);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }

    private async Task RemoveAsync(long id)
    {
        try
        {
            await using var db = await store.CreateContextAsync(CancellationToken.None).ConfigureAwait(false);
            await db.ChangeRequests.Where(r => r.Id == id).ExecuteDeleteAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            LogRemoveFailed(logger, ex, id);
        }
    }

    internal async Task<ChangeRequestRecord?> FindAsync(long id, CancellationToken ct)
    {
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        return await db.ChangeRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct).ConfigureAwait(false);
    }

    internal async Task<List<ChangeRequestRecord>> QueryAsync(ChangeRequestQuery query, CancellationToken ct)
    {
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        IQueryable<ChangeRequestRecord> q = db.ChangeRequests.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Ensemble))
        {
            q = q.Where(r => r.Ensemble == query.Ensemble);
        }
        if (!string.IsNullOrWhiteSpace(query.Path))
        {
            q = q.Where(r => r.Path == query.Path);
        }
        if (query.States is { Count: > 0 } states)
        {
            var names = states.Select(s => s.ToString()).ToList();
            q = q.Where(r => names.Contains(r.State));
        }
        return await q.OrderByDescending(r => r.Id).Take(Math.Clamp(query.Limit, 1, 1000)).ToListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Changes one row if it still has <paramref name="stamp"/> (nobody else changed it meanwhile); false otherwise.
    /// </summary>
    internal async Task<bool> UpdateAsync(long id, Guid stamp, Action<ChangeRequestRecord> change, CancellationToken ct)
    {
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        var row = await db.ChangeRequests.SingleOrDefaultAsync(r => r.Id == id, ct).ConfigureAwait(false);
        if (row is null || row.Stamp != stamp)
        {
            return false;
        }
        change(row);
        row.Stamp = Guid.NewGuid();
        try
        {
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
        OnChanged(id);
        return true;
    }

    internal void OnChanged(long id) => Changed?.Invoke(this, id);

    internal static ChangeRequest ToModel(ChangeRequestRecord r) => new()
    {
        Id = r.Id,
        Ensemble = r.Ensemble,
        Path = r.Path,
        Operation = Enum.Parse<ChangeOperation>(r.Operation),
        ProposedData = r.ProposedData,
        ProposedAcl = ParseAcl(r.ProposedAcl),
        CreateMode = r.CreateMode is null ? null : Enum.Parse<CreateMode>(r.CreateMode),
        TtlMs = r.TtlMs,
        BaseVersion = r.BaseVersion,
        BaseData = r.BaseData,
        BaseAcl = ParseAcl(r.BaseAcl),
        Author = r.Author,
        AuthorProvider = r.AuthorProvider,
        Reason = r.Reason,
        CreatedAt = r.CreatedAt,
        State = Enum.Parse<ChangeRequestState>(r.State),
        Reviewer = r.Reviewer,
        ReviewerProvider = r.ReviewerProvider,
        DecidedAt = r.DecidedAt,
        Comment = r.Comment,
        Result = r.Result,
        ResultVersion = r.ResultVersion,
        ResultPath = r.ResultPath,
        ServerVersion = r.ServerVersion,
        ServerData = r.ServerData,
        ServerAcl = ParseAcl(r.ServerAcl),
        ServerNodeMissing = r.ServerNodeMissing,
        Revision = r.Revision,
        PreviousId = r.PreviousId,
        SupersededById = r.SupersededById,
        RebasedBy = r.RebasedBy,
    };

    /// <summary>The audit change of a request: base → proposed (and the result, once applied).</summary>
    internal static AuditChange ChangeOf(ChangeRequest r, ZooKeeper.Stat? result) => new()
    {
        ExpectedVersion = r.BaseVersion,
        ResultVersion = result is null ? null : r.Operation == ChangeOperation.SetAcl ? result.Aversion : result.Version,
        ResultMzxid = result?.Mzxid,
        DataBefore = r.BaseData,
        DataAfter = r.Operation == ChangeOperation.Delete ? null : r.ProposedData,
        AclBefore = AclDisplay(r.BaseAcl),
        AclAfter = AclDisplay(r.ProposedAcl),
    };

    /// <summary>zkCli's <c>scheme:id:perms</c>, comma separated (null for none).</summary>
    internal static string? AclDisplay(IReadOnlyList<Acl>? acl)
        => acl is null ? null : string.Join(",", acl.Select(a => $"{a.Id.Scheme}:{a.Id.Ident}:{Operations.NodeAccessDeniedException.PermLetters(a.Perms)}"));

    private sealed record AclItem(int P, string S, string I);

    internal static string? AclText(IReadOnlyList<Acl>? acl)
        => acl is null ? null : JsonSerializer.Serialize(acl.Select(a => new AclItem((int)a.Perms, a.Id.Scheme, a.Id.Ident)).ToList());

    internal static IReadOnlyList<Acl>? ParseAcl(string? text)
        => text is null ? null : [.. (JsonSerializer.Deserialize<List<AclItem>>(text) ?? []).Select(i => new Acl((Perms)i.P, new Id(i.S, i.I)))];

    [LoggerMessage(Level = LogLevel.Error, Message = "Change request #{Id} could not be removed after its audit record failed; it stays pending without an audit record")]
    private static partial void LogRemoveFailed(ILogger logger, Exception ex, long id);
}
