using ZkDashboard.Core.Access;

namespace ZkDashboard.Core.Audit;

/// <summary>
/// What a write changed, attached to an <see cref="AuditRecord"/> by the operations layer (before/after content,
/// versions, ACLs). Content larger than the configured cap is kept only as size and SHA-256 by the store.
/// </summary>
public sealed record AuditChange
{
    /// <summary>The version the caller expected (-1: any).</summary>
    public int? ExpectedVersion { get; init; }
    /// <summary>The node's data version after the write.</summary>
    public int? ResultVersion { get; init; }
    /// <summary>The node's mzxid after the write.</summary>
    public long? ResultMzxid { get; init; }
    /// <summary>Data before the write (null: none or unknown).</summary>
    public ReadOnlyMemory<byte>? DataBefore { get; init; }
    /// <summary>Data after the write.</summary>
    public ReadOnlyMemory<byte>? DataAfter { get; init; }
    /// <summary>ACL before, in zkCli's <c>scheme:id:perms</c> form, comma separated.</summary>
    public string? AclBefore { get; init; }
    /// <summary>ACL after.</summary>
    public string? AclAfter { get; init; }
    /// <summary>For bulk operations: how many nodes were done.</summary>
    public int? Done { get; init; }
    /// <summary>For bulk operations: how many nodes were planned.</summary>
    public int? Total { get; init; }
    /// <summary>The audit record this one completes: the intent record of a write, or the unknown outcome it settles.</summary>
    public long? LinkedId { get; init; }
    /// <summary>For a restore: the audit record whose content it wrote back.</summary>
    public long? RestoredFromId { get; init; }
    /// <summary>For a restore of a tracked version: the <c>NodeVersions</c> record it restored from.</summary>
    public long? LinkedNodeVersionId { get; init; }
}

/// <summary>One stored audit record, as the audit page, the history tab and the API read it.</summary>
public sealed record AuditEntry
{
    public long Id { get; init; }
    public DateTimeOffset At { get; init; }
    public string User { get; init; } = "";
    public string? Provider { get; init; }
    public string? ClientIp { get; init; }
    public string? UserAgent { get; init; }
    public string? RequestId { get; init; }
    public string? Ensemble { get; init; }
    /// <summary>The operation (a <see cref="ZkOperationKind"/> name, or <c>Login</c>, <c>Logout</c>, <c>LoginFailed</c>, <c>TokenUsed</c>, <c>Account</c>, <c>Export</c>, <c>Import</c>, <c>Approval</c>, <c>Purge</c>…).</summary>
    public string Operation { get; init; } = "";
    public string? Path { get; init; }
    public string? TargetEnsemble { get; init; }
    public string? TargetPath { get; init; }
    public int? ExpectedVersion { get; init; }
    public int? ResultVersion { get; init; }
    public long? ResultMzxid { get; init; }
    public int? SizeBefore { get; init; }
    public int? SizeAfter { get; init; }
    public string? Sha256Before { get; init; }
    public string? Sha256After { get; init; }
    /// <summary>Null when there was none or it was over the cap (then only size and hash are kept).</summary>
    public byte[]? DataBefore { get; init; }
    public byte[]? DataAfter { get; init; }
    public string? AclBefore { get; init; }
    public string? AclAfter { get; init; }
    public string? Reason { get; init; }
    public AuditOutcome Outcome { get; init; }
    public string? Detail { get; init; }
    public int? Done { get; init; }
    public int? Total { get; init; }
    public long? LinkedId { get; init; }
    /// <summary>For a restore: the audit record whose content it wrote back.</summary>
    public long? RestoredFromId { get; init; }
    /// <summary>The record's hash in the chain (SHA-256 over its content and the previous record's hash).</summary>
    public string? Hash { get; init; }
    /// <summary>For a restore of a tracked version: the <c>NodeVersions</c> record it restored from.</summary>
    public long? LinkedNodeVersionId { get; init; }
}

/// <summary>The audit page's (and <c>GET /api/v1/audit</c>'s) filters. Newest first; page with <see cref="BeforeId"/>.</summary>
public sealed record AuditQuery
{
    public string? User { get; init; }
    public string? Ensemble { get; init; }
    /// <summary>A path glob (<c>/configs/**</c>) or an exact path.</summary>
    public string? PathGlob { get; init; }
    public string? Operation { get; init; }
    public AuditOutcome? Outcome { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    /// <summary>Only records with a smaller id (keyset paging, newest first).</summary>
    public long? BeforeId { get; init; }
    /// <summary>Only records with a larger id (for following new records).</summary>
    public long? AfterId { get; init; }
    /// <summary>Also list the intent records (<see cref="AuditOutcome.Pending"/>) whose outcome was recorded (an intent without an
    /// outcome is always listed: the process stopped between sending the write and recording how it ended).</summary>
    public bool IncludeIntents { get; init; }
    /// <summary>At most this many records (0 or less: no limit, for exports).</summary>
    public int Limit { get; init; } = 100;
}

/// <summary>The result of checking the hash chain.</summary>
public sealed record AuditVerification(bool Ok, long Checked, long? FirstBadId);

/// <summary>
/// Reads the durable audit trail. Every method takes the acting user and checks readAudit (verify: admin)
/// through the access policy; a refusal is itself audited.
/// </summary>
public interface IAuditTrail
{
    /// <summary>Records matching <paramref name="query"/>, newest first (streamed: the caller may stop early).</summary>
    IAsyncEnumerable<AuditEntry> QueryAsync(ActingUser user, AuditQuery query, CancellationToken ct = default);

    /// <summary>One record, or null.</summary>
    Task<AuditEntry?> GetAsync(ActingUser user, long id, CancellationToken ct = default);

    /// <summary>Checks the whole hash chain (from the retention anchor on).</summary>
    Task<AuditVerification> VerifyAsync(ActingUser user, CancellationToken ct = default);
}
