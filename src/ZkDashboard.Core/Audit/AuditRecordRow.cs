using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ZkDashboard.Core.Audit;

/// <summary>
/// One stored audit record (table <c>AuditRecords</c>, append-only). <see cref="Hash"/> is SHA-256 over
/// <see cref="PrevHash"/> and the canonical form of every other column (<see cref="AuditHashing"/>); ids are
/// consecutive, assigned by the writer under the store's lock.
/// </summary>
public sealed class AuditRecordRow
{
    public long Id { get; set; }
    /// <summary>Unix milliseconds (UTC).</summary>
    public long AtMs { get; set; }
    public string User { get; set; } = "";
    public string? Provider { get; set; }
    public string? ClientIp { get; set; }
    public string? UserAgent { get; set; }
    public string? RequestId { get; set; }
    public string? Ensemble { get; set; }
    public string Operation { get; set; } = "";
    public string? Path { get; set; }
    public string? TargetEnsemble { get; set; }
    public string? TargetPath { get; set; }
    public int? ExpectedVersion { get; set; }
    public int? ResultVersion { get; set; }
    public long? ResultMzxid { get; set; }
    public int? SizeBefore { get; set; }
    public int? SizeAfter { get; set; }
    public string? Sha256Before { get; set; }
    public string? Sha256After { get; set; }
    public byte[]? DataBefore { get; set; }
    public byte[]? DataAfter { get; set; }
    public string? AclBefore { get; set; }
    public string? AclAfter { get; set; }
    public string? Reason { get; set; }
    public int Outcome { get; set; }
    public string? Detail { get; set; }
    public int? Done { get; set; }
    public int? Total { get; set; }
    public long? LinkedId { get; set; }
    /// <summary>For a restore: the audit record whose content it wrote back.</summary>
    public long? RestoredFromId { get; set; }
    /// <summary>For a restore of a tracked version: the <c>NodeVersions</c> record it wrote back.</summary>
    public long? LinkedNodeVersionId { get; set; }
    public string PrevHash { get; set; } = "";
    public string Hash { get; set; } = "";
}

/// <summary>
/// The chain's anchor and head (table <c>AuditChain</c>, one row, id 1): the last purged record (id and hash; 0 and the
/// genesis hash before any purge) and the last appended record, so that deleting the newest rows is detected too.
/// </summary>
public sealed class AuditChainRow
{
    public int Id { get; set; }
    public long AnchorId { get; set; }
    public string AnchorHash { get; set; } = "";
    public long HeadId { get; set; }
    public string HeadHash { get; set; } = "";
}

internal sealed class AuditRecordRowConfiguration : IEntityTypeConfiguration<AuditRecordRow>
{
    public void Configure(EntityTypeBuilder<AuditRecordRow> builder)
    {
        builder.ToTable("AuditRecords");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.User).HasMaxLength(256).IsRequired();
        builder.Property(r => r.Operation).HasMaxLength(64).IsRequired();
        builder.Property(r => r.PrevHash).HasMaxLength(64).IsRequired();
        builder.Property(r => r.Hash).HasMaxLength(64).IsRequired();
        // The page's filters, each with the id so that "newest first" is an index walk.
        builder.HasIndex(r => new { r.User, r.Id });
        builder.HasIndex(r => new { r.Ensemble, r.Id });
        builder.HasIndex(r => new { r.Operation, r.Id });
        builder.HasIndex(r => new { r.Outcome, r.Id });
        builder.HasIndex(r => new { r.Path, r.Id });
        builder.HasIndex(r => new { r.TargetPath, r.Id });
        builder.HasIndex(r => r.AtMs);
        builder.HasIndex(r => r.LinkedId);
        // One successor per record: a second writer that raced on the same head fails instead of forking the chain.
        builder.HasIndex(r => r.PrevHash).IsUnique();
    }
}

internal sealed class AuditChainRowConfiguration : IEntityTypeConfiguration<AuditChainRow>
{
    public void Configure(EntityTypeBuilder<AuditChainRow> builder)
    {
        builder.ToTable("AuditChain");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.AnchorHash).HasMaxLength(64).IsRequired();
        builder.Property(r => r.HeadHash).HasMaxLength(64).IsRequired();
    }
}
