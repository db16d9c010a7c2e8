using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Audit;
using ZkDashboard.Core.Store;
using ZkDashboard.Core.Tests.Support;
using ZkDashboard.Core.Tracking;
using ZkDashboard.Testing.Postgres;

namespace ZkDashboard.Core.Tests.Tracking;

/// <summary>Retention of the <c>NodeVersions</c> table with the real durable audit trail, on SQLite and PostgreSQL.</summary>
public abstract class NodeVersionRetentionTestsBase
{
    private const string Main = "main";

    protected abstract Dictionary<string, string?> StoreSettings();

    private ServiceProvider Build(int days, int rows)
    {
        var values = StoreSettings();
        values["ZkDashboard:Tracking:RetentionDays"] = days.ToString(System.Globalization.CultureInfo.InvariantCulture);
        values["ZkDashboard:Tracking:RetentionRowsPerNode"] = rows.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddZkDashboardStore(configuration);
        services.AddZkDashboardAccess(configuration);
        services.AddZkDashboardAudit(configuration);
        services.AddOptions<TrackingOptions>().Bind(configuration.GetSection(TrackingOptions.SectionName));
        services.AddSingleton<NodeVersionRetention>();
        return services.BuildServiceProvider();
    }

    /// <summary>Adds one version of <paramref name="path"/> that happened <paramref name="daysAgo"/> days ago; returns its id.</summary>
    private static async Task<long> AddAsync(IServiceProvider sp, string path, double daysAgo, string ensemble = Main)
    {
        var at = DateTimeOffset.UtcNow.AddDays(-daysAgo).ToUnixTimeMilliseconds();
        await using var db = await sp.GetRequiredService<IDashboardStore>().CreateContextAsync();
        var r = new NodeVersionRecord
        {
            Ensemble = ensemble, Root = "/", Path = path, Kind = NodeChangeKind.Changed, Observation = NodeObservation.Event,
            AtMs = at, ObservedAtMs = at, Data = [1, 2, 3],
        };
        db.NodeVersions.Add(r);
        await db.SaveChangesAsync();
        return r.Id;
    }

    private static async Task<List<long>> IdsAsync(IServiceProvider sp, string path, string ensemble = Main)
    {
        await using var db = await sp.GetRequiredService<IDashboardStore>().CreateContextAsync();
        return await db.NodeVersions.AsNoTracking().Where(r => r.Ensemble == ensemble && r.Path == path).OrderBy(r => r.Id).Select(r => r.Id).ToListAsync();
    }

    private static async Task<List<AuditEntry>> PurgesAsync(IServiceProvider sp)
    {
        var list = new List<AuditEntry>();
        await foreach (var e in sp.GetRequiredService<IAuditTrail>().QueryAsync(ActingUser.System, new AuditQuery { Operation = "Purge", Limit = 0 }))
        {
            list.Add(e);
        }
        return list;
    }

    [Fact]
    public async Task PurgeAsync_OlderThanRetentionDays_NewestOfEachNodeKept_OneAuditedRecordWithCounts()
    {
        await using var sp = Build(days: 90, rows: 0);
        await AddAsync(sp, "/a", 200);
        await AddAsync(sp, "/a", 150);
        await AddAsync(sp, "/a", 100);
        var a4 = await AddAsync(sp, "/a", 1);
        await AddAsync(sp, "/b", 300);
        var b2 = await AddAsync(sp, "/b", 250); // old, but the newest of /b: its current state stays known
        var c1 = await AddAsync(sp, "/c", 400); // the only version of /c
        var other = await AddAsync(sp, "/a", 500, ensemble: "other"); // the same path on another ensemble is another node

        var purge = await sp.GetRequiredService<NodeVersionRetention>().PurgeAsync();

        Assert.Equal(new NodeVersionPurge(4, 0, 0), purge);
        Assert.Equal([a4], await IdsAsync(sp, "/a"));
        Assert.Equal([b2], await IdsAsync(sp, "/b"));
        Assert.Equal([c1], await IdsAsync(sp, "/c"));
        Assert.Equal([other], await IdsAsync(sp, "/a", "other"));

        var record = Assert.Single(await PurgesAsync(sp));
        Assert.Equal(("system", AuditOutcome.Succeeded, "*", "/"), (record.User, record.Outcome, record.Ensemble, record.Path));
        Assert.Contains("node history retention purged 4 tracked version(s): 4 older than 90 days", record.Detail!, StringComparison.Ordinal);
        Assert.Equal(4, record.Done);

        // Nothing left to purge: no second record.
        Assert.Equal(0, (await sp.GetRequiredService<NodeVersionRetention>().PurgeAsync()).Total);
        Assert.Single(await PurgesAsync(sp));
        Assert.True((await sp.GetRequiredService<IAuditTrail>().VerifyAsync(ActingUser.System)).Ok);
    }

    [Fact]
    public async Task PurgeAsync_OverRowsPerNode_KeepsTheNewestRows_CountsAudited()
    {
        await using var sp = Build(days: 0, rows: 3);
        var a = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            a.Add(await AddAsync(sp, "/a", 1000 - i)); // age does not matter without RetentionDays
        }
        var b = new List<long> { await AddAsync(sp, "/b", 5), await AddAsync(sp, "/b", 4) };

        var purge = await sp.GetRequiredService<NodeVersionRetention>().PurgeAsync();

        Assert.Equal(new NodeVersionPurge(0, 2, 1), purge);
        Assert.Equal(a[2..], await IdsAsync(sp, "/a"));
        Assert.Equal(b, await IdsAsync(sp, "/b"));
        var record = Assert.Single(await PurgesAsync(sp));
        Assert.Contains("purged 2 tracked version(s): 0 older than -, 2 over 3 per node (1 node(s))", record.Detail!, StringComparison.Ordinal);
        Assert.Equal(2, record.Done);
    }

    [Fact]
    public async Task PurgeAsync_BothLimitsAtTheirTightest_NewestVersionStillKept()
    {
        await using var sp = Build(days: 1, rows: 1);
        await AddAsync(sp, "/a", 30);
        await AddAsync(sp, "/a", 20);
        var newest = await AddAsync(sp, "/a", 10);

        var purge = await sp.GetRequiredService<NodeVersionRetention>().PurgeAsync();

        Assert.Equal(2, purge.Total);
        Assert.Equal([newest], await IdsAsync(sp, "/a"));
        Assert.Equal(2, Assert.Single(await PurgesAsync(sp)).Done);
    }

    [Fact]
    public async Task PurgeAsync_NoLimits_NothingPurgedNothingAudited()
    {
        await using var sp = Build(days: 0, rows: 0);
        await AddAsync(sp, "/a", 5000);
        await AddAsync(sp, "/a", 4000);
        var retention = sp.GetRequiredService<NodeVersionRetention>();
        Assert.False(retention.Enabled);
        Assert.Equal(0, (await retention.PurgeAsync()).Total);
        Assert.Equal(2, (await IdsAsync(sp, "/a")).Count);
        Assert.Empty(await PurgesAsync(sp));
    }
}

public sealed class NodeVersionRetentionSqliteTests : NodeVersionRetentionTestsBase, IDisposable
{
    private readonly StoreTestHost _host = new();

    protected override Dictionary<string, string?> StoreSettings() => new() { ["ZkDashboard:Store:SqlitePath"] = _host.DatabasePath };

    public void Dispose() => _host.Dispose();
}

public sealed class NodeVersionRetentionPostgresTests(PostgresServer server) : NodeVersionRetentionTestsBase, IClassFixture<PostgresServer>
{
    private readonly string _database = "zkd_" + Guid.NewGuid().ToString("N")[..12];

    protected override Dictionary<string, string?> StoreSettings() => new()
    {
        ["ZkDashboard:Store:Provider"] = "Postgres",
        ["ZkDashboard:Store:ConnectionString"] = server.ConnectionString(_database),
    };
}
