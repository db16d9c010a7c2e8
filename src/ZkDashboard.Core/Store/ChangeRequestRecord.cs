using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ZkDashboard.Core.Store;

/// <summary>
/// One four-eyes change request (<see cref="Changes.IChangeRequests"/>): a create, setData, delete or setAcl that a
/// <c>RequireApproval</c> binding kept from being sent, with the node as it was when it was proposed (the base), and
/// how it was decided. Rows are never deleted; a rebase adds a new row (<see cref="PreviousId"/>).
/// </summary>
public sealed class ChangeRequestRecord
{
    public long Id { get; set; }
    public string Ensemble { get; set; } = "";
    public string Path { get; set; } = "";
    /// <summary>A <see cref="Changes.ChangeOperation"/> name.</summary>
    public string Operation { get; set; } = "";
    /// <summary>Proposed data (create, setData).</summary>
    public byte[]? ProposedData { get; set; }
    /// <summary>Proposed ACL (create, setAcl), zkCli form <c>scheme:id:perms</c>, comma separated.</summary>
    public string? ProposedAcl { get; set; }
    /// <summary>Create mode name (create).</summary>
    public string? CreateMode { get; set; }
    public long TtlMs { get; set; }
    /// <summary>The version the change applies to: data version (setData, delete), ACL version (setAcl), -1 for a create (no node).</summary>
    public int BaseVersion { get; set; }
    /// <summary>The node's data when the change was proposed (setData, delete).</summary>
    public byte[]? BaseData { get; set; }
    /// <summary>The node's ACL when the change was proposed.</summary>
    public string? BaseAcl { get; set; }
    public long BaseMzxid { get; set; }
    public string Author { get; set; } = "";
    public string AuthorProvider { get; set; } = "";
    public string? Reason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>A <see cref="Changes.ChangeRequestState"/> name.</summary>
    public string State { get; set; } = "";
    public string? Reviewer { get; set; }
    public string? ReviewerProvider { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? Comment { get; set; }
    /// <summary>What happened when it was applied (or why applying failed).</summary>
    public string? Result { get; set; }
    public int? ResultVersion { get; set; }
    public string? ResultPath { get; set; }
    /// <summary>On a conflict: the server's version and data when applying was refused.</summary>
    public int? ServerVersion { get; set; }
    public byte[]? ServerData { get; set; }
    public string? ServerAcl { get; set; }
    public bool ServerNodeMissing { get; set; }
    /// <summary>1 for a first proposal; a rebase makes revision n+1.</summary>
    public int Revision { get; set; } = 1;
    public long? PreviousId { get; set; }
    public long? SupersededById { get; set; }
    /// <summary>Who rebased this revision (the author or an approver).</summary>
    public string? RebasedBy { get; set; }
    /// <summary>Changes whenever the row changes (optimistic concurrency between two reviewers).</summary>
    public Guid Stamp { get; set; }
}

internal sealed class ChangeRequestRecordConfiguration : IEntityTypeConfiguration<ChangeRequestRecord>
{
    public void Configure(EntityTypeBuilder<ChangeRequestRecord> builder)
    {
        builder.ToTable("ChangeRequests");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Ensemble).HasMaxLength(64).IsRequired();
        builder.Property(r => r.Path).HasMaxLength(4096).IsRequired();
        builder.Property(r => r.Operation).HasMaxLength(32).IsRequired();
        builder.Property(r => r.CreateMode).HasMaxLength(64);
        builder.Property(r => r.Author).HasMaxLength(300).IsRequired();
        builder.Property(r => r.AuthorProvider).HasMaxLength(32).IsRequired();
        builder.Property(r => r.State).HasMaxLength(32).IsRequired();
        builder.Property(r => r.Reviewer).HasMaxLength(300);
        builder.Property(r => r.ReviewerProvider).HasMaxLength(32);
        builder.Property(r => r.RebasedBy).HasMaxLength(300);
        builder.Property(r => r.Stamp).IsConcurrencyToken();
        builder.HasIndex(r => new { r.Ensemble, r.Path, r.State });
        builder.HasIndex(r => r.State);
    }
}

/// <summary>The <c>RequireApproval</c> globs of a stored access binding (a table of its own, so existing stores gain it
/// without a column change; see <see cref="StoreSchema"/>).</summary>
public sealed class AccessBindingApprovalRecord
{
    /// <summary>The <see cref="AccessBindingRecord.Id"/>.</summary>
    public long BindingId { get; set; }
    /// <summary>Path globs, one per line.</summary>
    public string Globs { get; set; } = "";
}

internal sealed class AccessBindingApprovalRecordConfiguration : IEntityTypeConfiguration<AccessBindingApprovalRecord>
{
    public void Configure(EntityTypeBuilder<AccessBindingApprovalRecord> builder)
    {
        builder.ToTable("AccessBindingApprovals");
        builder.HasKey(r => r.BindingId);
        builder.Property(r => r.BindingId).ValueGeneratedNever();
        builder.Property(r => r.Globs).IsRequired();
    }
}

/// <summary>Change requests and the approval globs of stored bindings.</summary>
public partial class ZkDashboardDbContext
{
    public DbSet<ChangeRequestRecord> ChangeRequests => Set<ChangeRequestRecord>();

    public DbSet<AccessBindingApprovalRecord> AccessBindingApprovals => Set<AccessBindingApprovalRecord>();
}
