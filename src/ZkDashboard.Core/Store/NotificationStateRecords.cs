using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ZkDashboard.Core.Store;

/// <summary>
/// An acknowledgement and/or silence of a health alert (<see cref="AlertRecord.AlertId"/>), kept across restarts. Its own table,
/// because <see cref="StoreSchema"/> adds missing tables to existing databases, not missing columns.
/// </summary>
public sealed class AlertMarkRecord
{
    public long Id { get; set; }
    public long AlertId { get; set; }
    public string? AcknowledgedBy { get; set; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public DateTimeOffset? SilencedUntil { get; set; }
}

/// <summary>
/// What one notification channel was told about one alert (the notifier's de-duplication and repeat state): a "raised" that was
/// sent (and whether it was delivered), when the last message went out, and a "resolved" still to deliver.
/// </summary>
public sealed class NotificationToldRecord
{
    public long Id { get; set; }
    public string Channel { get; set; } = "";
    public long AlertId { get; set; }
    public string Ensemble { get; set; } = "";
    public string? Server { get; set; }
    public string Kind { get; set; } = "";
    public string Severity { get; set; } = "";
    public string Message { get; set; } = "";
    public DateTimeOffset RaisedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    /// <summary>When the last raised or repeat message for the alert was queued.</summary>
    public DateTimeOffset LastSentAt { get; set; }
    /// <summary>The "raised" message reached the receiver (false: queued or given up; after a restart it is sent again).</summary>
    public bool RaisedDelivered { get; set; }
    /// <summary>Set when the alert resolved: the "resolved" message is queued and not yet delivered (sent again after a restart).</summary>
    public DateTimeOffset? ResolvedAt { get; set; }
}

/// <summary>A notification channel's delivery counters and last outcome (shown on /notifications and in /metrics), kept across restarts.</summary>
public sealed class NotificationChannelStateRecord
{
    public long Id { get; set; }
    public string Channel { get; set; } = "";
    public long Sent { get; set; }
    public long Failed { get; set; }
    public long Retries { get; set; }
    public long Dropped { get; set; }
    public DateTimeOffset? LastAttemptAt { get; set; }
    public DateTimeOffset? LastSuccessAt { get; set; }
    public string? LastSuccessSummary { get; set; }
    public DateTimeOffset? LastErrorAt { get; set; }
    public string? LastError { get; set; }
}

internal sealed class AlertMarkRecordConfiguration : IEntityTypeConfiguration<AlertMarkRecord>
{
    public void Configure(EntityTypeBuilder<AlertMarkRecord> builder)
    {
        builder.ToTable("HealthAlertMarks");
        builder.HasKey(a => a.Id);
        builder.HasIndex(a => a.AlertId).IsUnique();
        builder.Property(a => a.AcknowledgedBy).HasMaxLength(200);
    }
}

internal sealed class NotificationToldRecordConfiguration : IEntityTypeConfiguration<NotificationToldRecord>
{
    public void Configure(EntityTypeBuilder<NotificationToldRecord> builder)
    {
        builder.ToTable("NotificationTold");
        builder.HasKey(a => a.Id);
        builder.HasIndex(a => new { a.Channel, a.AlertId }).IsUnique();
        builder.Property(a => a.Channel).HasMaxLength(100).IsRequired();
        builder.Property(a => a.Ensemble).HasMaxLength(64).IsRequired();
        builder.Property(a => a.Server).HasMaxLength(300);
        builder.Property(a => a.Kind).HasMaxLength(64).IsRequired();
        builder.Property(a => a.Severity).HasMaxLength(16).IsRequired();
        builder.Property(a => a.Message).HasMaxLength(4000).IsRequired();
    }
}

internal sealed class NotificationChannelStateRecordConfiguration : IEntityTypeConfiguration<NotificationChannelStateRecord>
{
    public void Configure(EntityTypeBuilder<NotificationChannelStateRecord> builder)
    {
        builder.ToTable("NotificationChannelStates");
        builder.HasKey(a => a.Id);
        builder.HasIndex(a => a.Channel).IsUnique();
        builder.Property(a => a.Channel).HasMaxLength(100).IsRequired();
        builder.Property(a => a.LastSuccessSummary).HasMaxLength(500);
        builder.Property(a => a.LastError).HasMaxLength(2000);
    }
}

/// <summary>Alert marks and notification state tables (added the way later tables are added: entity + configuration + this partial).</summary>
public partial class ZkDashboardDbContext
{
    public DbSet<AlertMarkRecord> HealthAlertMarks => Set<AlertMarkRecord>();

    public DbSet<NotificationToldRecord> NotificationTold => Set<NotificationToldRecord>();

    public DbSet<NotificationChannelStateRecord> NotificationChannelStates => Set<NotificationChannelStateRecord>();
}
