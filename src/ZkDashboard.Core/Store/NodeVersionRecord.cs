using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ZkDashboard.Core.Tracking;

namespace ZkDashboard.Core.Store;

/// <summary>
/// One version of a node in a tracked subtree, as the subtree tracker observed it (table <c>NodeVersions</c>).
/// Append-only except <see cref="Count"/>, which grows while later events of a burst turn out to be the same version.
/// Times are Unix milliseconds (SQLite cannot order <see cref="DateTimeOffset"/> columns).
/// </summary>
public sealed class NodeVersionRecord
{
    public long Id { get; set; }
    public string Ensemble { get; set; } = "";
    /// <summary>The tracked root this record was observed through.</summary>
    public string Root { get; set; } = "";
    public string Path { get; set; } = "";
    public NodeChangeKind Kind { get; set; }
    public NodeObservation Observation { get; set; }
    /// <summary>When the change happened: the node's mtime (created/changed), or when the deletion was observed.</summary>
    public long AtMs { get; set; }
    /// <summary>When the tracker read this version.</summary>
    public long ObservedAtMs { get; set; }
    /// <summary>Server events this record stands for (a burst coalesced into one read has a count above 1).</summary>
    public int Count { get; set; } = 1;
    public int? Version { get; set; }
    public int? Cversion { get; set; }
    public int? Aversion { get; set; }
    public long? Czxid { get; set; }
    public long? Mzxid { get; set; }
    public long? Pzxid { get; set; }
    public long? CtimeMs { get; set; }
    public long? MtimeMs { get; set; }
    public long? EphemeralOwner { get; set; }
    public int? DataLength { get; set; }
    public int? NumChildren { get; set; }
    /// <summary>The data, when at most the content cap (else null and only <see cref="DataLength"/> and <see cref="Sha256"/>).</summary>
    public byte[]? Data { get; set; }
    /// <summary>Lower-case hex SHA-256 of the data.</summary>
    public string? Sha256 { get; set; }
    /// <summary>The ACL (zkCli <c>scheme:id:perms</c>, comma separated) when it was read: first record of the node or aversion changed.</summary>
    public string? Acl { get; set; }
    /// <summary>Who, when known at record time; null means "outside the dashboard" (dashboard writes are matched with the audit trail when read).</summary>
    public string? By { get; set; }
}

internal sealed class NodeVersionRecordConfiguration : IEntityTypeConfiguration<NodeVersionRecord>
{
    public void Configure(EntityTypeBuilder<NodeVersionRecord> builder)
    {
        builder.ToTable("NodeVersions");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Ensemble).HasMaxLength(64).IsRequired();
        builder.Property(r => r.Root).HasMaxLength(1024).IsRequired();
        builder.Property(r => r.Path).HasMaxLength(4096).IsRequired();
        builder.Property(r => r.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.Observation).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.Sha256).HasMaxLength(64);
        builder.Property(r => r.By).HasMaxLength(256);
        builder.HasIndex(r => new { r.Ensemble, r.Path, r.Id });
        builder.HasIndex(r => new { r.Ensemble, r.AtMs });
    }
}

/// <summary>A subtree glob an admin marked as tracked on one ensemble (table <c>TrackedSubtrees</c>).</summary>
public sealed class TrackedSubtreeRecord
{
    public int Id { get; set; }
    public string Ensemble { get; set; } = "";
    public string Glob { get; set; } = "";
    public string AddedBy { get; set; } = "";
    public long AddedAtMs { get; set; }
}

internal sealed class TrackedSubtreeRecordConfiguration : IEntityTypeConfiguration<TrackedSubtreeRecord>
{
    public void Configure(EntityTypeBuilder<TrackedSubtreeRecord> builder)
    {
        builder.ToTable("TrackedSubtrees");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Ensemble).HasMaxLength(64).IsRequired();
        builder.Property(r => r.Glob).HasMaxLength(1024).IsRequired();
        builder.Property(r => r.AddedBy).HasMaxLength(256);
        builder.HasIndex(r => new { r.Ensemble, r.Glob }).IsUnique();
    }
}

/// <summary>Node history tables.</summary>
public partial class ZkDashboardDbContext
{
    public DbSet<NodeVersionRecord> NodeVersions => Set<NodeVersionRecord>();

    public DbSet<TrackedSubtreeRecord> TrackedSubtrees => Set<TrackedSubtreeRecord>();
}
