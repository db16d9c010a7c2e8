using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ZkDashboard.Core.Store;

/// <summary>
/// A person's own ZooKeeper digest credential, for ensembles that act as the person (<c>ActAsUser</c>). The password is
/// kept only encrypted with ASP.NET Core Data Protection; it is shown to its owner once.
/// </summary>
public sealed class UserZkCredentialRecord
{
    public long Id { get; set; }
    /// <summary>The dashboard user name.</summary>
    public string UserName { get; set; } = "";
    /// <summary>Who vouched for the user (<c>local</c>, <c>ldap</c>, <c>oidc</c>, <c>proxy</c>).</summary>
    public string Provider { get; set; } = "";
    /// <summary>The digest user name ZooKeeper sees (<c>alice</c>; <c>alice@ldap</c> for other providers).</summary>
    public string DigestUser { get; set; } = "";
    /// <summary>The password, protected with Data Protection.</summary>
    public string ProtectedPassword { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>When the owner saw the password (it is shown once); null until then.</summary>
    public DateTimeOffset? RevealedAt { get; set; }
}

internal sealed class UserZkCredentialRecordConfiguration : IEntityTypeConfiguration<UserZkCredentialRecord>
{
    public void Configure(EntityTypeBuilder<UserZkCredentialRecord> builder)
    {
        builder.ToTable("UserZkCredentials");
        builder.HasKey(c => c.Id);
        builder.HasIndex(c => new { c.Provider, c.UserName }).IsUnique();
        builder.HasIndex(c => c.DigestUser).IsUnique();
        builder.Property(c => c.UserName).HasMaxLength(300).IsRequired();
        builder.Property(c => c.Provider).HasMaxLength(32).IsRequired();
        builder.Property(c => c.DigestUser).HasMaxLength(340).IsRequired();
        builder.Property(c => c.ProtectedPassword).HasMaxLength(2000).IsRequired();
    }
}

/// <summary>Per-user ZooKeeper credentials table.</summary>
public partial class ZkDashboardDbContext
{
    public DbSet<UserZkCredentialRecord> UserZkCredentials => Set<UserZkCredentialRecord>();
}
