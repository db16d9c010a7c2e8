using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ZkDashboard.Core.Store;

/// <summary>An access binding added by an admin on <c>/admin/access</c> (configuration ones live in appsettings).</summary>
public sealed class AccessBindingRecord
{
    public long Id { get; set; }
    public string Subject { get; set; } = "";
    public string? Provider { get; set; }
    public string Role { get; set; } = "";
    public string Ensembles { get; set; } = "*";
    public string Paths { get; set; } = "/**";
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class AccessBindingRecordConfiguration : IEntityTypeConfiguration<AccessBindingRecord>
{
    public void Configure(EntityTypeBuilder<AccessBindingRecord> builder)
    {
        builder.ToTable("AccessBindings");
        builder.HasKey(b => b.Id);
        builder.HasIndex(b => b.Subject);
        builder.Property(b => b.Subject).HasMaxLength(300).IsRequired();
        builder.Property(b => b.Provider).HasMaxLength(32);
        builder.Property(b => b.Role).HasMaxLength(100).IsRequired();
        builder.Property(b => b.Ensembles).HasMaxLength(200).IsRequired();
        builder.Property(b => b.Paths).HasMaxLength(1000).IsRequired();
        builder.Property(b => b.CreatedBy).HasMaxLength(300).IsRequired();
        builder.Property(b => b.UpdatedBy).HasMaxLength(300).IsRequired();
    }
}

/// <summary>Stored access bindings table.</summary>
public partial class ZkDashboardDbContext
{
    public DbSet<AccessBindingRecord> AccessBindings => Set<AccessBindingRecord>();
}
