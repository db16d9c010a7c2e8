using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Health;
using ZkDashboard.Core.Health.Notifications;
using ZkDashboard.Core.Metrics;
using ZkDashboard.Core.Tests.Support;

namespace ZkDashboard.Core.Tests.Health.Notifications;

/// <summary>Records every audit record.</summary>
public sealed class RecordingAuditSink : IAuditSink
{
    private readonly Lock _lock = new();
    private readonly List<AuditRecord> _records = [];

    public IReadOnlyList<AuditRecord> Records
    {
        get
        {
            lock (_lock)
            {
                return [.. _records];
            }
        }
    }

    public ValueTask RecordAsync(AuditRecord record, CancellationToken ct)
    {
        lock (_lock)
        {
            _records.Add(record);
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>A wall clock that moves only when told (timers and delays still run in real time).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>Refuses every operation of one kind.</summary>
public sealed class DenyKindPolicy(ZkOperationKind kind) : IAccessPolicy
{
    public ValueTask AuthorizeAsync(OperationContext operation, CancellationToken ct)
        => operation.Kind == kind ? throw new AccessDeniedException(operation, "test policy refuses " + kind) : ValueTask.CompletedTask;
}

/// <summary>Health monitor + notifier (+ metrics) over a temp store; hosted services started; the monitor polls only when ensembles are configured.</summary>
public sealed class NotificationTestHost : IAsyncDisposable
{
    private readonly StoreTestHost _store;
    private readonly bool _ownsStore;

    private NotificationTestHost(StoreTestHost? store)
    {
        _ownsStore = store is null;
        _store = store ?? new StoreTestHost();
        Services = null!;
    }

    public ServiceProvider Services { get; private set; }

    public RecordingAuditSink Audit { get; } = new();

    public IAlertNotifications Notifications => Services.GetRequiredService<IAlertNotifications>();

    internal AlertNotifier Notifier => Services.GetRequiredService<AlertNotifier>();

    public IHealthMonitor Monitor => Services.GetRequiredService<IHealthMonitor>();

    public string Metrics => Services.GetRequiredService<ZkMetricsExporter>().Render();

    /// <param name="store">A store shared with an earlier host (a restart); the caller disposes it. Null: a store of its own.</param>
    public static async Task<NotificationTestHost> StartAsync(Dictionary<string, string?> config, IAccessPolicy? policy = null, TimeProvider? clock = null,
        StoreTestHost? store = null)
    {
        var host = new NotificationTestHost(store);
        host.Services = host._store.Build(config, (s, c) =>
        {
            s.AddSingleton<IAuditSink>(host.Audit);
            if (policy is not null)
            {
                s.AddSingleton(policy);
            }
            if (clock is not null)
            {
                s.AddSingleton(clock);
            }
            s.AddZkDashboardHealth(c);
            s.AddZkDashboardNotifications(c);
        });
        foreach (var hosted in host.Services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
        return host;
    }

    public async ValueTask DisposeAsync()
    {
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
