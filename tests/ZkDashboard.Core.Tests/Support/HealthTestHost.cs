using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ZkDashboard.Core.Health;
using ZkDashboard.Core.Metrics;

namespace ZkDashboard.Core.Tests.Support;

/// <summary>Registry + health monitor (+ metrics exporter) over a temp store, with the monitor's hosted loop started.</summary>
public sealed class HealthTestHost : IAsyncDisposable
{
    private readonly StoreTestHost _store = new();
    private readonly List<IHostedService> _started = [];

    private HealthTestHost(ServiceProvider services) => Services = services;

    public ServiceProvider Services { get; private set; }

    public IHealthMonitor Monitor => Services.GetRequiredService<IHealthMonitor>();

    public static async Task<HealthTestHost> StartAsync(Dictionary<string, string?> config, bool startPolling = true)
    {
        var host = new HealthTestHost(null!);
        host.Services = host._store.Build(config, (s, c) =>
        {
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
        foreach (var hosted in _started)
        {
            await hosted.StopAsync(CancellationToken.None);
        }
        await Services.DisposeAsync();
        _store.Dispose();
    }
}
