using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Storage;

namespace ZkDashboard.Core.Store;

/// <summary>
/// Creates the database and its tables. Unlike <c>EnsureCreated</c>, it also adds tables that a newer version of the
/// model has and an existing database lacks (new tables only: changed columns need real migrations).
/// </summary>
public static class StoreSchema
{
    public static async Task<IReadOnlyList<string>> EnsureSchemaAsync(ZkDashboardDbContext db, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(ct).ConfigureAwait(false))
        {
            await creator.CreateAsync(ct).ConfigureAwait(false);
        }

        var names = await db.Database.SqlQueryRaw<string>(ExistingTablesSql(db)).ToListAsync(ct).ConfigureAwait(false);
        var (missing, commands) = Plan(db, names);
        if (missing.Count == 0)
        {
            return [];
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
        foreach (var command in commands)
        {
            await db.Database.ExecuteSqlRawAsync(command.CommandText, ct).ConfigureAwait(false);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return missing;
    }

    /// <summary>The same as <see cref="EnsureSchemaAsync"/> with synchronous database calls, for synchronous callers.</summary>
    public static IReadOnlyList<string> EnsureSchema(ZkDashboardDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (!creator.Exists())
        {
            creator.Create();
        }

        var (missing, commands) = Plan(db, db.Database.SqlQueryRaw<string>(ExistingTablesSql(db)).ToList());
        if (missing.Count == 0)
        {
            return [];
        }
        using var tx = db.Database.BeginTransaction();
        foreach (var command in commands)
        {
            db.Database.ExecuteSqlRaw(command.CommandText);
        }
        tx.Commit();
        return missing;
    }

    /// <summary>The tables the model has and the database lacks, and the commands that create them.</summary>
    private static (IReadOnlyList<string> Missing, IReadOnlyList<MigrationCommand> Commands) Plan(ZkDashboardDbContext db, IEnumerable<string> existingNames)
    {
        var existing = existingNames.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var model = db.GetService<IDesignTimeModel>().Model;
        var operations = db.GetService<IMigrationsModelDiffer>().GetDifferences(null, model.GetRelationalModel());
        var missing = operations.OfType<CreateTableOperation>()
            .Where(t => !existing.Contains(t.Name))
            .Select(t => t.Name)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (missing.Count == 0)
        {
            return ([], []);
        }

        var toRun = operations.Where(op => op switch
        {
            CreateTableOperation t => missing.Contains(t.Name),
            CreateIndexOperation i => missing.Contains(i.Table),
            AddForeignKeyOperation f => missing.Contains(f.Table),
            _ => false,
        }).ToList();
        var commands = db.GetService<IMigrationsSqlGenerator>().Generate(toRun, model);
        return (missing.Order(StringComparer.Ordinal).ToArray(), commands);
    }

    private static string ExistingTablesSql(ZkDashboardDbContext db) => db.Database.IsNpgsql()
        ? "SELECT table_name AS \"Value\" FROM information_schema.tables WHERE table_schema = current_schema()"
        : "SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'table'";
}
