using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ZkDashboard.Core.Store;

/// <summary>A runtime-added ensemble row. Secrets are stored only as Data Protection ciphertext.</summary>
public sealed class EnsembleRecord
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string ConnectString { get; set; } = "";
    public double SessionTimeoutSeconds { get; set; }
    public bool ReadOnly { get; set; }
    /// <summary>Comma-separated host:port list; empty = derived from the connect string.</summary>
    public string FourLetterWordHosts { get; set; } = "";
    public string? DigestUser { get; set; }
    /// <summary>Digest password encrypted with Data Protection (never plaintext).</summary>
    public string? DigestPasswordProtected { get; set; }
    public bool TlsEnabled { get; set; }
    public bool TlsAllowUntrusted { get; set; }
    public string? TlsCaCertificatePath { get; set; }
    public string? TlsClientCertificatePath { get; set; }
    /// <summary>Client certificate password encrypted with Data Protection.</summary>
    public string? TlsClientCertificatePasswordProtected { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
}

internal sealed class EnsembleRecordConfiguration : IEntityTypeConfiguration<EnsembleRecord>
{
    public void Configure(EntityTypeBuilder<EnsembleRecord> builder)
    {
        builder.ToTable("Ensembles");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Name).HasMaxLength(64).IsRequired();
        builder.HasIndex(e => e.Name).IsUnique();
        builder.Property(e => e.ConnectString).HasMaxLength(4096).IsRequired();
        builder.Property(e => e.FourLetterWordHosts).HasMaxLength(4096);
        builder.Property(e => e.DigestUser).HasMaxLength(256);
        builder.Property(e => e.CreatedBy).HasMaxLength(256);
        builder.Property(e => e.UpdatedBy).HasMaxLength(256);
    }
}

/// <summary>One Data Protection key (an XML element), stored by <see cref="DbXmlRepository"/>.</summary>
public sealed class DataProtectionKeyRecord
{
    public int Id { get; set; }
    public string FriendlyName { get; set; } = "";
    public string Xml { get; set; } = "";
}

internal sealed class DataProtectionKeyRecordConfiguration : IEntityTypeConfiguration<DataProtectionKeyRecord>
{
    public void Configure(EntityTypeBuilder<DataProtectionKeyRecord> builder)
    {
        builder.ToTable("DataProtectionKeys");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.FriendlyName).HasMaxLength(256);
        builder.Property(e => e.Xml).IsRequired();
    }
}
