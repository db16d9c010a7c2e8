using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Audit;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Store;
using ZkDashboard.Core.Tests.Sessions;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Audit;

/// <summary>
/// The real boundary (<see cref="ZooKeeperOperations"/>, the real access policy) over a chroot of the sandbox ensemble, with
/// the real durable audit trail in a real store (SQLite file or PostgreSQL database).
/// </summary>
internal sealed class AuditHarness : IAsyncDisposable
{
    public const string Main = "main";
    public static readonly ActingUser Alice = new("alice", ["admins"], "10.1.2.3") { Provider = "local", UserAgent = "test-agent/1.0", RequestId = "req-1" };
    public static readonly ActingUser Vic = new("vic", ["viewers"], "10.1.2.4") { Provider = "ldap" };

    private readonly ServiceProvider _provider;

    private AuditHarness(ServiceProvider provider, string connectString, string chroot)
    {
        _provider = provider;
        ConnectString = connectString;
        Chroot = chroot;
    }

    public string ConnectString { get; }
    public string Chroot { get; }
    public IServiceProvider Services => _provider;
    public IZooKeeperOperations Ops => _provider.GetRequiredService<IZooKeeperOperations>();
    public DbAuditTrail Trail => _provider.GetRequiredService<DbAuditTrail>();
    public IAuditTrail Reader => _provider.GetRequiredService<IAuditTrail>();
    public IDashboardStore Store => _provider.GetRequiredService<IDashboardStore>();

    /// <param name="onIntent">When set: runs on each intent record (a write's record before it is sent), after the real trail
    /// has committed it and before the boundary goes on (to make something happen exactly between the two).</param>
    public static async Task<AuditHarness> StartAsync(EnsembleFixture fx, Dictionary<string, string?> store, Action<Dictionary<string, string?>>? settings = null,
        Func<IServiceProvider, AuditRecord, Task>? onIntent = null)
    {
        var chroot = EnsembleFixture.NewChrootName();
        await using (var root = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = fx.ConnectString }))
        {
            await root.CreateAsync(chroot, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        }
        var registry = new TestRegistry();
        registry.Put(SessionsHarness.Definition(Main, fx.ConnectString + chroot));
        var values = new Dictionary<string, string?>(store)
        {
            ["ZkDashboard:Sessions:ConnectTimeout"] = "00:00:05",
            ["ZkDashboard:Access:Bindings:0:Subject"] = "group:admins",
            ["ZkDashboard:Access:Bindings:0:Role"] = "admin",
            ["ZkDashboard:Access:Bindings:1:Subject"] = "group:viewers",
            ["ZkDashboard:Access:Bindings:1:Role"] = "viewer",
        };
        settings?.Invoke(values);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IEnsembleRegistry>(registry);
        services.AddZkDashboardStore(configuration);
        services.AddZkDashboardAccess(configuration);
        services.AddZkDashboardSessions(configuration);
        services.AddZkDashboardAudit(configuration);
        if (onIntent is not null)
        {
            services.RemoveAll<IAuditSink>();
            services.AddSingleton<IAuditSink>(sp => new IntentHookSink(sp.GetRequiredService<DbAuditTrail>(), r => onIntent(sp, r)));
        }
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IDashboardStore>().EnsureSchemaAsync();
        return new AuditHarness(provider, fx.ConnectString, chroot);
    }

    /// <summary>Every stored record, oldest first, intents included.</summary>
    public async Task<List<AuditEntry>> AllAsync()
    {
        var list = new List<AuditEntry>();
        await foreach (var e in Reader.QueryAsync(Alice, new AuditQuery { Limit = 0, IncludeIntents = true }))
        {
            list.Add(e);
        }
        list.Reverse();
        return list;
    }

    public async Task<ZooKeeperClient> ExternalClientAsync()
        => await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = ConnectString + Chroot, ConnectTimeout = TimeSpan.FromSeconds(10) });

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        try
        {
            await using var root = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = ConnectString });
            await SessionsHarness.DeleteTreeAsync(root, Chroot);
        }
        catch (ZooKeeperException)
        {
            // Best effort: the chroot name is unique.
        }
    }
}

/// <summary>The real trail, with a hook after each intent record it committed.</summary>
internal sealed class IntentHookSink(DbAuditTrail trail, Func<AuditRecord, Task> onIntent) : IAuditSink
{
    public bool CapturesChanges => trail.CapturesChanges;

    public ValueTask RecordAsync(AuditRecord record, CancellationToken ct) => trail.RecordAsync(record, ct);

    public async ValueTask<long?> AppendAsync(AuditRecord record, bool required, CancellationToken ct)
    {
        var id = await trail.AppendAsync(record, required, ct);
        if (record.Outcome == AuditOutcome.Pending)
        {
            await onIntent(record);
        }
        return id;
    }
}
