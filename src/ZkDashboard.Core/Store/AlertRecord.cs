using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ZkDashboard.Core.Store;

/// <summary>A health alert (raised and, later, resolved) kept across restarts.</summary>
public sealed class AlertRecord
{
    public long Id { get; set; }
    /// <summary>The in-memory alert id (HealthAlert.Id).</summary>
    public long AlertId { get; set; }
    public string Ensemble { get; set; } = "";
    public string? Server { get; set; }
    public string Kind { get; set; } = "";
    public string Severity { get; set; } = "";
    public string Message { get; set; } = "";
    public DateTimeOffset RaisedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
}

internal sealed class AlertRecordConfiguration : IEntityTypeConfiguration<AlertRecord>
{
    public void Configure(EntityTypeBuilder<AlertRecord> builder)
    {
        builder.ToTable("HealthAlerts");
        builder.HasKey(a => a.Id);
        builder.HasIndex(a => a.AlertId).IsUnique();
        builder.HasIndex(a => a.Ensemble);
        builder.Property(a => a.Ensemble).HasMaxLength(64).IsRequired();
        builder.Property(a => a.Server).HasMaxLength(300);
        builder.Property(a => a.Kind).HasMaxLength(64).IsRequired();
        builder.Property(a => a.Severity).HasMaxLength(16).IsRequired();
        builder.Property(a => a.Message).HasMaxLength(4000).IsRequired();
    }
}

/// <summary>Health alert history table (added the way later tables are added: entity + configuration + this partial).</summary>
public partial class ZkDashboardDbContext
{
    public DbSet<AlertRecord> HealthAlerts => Set<AlertRecord>();
}
