using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ZkDashboard.Core.Health;
using ZkDashboard.Core.Metrics;

namespace ZkDashboard.Core.Tests.Support;

/// <summary>Registry + health monitor (+ metrics exporter) over a temp store, with the monitor's hosted loop started.</summary>
public sealed class HealthTestHost : IAsyncDisposable
{
    private readonly StoreTestHost _store;
    private readonly bool _ownsStore;
    private readonly List<IHostedService> _started = [];

    private HealthTestHost(StoreTestHost? store)
    {
        _ownsStore = store is null;
        _store = store ?? new StoreTestHost();
        Services = null!;
    }

    public ServiceProvider Services { get; private set; }

    public IHealthMonitor Monitor => Services.GetRequiredService<IHealthMonitor>();

    /// <param name="store">A store to reuse across hosts ("restarts"); by default a private one, deleted on dispose.</param>
    /// <param name="configure">More registrations, made before the health services (so they win over their defaults).</param>
    public static async Task<HealthTestHost> StartAsync(Dictionary<string, string?> config, bool startPolling = true, StoreTestHost? store = null,
        Action<IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration>? configure = null)
    {
        var host = new HealthTestHost(store);
        host.Services = host._store.Build(config, (s, c) =>
        {
            configure?.Invoke(s, c);
            s.AddZkDashboardHealth(c);
            s.AddZkDashboardMetrics();
        });
        if (startPolling)
        {
            foreach (var hosted in host.Services.GetServices<IHostedService>())
            {
                await hosted.StartAsync(CancellationToken.None);
                host._started.Add(hosted);
            }
        }
        return host;
    }

    /// <summary>Waits for a snapshot of <paramref name="ensemble"/> satisfying <paramref name="condition"/>; returns it. Fails with the last snapshot at the deadline.</summary>
    public async Task<EnsembleHealth> WaitForAsync(string ensemble, Func<EnsembleHealth, bool> condition, TimeSpan? timeout = null, string? what = null)
    {
        var tcs = new TaskCompletionSource<EnsembleHealth>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sub = Monitor.Subscribe(h =>
        {
            if (h.Ensemble == ensemble && condition(h))
            {
                tcs.TrySetResult(h);
            }
        });
        if (Monitor.Get(ensemble) is { } now && condition(now))
        {
            return now;
        }
        var done = await Task.WhenAny(tcs.Task, Task.Delay(timeout ?? TimeSpan.FromSeconds(60)));
        if (done != tcs.Task)
        {
            var last = Monitor.Get(ensemble);
            Assert.Fail($"Timed out waiting for {what ?? "condition"} on {ensemble}; last snapshot: status {last?.Status}, leader {last?.Leader}, servers "
                        + string.Join("; ", last?.Servers.Select(s => $"{s.HostPort} {s.Status} {s.Mode} {s.Error}") ?? []));
        }
        return await tcs.Task;
    }

    public async ValueTask DisposeAsync()
    {
        // Stop like a host does (also when polling was never started): the monitor flushes its alert history here.
        foreach (var hosted in Services.GetServices<IHostedService>().Reverse())
        {
            await hosted.StopAsync(CancellationToken.None);
        }
        await Services.DisposeAsync();
        if (_ownsStore)
        {
            _store.Dispose();
        }
    }
}
