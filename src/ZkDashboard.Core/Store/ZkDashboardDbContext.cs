using Microsoft.EntityFrameworkCore;

namespace ZkDashboard.Core.Store;

/// <summary>
/// The dashboard database (SQLite by default, PostgreSQL optional).
/// To add a table in a later issue: add an entity class, an <see cref="IEntityTypeConfiguration{TEntity}"/> for it anywhere in this
/// assembly (picked up by <see cref="ModelBuilder.ApplyConfigurationsFromAssembly"/>), and a <c>DbSet</c> property in a new
/// <c>partial class ZkDashboardDbContext</c> file. <see cref="StoreSchema.EnsureSchemaAsync"/> creates missing tables in
/// existing databases at start-up.
/// </summary>
public partial class ZkDashboardDbContext(DbContextOptions<ZkDashboardDbContext> options) : DbContext(options)
{
    /// <summary>Ensembles added at runtime by an admin (configuration-defined ones live in appsettings).</summary>
    public DbSet<EnsembleRecord> Ensembles => Set<EnsembleRecord>();

    /// <summary>ASP.NET Core Data Protection key ring (XML elements), so restarts can decrypt stored credentials.</summary>
    public DbSet<DataProtectionKeyRecord> DataProtectionKeys => Set<DataProtectionKeyRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ZkDashboardDbContext).Assembly);
    }
}
