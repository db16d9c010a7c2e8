using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Cache;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Testing;
using ZkDashboard.Web.Explorer.Tree;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Tests.Explorer;

[CollectionDefinition(Name)]
public sealed class ExplorerEnsembleCollection : ICollectionFixture<EnsembleFixture>
{
    public const string Name = "ExplorerEnsemble";
}

/// <summary>The tree's data source over the real node cache and a real ensemble.</summary>
[Collection(ExplorerEnsembleCollection.Name)]
public sealed class NodeCacheTreeDataSourceTests(EnsembleFixture fx) : IAsyncLifetime
{
    private const string Ensemble = "main";
    private const string Hostile = "<img src=x onerror=alert(1)>";
    private readonly string _chroot = EnsembleFixture.NewChrootName();
    private ServiceProvider? _provider;
    private ZooKeeperClient? _external;

    private INodeCache Cache => _provider!.GetRequiredService<INodeCache>();

    public async Task InitializeAsync()
    {
        await using (var root = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = fx.ConnectString }))
        {
            await root.CreateAsync(_chroot, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        }

        _external = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = fx.ConnectString + _chroot });
        var registry = new SingleEnsembleRegistry(new EnsembleDefinition(
            Ensemble, fx.ConnectString + _chroot, TimeSpan.FromSeconds(10), null, null, false, [], EnsembleSource.Configuration));
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IEnsembleRegistry>(registry);
        services.AddZkDashboardSessions(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ZkDashboard:Sessions:ConnectTimeout"] = "00:00:10",
        }).Build());
        _provider = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        if (_external is not null)
        {
            await _external.DisposeAsync();
        }
    }

    [Fact]
    public async Task GetChildren_RealEnsemble_PagesSortsAndMarks()
    {
        var zk = _external!;
        await zk.CreateAsync("/p", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        for (var i = 1; i <= 250; i++)
        {
            await zk.CreateAsync($"/p/n-{i}", new byte[i % 7], Acls.OpenUnsafe);
        }

        await zk.CreateAsync("/p/" + Hostile, "x"u8.ToArray(), Acls.OpenUnsafe);
        await zk.CreateAsync("/p/eph", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe, CreateMode.Ephemeral);
        await zk.CreateAsync("/p/locked", ReadOnlyMemory<byte>.Empty, [new Acl(Perms.All, Id.Digest("someone", "else"))]);
        var box = await zk.CreateAsync("/p/box", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe, CreateMode.Container);

        var created = new InMemoryCreatedNodeRegistry();
        await created.RecordAsync(new CreatedNodeRecord(Ensemble, "/p/box", CreateMode.Container, 0, box.Stat.Czxid, DateTimeOffset.UtcNow, "test"));
        var source = new NodeCacheTreeDataSource(Cache, Ensemble, created);

        // A tree over it: 100 rows per page, the window in the middle fetched on demand.
        var model = new TreeModel(source);
        await model.LoadAsync(CancellationToken.None);
        Assert.True(await model.ExpandAsync("/p", CancellationToken.None));
        Assert.Equal(254, model.Summary("/p")!.Total);

        var all = await WaitForStatsAsync(source, "/p", 254);
        Assert.Contains(all, i => i.Name == Hostile);
        Assert.NotEqual(0, all.Single(i => i.Name == "eph").EphemeralOwner);
        Assert.Equal(zk.SessionId, all.Single(i => i.Name == "eph").EphemeralOwner);
        Assert.Equal("container", all.Single(i => i.Name == "box").CreatedHereAs);
        Assert.Null(all.Single(i => i.Name == "n-1").CreatedHereAs);

        var bySequence = await source.GetChildrenAsync(new ChildQuery("/p", 0, 3, ChildSort.Sequence, Filter: "n-"), CancellationToken.None);
        Assert.Equal(["n-1", "n-2", "n-3"], bySequence.Items.Select(i => i.Name));
        Assert.Equal(250, bySequence.Matched);
        Assert.Equal(249, await source.IndexOfAsync(new ChildQuery("/p", 0, 0, ChildSort.Sequence, Filter: "n-"), "n-250", CancellationToken.None));

        var bad = await source.GetChildrenAsync(new ChildQuery("/p", 0, 10, Filter: "(", FilterMode: ChildFilterMode.Regex), CancellationToken.None);
        Assert.Contains("not a valid regular expression", bad.Error);

        // NoAuth: the locked node's children cannot be listed; the tree shows a lock row.
        Assert.True(await model.ExpandAsync("/p/locked", CancellationToken.None));
        Assert.True(model.Summary("/p/locked")!.NoAuth);
    }

    [Fact]
    public void DescribeCreatedMode_OnlyContainerAndTtl()
    {
        CreatedNodeRecord Record(CreateMode mode, long ttl = 0) => new(Ensemble, "/x", mode, ttl, 1, DateTimeOffset.UtcNow, "t");
        Assert.Equal("container", NodeCacheTreeDataSource.DescribeCreatedMode(Record(CreateMode.Container)));
        Assert.Equal("TTL 1 min", NodeCacheTreeDataSource.DescribeCreatedMode(Record(CreateMode.PersistentWithTtl, 60_000)));
        Assert.Equal("TTL 45 s", NodeCacheTreeDataSource.DescribeCreatedMode(Record(CreateMode.PersistentWithTtl, 45_000)));
        Assert.Equal("TTL 2 h", NodeCacheTreeDataSource.DescribeCreatedMode(Record(CreateMode.PersistentSequentialWithTtl, 7_200_000)));
        Assert.Equal("TTL 1.5 s", NodeCacheTreeDataSource.DescribeCreatedMode(Record(CreateMode.PersistentWithTtl, 1500)));
        Assert.Null(NodeCacheTreeDataSource.DescribeCreatedMode(Record(CreateMode.Persistent)));
        Assert.Null(NodeCacheTreeDataSource.DescribeCreatedMode(null));
    }

    private static async Task<IReadOnlyList<TreeNodeInfo>> WaitForStatsAsync(ITreeDataSource source, string path, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var page = await source.GetChildrenAsync(new ChildQuery(path, 0, 1000), CancellationToken.None);
            if (page.Items.Count == count && page.Items.All(i => i.Mtime is not null))
            {
                return page.Items;
            }

            Assert.True(DateTime.UtcNow < deadline, $"stats of {path} did not load: {page.Items.Count(i => i.Mtime is not null)} of {count}");
            await Task.Delay(50);
        }
    }

    private sealed class SingleEnsembleRegistry(EnsembleDefinition definition) : IEnsembleRegistry
    {
        public IReadOnlyList<EnsembleDefinition> All => [definition];

        public IReadOnlyList<string> ConfigurationErrors => [];

        public event EventHandler<EnsembleRegistryChangedEventArgs>? Changed
        {
            add { }
            remove { }
        }

        public EnsembleDefinition? Find(string name) => name == definition.Name ? definition : null;

        public Task<EnsembleDefinition> AddAsync(EnsembleDefinition d, ActingUser user, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<EnsembleDefinition> AddAsync(EnsembleDefinition d, ActingUser user, EnsembleSaveOptions options, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<EnsembleDefinition> UpdateAsync(EnsembleDefinition d, ActingUser user, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<EnsembleDefinition> UpdateAsync(EnsembleDefinition d, ActingUser user, EnsembleSaveOptions options, CancellationToken ct = default) => throw new NotSupportedException();

        public Task RemoveAsync(string name, ActingUser user, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<ReachabilityResult> CheckReachabilityAsync(EnsembleDefinition d, CancellationToken ct = default) => throw new NotSupportedException();
    }
}
