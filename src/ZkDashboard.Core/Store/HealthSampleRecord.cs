using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ZkDashboard.Core.Store;

/// <summary>One downsampled bucket of one per-server health metric (e.g. the average latency of server A over one minute).</summary>
public sealed class HealthSampleRecord
{
    public long Id { get; set; }
    public string Ensemble { get; set; } = "";
    public string Server { get; set; } = "";
    public string Metric { get; set; } = "";
    /// <summary>Start of the bucket, Unix seconds (UTC); integer so both SQLite and PostgreSQL compare it in SQL.</summary>
    public long BucketStart { get; set; }
    public double Min { get; set; }
    public double Max { get; set; }
    public double Avg { get; set; }
    public int Count { get; set; }
}

internal sealed class HealthSampleRecordConfiguration : IEntityTypeConfiguration<HealthSampleRecord>
{
    public void Configure(EntityTypeBuilder<HealthSampleRecord> builder)
    {
        builder.ToTable("HealthSamples");
        builder.HasKey(s => s.Id);
        builder.HasIndex(s => new { s.Ensemble, s.Server, s.Metric, s.BucketStart });
        builder.HasIndex(s => s.BucketStart);
        builder.Property(s => s.Ensemble).HasMaxLength(64).IsRequired();
        builder.Property(s => s.Server).HasMaxLength(300).IsRequired();
        builder.Property(s => s.Metric).HasMaxLength(128).IsRequired();
    }
}

/// <summary>Downsampled health series (the health page's 6 h / 24 h / 7 d charts).</summary>
public partial class ZkDashboardDbContext
{
    public DbSet<HealthSampleRecord> HealthSamples => Set<HealthSampleRecord>();
}
