using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Cache;
using ZkDashboard.Core.Metrics;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Store;
using ZkDashboard.Core.Tests.Authorization;
using ZkDashboard.Core.Watches;
using ZkDashboard.Sandbox;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Sessions;

/// <summary>The sandbox ensemble shared by the sessions, watches, cache and operations tests.</summary>
[CollectionDefinition(Name)]
public sealed class SessionsEnsembleCollection : ICollectionFixture<EnsembleFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "SessionsEnsemble";
}

/// <summary>
/// The sessions stack (registry double, sessions, watch fan-out, cache, operations) over the sandbox, with the
/// ensemble "main" under a fresh chroot that is deleted afterwards.
/// </summary>
internal sealed class SessionsHarness : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private SessionsHarness(ServiceProvider provider, TestRegistry registry, string connectString, string chroot, SandboxEnsemble sandbox)
    {
        _provider = provider;
        Registry = registry;
        ConnectString = connectString;
        Chroot = chroot;
        Sandbox = sandbox;
    }

    public const string Main = "main";
    public TestRegistry Registry { get; }
    public RecordingAuditSink Audit { get; private init; } = new();
    public string ConnectString { get; }
    public string Chroot { get; }
    public SandboxEnsemble Sandbox { get; }
    public IServiceProvider Services => _provider;
    public IEnsembleSessions Sessions => _provider.GetRequiredService<IEnsembleSessions>();
    public IWatchFanout Hub => _provider.GetRequiredService<IWatchFanout>();
    public INodeCache Cache => _provider.GetRequiredService<INodeCache>();
    public IZooKeeperOperations Ops => _provider.GetRequiredService<IZooKeeperOperations>();
    public DashboardMetrics Metrics => _provider.GetRequiredService<DashboardMetrics>();

    public static Task<SessionsHarness> StartAsync(EnsembleFixture fx, Action<Dictionary<string, string?>>? settings = null, params EnsembleDefinition[] extra)
        => StartAsync(fx, settings, null, extra);

    /// <summary>As above, with more services (for example the store and change requests) added before the sessions.</summary>
    public static async Task<SessionsHarness> StartAsync(EnsembleFixture fx, Action<Dictionary<string, string?>>? settings,
        Action<IServiceCollection, IConfiguration>? configureServices, params EnsembleDefinition[] extra)
    {
        var chroot = EnsembleFixture.NewChrootName();
        await using (var root = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = fx.ConnectString }))
        {
            await root.CreateAsync(chroot, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        }
        var registry = new TestRegistry();
        var audit = new RecordingAuditSink();
        registry.Put(Definition(Main, fx.ConnectString + chroot));
        foreach (var d in extra)
        {
            registry.Put(d);
        }
        var values = new Dictionary<string, string?>
        {
            ["ZkDashboard:Sessions:ConnectTimeout"] = "00:00:05",
            ["ZkDashboard:Sessions:MaxReconnectBackoff"] = "00:00:01",
        };
        settings?.Invoke(values);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IEnsembleRegistry>(registry);
        if (values.Keys.Any(k => k.StartsWith(AccessOptions.SectionName + ":", StringComparison.Ordinal)))
        {
            // Tests of the access boundary: the real policy, and the audit records kept for assertions.
            services.AddZkDashboardAccess(configuration);
        }
        services.AddSingleton<IAuditSink>(audit);
        if (values.ContainsKey("ZkDashboard:Store:SqlitePath"))
        {
            // Tests of per-user ZooKeeper identities: a real store for the credentials, and the per-user session pool.
            services.AddZkDashboardStore(configuration);
            services.AddZkDashboardUserSessions();
        }
        configureServices?.Invoke(services, configuration);
        services.AddZkDashboardSessions(configuration);
        var provider = services.BuildServiceProvider();
        return new SessionsHarness(provider, registry, fx.ConnectString, chroot, fx.Ensemble) { Audit = audit };
    }

    public static EnsembleDefinition Definition(string name, string connectString, TimeSpan? sessionTimeout = null, DigestCredential? credentials = null, bool readOnly = false)
        => new(name, connectString, sessionTimeout ?? TimeSpan.FromSeconds(10), credentials, null, readOnly, [], EnsembleSource.Configuration);

    /// <summary>A separate client (its own session) under the same chroot: the "external" writer.</summary>
    public async Task<ZooKeeperClient> ExternalClientAsync()
    {
        // After an outage a server may still be catching up; retry within a deadline.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                return await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = ConnectString + Chroot, ConnectTimeout = TimeSpan.FromSeconds(5) });
            }
            catch (ConnectionLossException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }

    /// <summary>
    /// Paths (relative to the chroot) the service session has watches on, as the server reports them
    /// (<c>wchc</c> on the server the session is connected to).
    /// </summary>
    public async Task<IReadOnlyList<string>> ServerWatchPathsAsync(string ensemble = Main, SandboxEnsemble? sandbox = null, string? chroot = null)
    {
        var client = Sessions.Get(ensemble).CurrentClient ?? throw new InvalidOperationException("no session open");
        var server = (sandbox ?? Sandbox).Servers.First(s => s.HostPort == client.ConnectedServer);
        var text = await server.SendFourLetterWordAsync("wchc");
        return ParseWchc(text, client.SessionId, chroot ?? Chroot);
    }

    internal static IReadOnlyList<string> ParseWchc(string text, long sessionId, string chroot)
    {
        var result = new List<string>();
        var mine = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }
            if (!char.IsWhiteSpace(line[0]))
            {
                mine = Regex.IsMatch(line.Trim(), $"^0x0*{sessionId:x}$", RegexOptions.IgnoreCase);
                continue;
            }
            var path = line.Trim();
            if (mine && (path == chroot || path.StartsWith(chroot + "/", StringComparison.Ordinal)))
            {
                var rel = path[chroot.Length..];
                result.Add(rel.Length == 0 ? "/" : rel);
            }
        }
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        try
        {
            await using var root = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = ConnectString });
            await DeleteTreeAsync(root, Chroot);
        }
        catch (ZooKeeperException)
        {
            // Best effort: the chroot name is unique, a leftover harms no other test.
        }
    }

    internal static async Task DeleteTreeAsync(ZooKeeperClient client, string path)
    {
        ChildrenResult children;
        try
        {
            children = await client.GetChildrenAsync(path);
        }
        catch (NoNodeException)
        {
            return;
        }
        foreach (var chunk in children.Children.Chunk(200))
        {
            await Task.WhenAll(chunk.Select(c => DeleteTreeAsync(client, PathUtils.Join(path, c))));
        }
        try
        {
            await client.DeleteAsync(path);
        }
        catch (NoNodeException)
        {
        }
    }
}

/// <summary>Waits on conditions with deadlines (never fixed sleeps).</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }
            await Task.Delay(20);
        }
    }

    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }
            await Task.Delay(50);
        }
    }
}

/// <summary>An in-memory registry (the real one needs the store; these tests are about sessions).</summary>
internal sealed class TestRegistry : IEnsembleRegistry
{
    private readonly Dictionary<string, EnsembleDefinition> _all = new(StringComparer.OrdinalIgnoreCase); // as the real registry
    private readonly Lock _gate = new();

    public IReadOnlyList<EnsembleDefinition> All { get { lock (_gate) { return [.. _all.Values]; } } }
    public IReadOnlyList<string> ConfigurationErrors => [];
    public event EventHandler<EnsembleRegistryChangedEventArgs>? Changed;

    public EnsembleDefinition? Find(string name) { lock (_gate) { return _all.GetValueOrDefault(name); } }

    public void Put(EnsembleDefinition d)
    {
        EnsembleDefinition? previous;
        lock (_gate)
        {
            previous = _all.GetValueOrDefault(d.Name);
            _all[d.Name] = d;
        }
        Changed?.Invoke(this, new EnsembleRegistryChangedEventArgs(previous is null ? EnsembleChangeKind.Added : EnsembleChangeKind.Updated, d.Name, d, previous));
    }

    public Task<EnsembleDefinition> AddAsync(EnsembleDefinition definition, ActingUser user, CancellationToken ct = default) { Put(definition); return Task.FromResult(definition); }
    public Task<EnsembleDefinition> AddAsync(EnsembleDefinition definition, ActingUser user, EnsembleSaveOptions options, CancellationToken ct = default) => AddAsync(definition, user, ct);
    public Task<EnsembleDefinition> UpdateAsync(EnsembleDefinition definition, ActingUser user, CancellationToken ct = default) => AddAsync(definition, user, ct);
    public Task<EnsembleDefinition> UpdateAsync(EnsembleDefinition definition, ActingUser user, EnsembleSaveOptions options, CancellationToken ct = default) => AddAsync(definition, user, ct);

    public Task RemoveAsync(string name, ActingUser user, CancellationToken ct = default)
    {
        EnsembleDefinition? previous;
        lock (_gate)
        {
            _all.Remove(name, out previous);
        }
        if (previous is not null)
        {
            Changed?.Invoke(this, new EnsembleRegistryChangedEventArgs(EnsembleChangeKind.Removed, name, null, previous));
        }
        return Task.CompletedTask;
    }

    public Task<ReachabilityResult> CheckReachabilityAsync(EnsembleDefinition definition, CancellationToken ct = default)
        => Task.FromResult(new ReachabilityResult([]));
}

/// <summary>A subscriber that remembers the latest stat per path and everything it received.</summary>
internal sealed class RecordingSubscriber : IWatchSubscriber
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int?> _versions = new(StringComparer.Ordinal);
    private readonly List<WatchNotification> _all = [];

    public ValueTask OnWatchEventAsync(WatchNotification n, CancellationToken ct)
    {
        lock (_gate)
        {
            _all.Add(n);
            if (_all.Count > 50_000)
            {
                _all.RemoveRange(0, 25_000);
            }
            if (n.Change != WatchChange.Resync || n.Path == n.SubscribedPath)
            {
                _versions[n.Path] = n.Stat?.Version;
            }
        }
        return ValueTask.CompletedTask;
    }

    public int? VersionOf(string path) { lock (_gate) { return _versions.TryGetValue(path, out var v) ? v : null; } }
    public bool Has(Func<WatchNotification, bool> predicate) { lock (_gate) { return _all.Any(predicate); } }
    public int Count { get { lock (_gate) { return _all.Count; } } }
    public IReadOnlyList<WatchNotification> Snapshot() { lock (_gate) { return [.. _all]; } }
}
