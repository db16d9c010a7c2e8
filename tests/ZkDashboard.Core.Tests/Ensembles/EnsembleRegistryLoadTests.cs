using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Store;
using ZkDashboard.Core.Tests.Sessions;
using ZkDashboard.Core.Tests.Support;

namespace ZkDashboard.Core.Tests.Ensembles;

/// <summary>The registry's first load is asynchronous: it blocks no caller's thread, and concurrent first callers share it.</summary>
public sealed class EnsembleRegistryLoadTests : IDisposable
{
    private static readonly ActingUser Admin = new("alice", ["admin"], "127.0.0.1");
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly Dictionary<string, string?> Config = new()
    {
        ["ZkDashboard:Ensembles:0:Name"] = "configured",
        ["ZkDashboard:Ensembles:0:ConnectString"] = "127.0.0.1:2181",
    };

    private readonly StoreTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task EnsureLoadedAsync_StoreSlow_ReturnsAtOnceAndConcurrentFirstCallersShareOneLoad()
    {
        await using (var first = _host.Build(Config, (s, c) => s.AddZkDashboardEnsembles(c)))
        {
            await first.GetRequiredService<IEnsembleRegistry>().AddAsync(EnsembleDefinition.Create("stored", "127.0.0.1:2182"), Admin, new EnsembleSaveOptions(SkipReachabilityCheck: true));
        }

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        GatedStore? store = null;
        await using var sp = _host.Build(Config, (s, c) =>
        {
            s.AddZkDashboardEnsembles(c);
            s.AddSingleton<IDashboardStore>(p => store = new GatedStore(ActivatorUtilities.CreateInstance<DashboardStore>(p), gate.Task));
        });
        var registry = (EnsembleRegistry)sp.GetRequiredService<IEnsembleRegistry>();

        // The first caller gets a task back while the store is still answering: its thread is not held.
        var firstLoad = await Task.Factory.StartNew(() => registry.EnsureLoadedAsync(), CancellationToken.None, TaskCreationOptions.None, TaskScheduler.Default).WaitAsync(Deadline);
        Assert.False(firstLoad.IsCompleted);
        Assert.False(registry.IsLoaded);
        var asyncCallers = Enumerable.Range(0, 8).Select(_ => Task.Run(() => registry.EnsureLoadedAsync())).ToArray();
        var syncReaders = Enumerable.Range(0, 4).Select(_ => Task.Run(() => registry.All)).ToArray();
        await Eventually.TrueAsync(() => store is { ContextRequests: 1 }, "the load asks the store for a context");
        Assert.DoesNotContain(syncReaders, t => t.IsCompleted);

        gate.SetResult();
        await Task.WhenAll([firstLoad, .. asyncCallers]).WaitAsync(Deadline);
        var seen = await Task.WhenAll(syncReaders).WaitAsync(Deadline);
        Assert.True(registry.IsLoaded);
        Assert.All(seen, all => Assert.Same(registry.All, all));
        Assert.Equal(["configured", "stored"], registry.All.Select(e => e.Name));
        Assert.Equal(1, store!.ContextRequests); // one load for all of them
        Assert.True(registry.EnsureLoadedAsync().IsCompletedSuccessfully);
    }

    [Fact]
    public async Task StartAsync_HostedServices_LoadTheRegistryBeforeFirstUse()
    {
        await using var sp = _host.Build(Config, (s, c) => s.AddZkDashboardEnsembles(c));
        var registry = (EnsembleRegistry)sp.GetRequiredService<IEnsembleRegistry>();
        Assert.False(registry.IsLoaded);
        foreach (var service in sp.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None).WaitAsync(Deadline);
        }
        Assert.True(registry.IsLoaded);
        Assert.Equal("configured", Assert.Single(registry.All).Name);
    }

    /// <summary>The real store, whose contexts are handed out only once the gate opens.</summary>
    private sealed class GatedStore(IDashboardStore inner, Task gate) : IDashboardStore
    {
        private int _requests;

        public int ContextRequests => Volatile.Read(ref _requests);

        public void EnsureSchema() => inner.EnsureSchema();

        public Task EnsureSchemaAsync(CancellationToken ct = default) => inner.EnsureSchemaAsync(ct);

        public async Task<ZkDashboardDbContext> CreateContextAsync(CancellationToken ct = default)
        {
            Interlocked.Increment(ref _requests);
            await gate.WaitAsync(ct);
            return await inner.CreateContextAsync(ct);
        }
    }
}
