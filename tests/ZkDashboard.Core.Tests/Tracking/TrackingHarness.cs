using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Audit;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Store;
using ZkDashboard.Core.Tests.Sessions;
using ZkDashboard.Core.Tracking;
using ZkDashboard.Sandbox;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;
using Microsoft.EntityFrameworkCore;

namespace ZkDashboard.Core.Tests.Tracking;

/// <summary>
/// Sessions, watch fan-out, operations, a real SQLite store and the subtree tracker over the sandbox, with ensemble "main"
/// under a fresh chroot where <c>/configs/**</c> is tracked (from settings), and an in-memory audit trail.
/// </summary>
internal sealed class TrackingHarness : IAsyncDisposable
{
    public const string Main = "main";
    private readonly ServiceProvider _provider;
    private readonly string _dataDir;

    private TrackingHarness(ServiceProvider provider, string connectString, string chroot, SandboxEnsemble sandbox, string dataDir, InMemoryAuditTrail audit)
    {
        _provider = provider;
        ConnectString = connectString;
        Chroot = chroot;
        Sandbox = sandbox;
        _dataDir = dataDir;
        Audit = audit;
    }

    public string ConnectString { get; }
    public string Chroot { get; }
    public SandboxEnsemble Sandbox { get; }
    public InMemoryAuditTrail Audit { get; }
    public IEnsembleSessions Sessions => _provider.GetRequiredService<IEnsembleSessions>();
    public IZooKeeperOperations Ops => _provider.GetRequiredService<IZooKeeperOperations>();
    public INodeHistory History => _provider.GetRequiredService<INodeHistory>();
    public SubtreeTracker Tracker => _provider.GetRequiredService<SubtreeTracker>();
    public IDashboardStore Store => _provider.GetRequiredService<IDashboardStore>();

    /// <summary>The full connect string with the chroot (for kazoo and external clients).</summary>
    public string ChrootedConnectString => ConnectString + Chroot;

    public static async Task<TrackingHarness> StartAsync(EnsembleFixture fx, Func<ZooKeeperClient, Task>? seed = null, TimeSpan? sessionTimeout = null,
        Action<Dictionary<string, string?>>? settings = null)
    {
        var chroot = EnsembleFixture.NewChrootName();
        await using (var root = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = fx.ConnectString }))
        {
            await root.CreateAsync(chroot, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        }
        if (seed is not null)
        {
            await using var c = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = fx.ConnectString + chroot });
            await seed(c);
        }
        var dataDir = Path.Combine(Path.GetTempPath(), "zkd-track-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        return await BuildAsync(fx.ConnectString, chroot, fx.Ensemble, dataDir, sessionTimeout, settings);
    }

    private Action<Dictionary<string, string?>>? _settings;
    private TimeSpan? _sessionTimeout;
    private bool _handedOver;

    private static async Task<TrackingHarness> BuildAsync(string connectString, string chroot, SandboxEnsemble sandbox, string dataDir, TimeSpan? sessionTimeout,
        Action<Dictionary<string, string?>>? settings)
    {
        var registry = new TestRegistry();
        registry.Put(SessionsHarness.Definition(Main, connectString + chroot, sessionTimeout));
        var values = new Dictionary<string, string?>
        {
            ["ZkDashboard:Sessions:ConnectTimeout"] = "00:00:05",
            ["ZkDashboard:Sessions:MaxReconnectBackoff"] = "00:00:01",
            ["ZkDashboard:Store:SqlitePath"] = Path.Combine(dataDir, "track.db"),
            ["ZkDashboard:Tracking:Subtrees:0:Ensemble"] = Main,
            ["ZkDashboard:Tracking:Subtrees:0:Glob"] = "/configs/**",
        };
        settings?.Invoke(values);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var audit = new InMemoryAuditTrail();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IEnsembleRegistry>(registry);
        if (values.Keys.Any(k => k.StartsWith(AccessOptions.SectionName + ":", StringComparison.Ordinal)))
        {
            services.AddZkDashboardAccess(configuration); // the real policy (it reads stored bindings from the store too)
        }
        services.AddSingleton<IAuditSink>(audit);
        services.AddSingleton<IAuditTrail>(audit);
        services.AddZkDashboardStore(configuration);
        services.AddZkDashboardSessions(configuration);
        services.AddZkDashboardTracking(configuration);
        var provider = services.BuildServiceProvider();
        var h = new TrackingHarness(provider, connectString, chroot, sandbox, dataDir, audit) { _settings = settings, _sessionTimeout = sessionTimeout };
        await h.Store.EnsureSchemaAsync();
        await h.Tracker.StartAsync(CancellationToken.None);
        return h;
    }

    /// <summary>"Restarts the dashboard": stops this one (its session closes) and builds a new one over the same store and chroot.</summary>
    public async Task<TrackingHarness> RestartAsync()
    {
        _handedOver = true;
        await Tracker.StopAsync(CancellationToken.None);
        await _provider.DisposeAsync();
        return await BuildAsync(ConnectString, Chroot, Sandbox, _dataDir, _sessionTimeout, _settings);
    }

    /// <summary>A separate client (its own session) under the chroot: a writer outside the dashboard.</summary>
    public async Task<ZooKeeperClient> ExternalClientAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                return await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = ChrootedConnectString, ConnectTimeout = TimeSpan.FromSeconds(5) });
            }
            catch (ConnectionLossException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }

    /// <summary>Every record of a path, oldest first.</summary>
    public async Task<List<NodeVersionRecord>> RecordsAsync(string path)
    {
        await using var db = await Store.CreateContextAsync();
        return await db.NodeVersions.AsNoTracking().Where(r => r.Ensemble == Main && r.Path == path).OrderBy(r => r.Id).ToListAsync();
    }

    /// <summary>Every record under a prefix, oldest first.</summary>
    public async Task<List<NodeVersionRecord>> RecordsUnderAsync(string prefix)
    {
        await using var db = await Store.CreateContextAsync();
        return await db.NodeVersions.AsNoTracking().Where(r => r.Ensemble == Main && (r.Path == prefix || r.Path.StartsWith(prefix + "/"))).OrderBy(r => r.Id).ToListAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_handedOver)
        {
            return;
        }
        await Tracker.StopAsync(CancellationToken.None);
        await _provider.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
        try
        {
            await using var root = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = ConnectString });
            await SessionsHarness.DeleteTreeAsync(root, Chroot);
        }
        catch (ZooKeeperException)
        {
        }
    }
}
