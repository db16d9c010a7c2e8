using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Store;
using ZkDashboard.Core.Tests.Sessions;
using ZkDashboard.Core.Tests.Support;
using ZkDashboard.Testing.Postgres;

namespace ZkDashboard.Core.Tests.Authorization;

/// <summary>Records audit records in memory (for asserting that refusals are audited).</summary>
public sealed class RecordingAuditSink : IAuditSink
{
    private readonly List<AuditRecord> _records = [];

    public IReadOnlyList<AuditRecord> Records
    {
        get
        {
            lock (_records)
            {
                return [.. _records];
            }
        }
    }

    public ValueTask RecordAsync(AuditRecord record, CancellationToken ct)
    {
        lock (_records)
        {
            _records.Add(record);
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>Stored bindings through <see cref="IAccessAdministration"/>, on SQLite and on a real PostgreSQL server.</summary>
public abstract class AccessStoreTestsBase
{
    protected static readonly ActingUser Admin = new("root", ["admins"], "127.0.0.1");
    protected static readonly ActingUser Viewer = new("vic", ["viewers"], "127.0.0.1");

    protected abstract Dictionary<string, string?> StoreSettings();

    protected ServiceProvider Build(RecordingAuditSink audit, string? reloadInterval = null)
    {
        var values = StoreSettings();
        if (reloadInterval is not null)
        {
            values["ZkDashboard:Access:ReloadInterval"] = reloadInterval;
        }
        values["ZkDashboard:Access:Bindings:0:Subject"] = "group:admins";
        values["ZkDashboard:Access:Bindings:0:Role"] = "admin";
        values["ZkDashboard:Access:Bindings:1:Subject"] = "group:viewers";
        values["ZkDashboard:Access:Bindings:1:Role"] = "viewer";
        values["ZkDashboard:Access:Bindings:1:Paths"] = "/public/**";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddZkDashboardStore(configuration);
        services.AddZkDashboardAccess(configuration);
        services.AddSingleton<IAuditSink>(audit);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task AddBindingAsync_Admin_StoresAndAppliesAndSurvivesRestart()
    {
        var audit = new RecordingAuditSink();
        string id;
        await using (var sp = Build(audit))
        {
            var admin = sp.GetRequiredService<IAccessAdministration>();
            var policy = sp.GetRequiredService<IAccessPolicy>();
            Assert.False((await policy.CanAsync(Viewer, "e", AccessAction.SetData, "/teams/a/x")).Allowed);
            var added = await admin.AddBindingAsync(Admin, new AccessBindingInput(" group:viewers ", "LOCAL", "operator", "e*", "/teams/a/**"));
            id = added.Id;
            Assert.StartsWith("store:", id, StringComparison.Ordinal);
            Assert.Equal("local", added.Provider);
            Assert.True((await policy.CanAsync(Viewer, "e1", AccessAction.SetData, "/teams/a/x")).Allowed);
            Assert.False((await policy.CanAsync(Viewer, "f", AccessAction.SetData, "/teams/a/x")).Allowed);
            Assert.Contains(audit.Records, r => r.Outcome == AuditOutcome.Succeeded && r.Detail!.StartsWith("added binding group:viewers", StringComparison.Ordinal));
        }
        await using (var sp = Build(audit))
        {
            var rules = await sp.GetRequiredService<IAccessAdministration>().GetRulesAsync(Admin);
            var stored = Assert.Single(rules.Bindings, b => b.Source == AccessBindingSource.Store);
            Assert.Equal(id, stored.Id);
            Assert.Equal(2, rules.Bindings.Count(b => b.Source == AccessBindingSource.Configuration));
            var policy = sp.GetRequiredService<IAccessPolicy>();
            Assert.True((await policy.CanAsync(Viewer, "e1", AccessAction.SetData, "/teams/a/x")).Allowed);

            var changed = await sp.GetRequiredService<IAccessAdministration>().UpdateBindingAsync(Admin, id, new AccessBindingInput("group:viewers", null, "viewer", "e*", "/teams/a/**"));
            Assert.Equal("viewer", changed.Role);
            Assert.False((await policy.CanAsync(Viewer, "e1", AccessAction.SetData, "/teams/a/x")).Allowed);
            Assert.True((await policy.CanAsync(Viewer, "e1", AccessAction.Read, "/teams/a/x")).Allowed);

            await sp.GetRequiredService<IAccessAdministration>().RemoveBindingAsync(Admin, id);
            Assert.False((await policy.CanAsync(Viewer, "e1", AccessAction.Read, "/teams/a/x")).Allowed);
        }
    }

    [Fact]
    public async Task StoredBindings_ChangedInOneInstance_ReloadInTheOtherOnTheSameStore()
    {
        // Two dashboard instances on one store; the second learns of the first's edits by its poll alone.
        await using var first = Build(new RecordingAuditSink(), reloadInterval: "00:00:00.200");
        await using var second = Build(new RecordingAuditSink(), reloadInterval: "00:00:00.200");
        var hosted = second.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }
        try
        {
            var policy = second.GetRequiredService<IAccessPolicy>();
            Assert.False((await policy.CanAsync(Viewer, "e", AccessAction.SetData, "/teams/b/x")).Allowed); // loaded before the edit

            var added = await first.GetRequiredService<IAccessAdministration>().AddBindingAsync(Admin, new AccessBindingInput("group:viewers", null, "operator", "*", "/teams/b/**"));
            await Eventually.TrueAsync(async () => (await policy.CanAsync(Viewer, "e", AccessAction.SetData, "/teams/b/x")).Allowed,
                "the second instance allows what the first instance's new binding grants");

            await first.GetRequiredService<IAccessAdministration>().UpdateBindingAsync(Admin, added.Id, new AccessBindingInput("group:viewers", null, "viewer", "*", "/teams/b/**"));
            await Eventually.TrueAsync(async () => !(await policy.CanAsync(Viewer, "e", AccessAction.SetData, "/teams/b/x")).Allowed,
                "the second instance follows the first instance's change of role");
            Assert.True((await policy.CanAsync(Viewer, "e", AccessAction.Read, "/teams/b/x")).Allowed);

            await first.GetRequiredService<IAccessAdministration>().RemoveBindingAsync(Admin, added.Id);
            await Eventually.TrueAsync(async () => !(await policy.CanAsync(Viewer, "e", AccessAction.Read, "/teams/b/x")).Allowed,
                "the second instance drops the binding the first instance removed");
            Assert.False(await second.GetRequiredService<AccessPolicy>().RefreshIfChangedAsync()); // nothing new: no recompile
        }
        finally
        {
            foreach (var service in hosted)
            {
                await service.StopAsync(CancellationToken.None);
            }
        }
    }

    [Fact]
    public async Task AddBindingAsync_NonAdmin_RefusedAndAudited_NothingStored()
    {
        var audit = new RecordingAuditSink();
        await using var sp = Build(audit);
        var admin = sp.GetRequiredService<IAccessAdministration>();
        var denied = await Assert.ThrowsAsync<AccessDeniedException>(() => admin.AddBindingAsync(Viewer, new AccessBindingInput("user:vic", null, "admin", "*", "/**")));
        Assert.Contains("manageAccess needs admin", denied.Reason, StringComparison.Ordinal);
        var record = Assert.Single(audit.Records);
        Assert.Equal(AuditOutcome.Denied, record.Outcome);
        Assert.Equal(ZkOperationKind.ManageAccess, record.Operation.Kind);
        Assert.Equal("vic", record.Operation.User.Name);
        await Assert.ThrowsAsync<AccessDeniedException>(() => admin.GetRulesAsync(Viewer));
        await Assert.ThrowsAsync<AccessDeniedException>(() => admin.ExplainAsync(Viewer, Admin, "e", "/"));
        Assert.DoesNotContain((await admin.GetRulesAsync(Admin)).Bindings, b => b.Source == AccessBindingSource.Store);
    }

    [Fact]
    public async Task AddBindingAsync_BadInput_ClearErrorNothingStored()
    {
        var audit = new RecordingAuditSink();
        await using var sp = Build(audit);
        var admin = sp.GetRequiredService<IAccessAdministration>();
        var role = await Assert.ThrowsAsync<AccessConfigurationException>(() => admin.AddBindingAsync(Admin, new AccessBindingInput("group:x", null, "superuser", "*", "/**")));
        Assert.StartsWith("unknown role 'superuser'", role.Message, StringComparison.Ordinal);
        var glob = await Assert.ThrowsAsync<AccessConfigurationException>(() => admin.AddBindingAsync(Admin, new AccessBindingInput("group:x", null, "viewer", "*", "kafka")));
        Assert.Contains("must start with \"/\"", glob.Message, StringComparison.Ordinal);
        var config = await Assert.ThrowsAsync<AccessConfigurationException>(() => admin.RemoveBindingAsync(Admin, "config:0"));
        Assert.Contains("configuration bindings are changed in appsettings", config.Message, StringComparison.Ordinal);
        Assert.DoesNotContain((await admin.GetRulesAsync(Admin)).Bindings, b => b.Source == AccessBindingSource.Store);
    }

    [Fact]
    public async Task ExplainAsync_Admin_ExplainsAnotherUser()
    {
        await using var sp = Build(new RecordingAuditSink());
        var lines = await sp.GetRequiredService<IAccessAdministration>().ExplainAsync(Admin, Viewer, "e", "/public/x");
        var read = lines.Single(l => l.Decision.Action == AccessAction.Read);
        Assert.True(read.Decision.Allowed);
        Assert.Equal("config:1", read.Decision.Binding!.Id);
        Assert.False(lines.Single(l => l.Decision.Action == AccessAction.Create).Decision.Allowed);
    }
}

public sealed class AccessStoreSqliteTests : AccessStoreTestsBase, IDisposable
{
    private readonly StoreTestHost _host = new();

    protected override Dictionary<string, string?> StoreSettings() => new() { ["ZkDashboard:Store:SqlitePath"] = _host.DatabasePath };

    public void Dispose() => _host.Dispose();
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}

[Collection(PostgresCollection.Name)]
public sealed class AccessStorePostgresTests(PostgresServer server) : AccessStoreTestsBase
{
    private readonly string _database = "zkd_" + Guid.NewGuid().ToString("N")[..12];

    protected override Dictionary<string, string?> StoreSettings() => new()
    {
        ["ZkDashboard:Store:Provider"] = "Postgres",
        ["ZkDashboard:Store:ConnectionString"] = server.ConnectionString(_database),
    };
}
