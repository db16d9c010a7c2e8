using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Store;
using ZkDashboard.Core.Tests.Support;

namespace ZkDashboard.Core.Tests.Store;

public sealed class StoreSchemaTests : IDisposable
{
    private readonly StoreTestHost _host = new();

    public void Dispose() => _host.Dispose();

    private static List<string> Tables(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
        using var reader = cmd.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }

    [Fact]
    public async Task EnsureSchemaAsync_CreatesDatabaseFileAndTables_OnFirstUse()
    {
        await using var sp = _host.Build(configure: (s, c) => s.AddZkDashboardStore(c));
        await using (var db = await sp.GetRequiredService<IDashboardStore>().CreateContextAsync())
        {
            db.Ensembles.Add(new EnsembleRecord { Name = "n", ConnectString = "h:1", CreatedBy = "t", UpdatedBy = "t" });
            await db.SaveChangesAsync();
        }
        Assert.True(File.Exists(_host.DatabasePath));
        Assert.Contains("Ensembles", Tables(_host.DatabasePath));
        Assert.Contains("DataProtectionKeys", Tables(_host.DatabasePath));
    }

    [Fact]
    public async Task EnsureSchemaAsync_AddsMissingTable_ToExistingDatabase_KeepingData()
    {
        await using (var sp = _host.Build(configure: (s, c) => s.AddZkDashboardStore(c)))
        {
            await using var db = await sp.GetRequiredService<IDashboardStore>().CreateContextAsync();
            db.Ensembles.Add(new EnsembleRecord { Name = "kept", ConnectString = "h:1", CreatedBy = "t", UpdatedBy = "t" });
            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlRawAsync("DROP TABLE DataProtectionKeys");
        }
        SqliteConnection.ClearAllPools();
        Assert.DoesNotContain("DataProtectionKeys", Tables(_host.DatabasePath));

        // A newer model (here: the table dropped above) is created in place; existing rows survive.
        await using (var sp = _host.Build(configure: (s, c) => s.AddZkDashboardStore(c)))
        {
            await using var db = await sp.GetRequiredService<IDashboardStore>().CreateContextAsync();
            Assert.Equal(["kept"], await db.Ensembles.Select(e => e.Name).ToListAsync());
            Assert.Equal(0, await db.DataProtectionKeys.CountAsync());
        }
        Assert.Contains("DataProtectionKeys", Tables(_host.DatabasePath));
        Assert.Contains(_host.Logs.Lines, l => l.Contains("created tables DataProtectionKeys", StringComparison.Ordinal));
    }

    [Fact]
    public void AddZkDashboardStore_ThrowsClearError_ForPostgresWithoutConnectionString()
    {
        using var sp = _host.Build(new Dictionary<string, string?> { ["ZkDashboard:Store:Provider"] = "Postgres" }, (s, c) => s.AddZkDashboardStore(c));
        var ex = Assert.Throws<InvalidOperationException>(() => sp.GetRequiredService<IDbContextFactory<ZkDashboardDbContext>>().CreateDbContext());
        Assert.Contains("ConnectionStrings:ZkDashboard", ex.Message, StringComparison.Ordinal);
    }
}
