using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Ensembles;

namespace ZkDashboard.Core.Health;

/// <summary>Hosted poller behind <see cref="IHealthMonitor"/>. Ensembles are polled concurrently, and within one ensemble every server and every word.</summary>
internal sealed partial class HealthMonitor : BackgroundService, IHealthMonitor, IAsyncDisposable
{
    private readonly IEnsembleRegistry _registry;
    private readonly HealthOptions _options;
    private readonly ILogger<HealthMonitor> _logger;
    private readonly TimeProvider _time;
    private readonly ServerPoller _poller;
    private readonly AlertTracker _alerts;
    private readonly ConcurrentDictionary<string, EnsembleState> _ensembles = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _subscribersLock = new();
    private ImmutableSubscribers _subscribers = new([]);
    private readonly AlertStore? _alertStore;
    private readonly SemaphoreSlim _loadGate = new(1, 1);
    private volatile bool _alertsLoaded;

    private sealed record ImmutableSubscribers(Action<EnsembleHealth>[] Items);

    private sealed class EnsembleState(IReadOnlyList<string> hosts)
    {
        public IReadOnlyList<string> Hosts { get; } = hosts;
        public ConcurrentDictionary<string, ServerMetricHistory> History { get; } = new(StringComparer.OrdinalIgnoreCase);
        public EnsembleHealth? Latest { get; set; }
        public SemaphoreSlim PollGate { get; } = new(1, 1);
        /// <summary>Leader epoch of the previous poll (null before the first one with a leader).</summary>
        public long? LastEpoch { get; set; }
        /// <summary>When a new epoch was first seen, oldest first (pruned to the election window).</summary>
        public List<DateTimeOffset> Elections { get; } = [];
    }

    public HealthMonitor(IEnsembleRegistry registry, IOptions<HealthOptions> options, IFourLetterWordTransport transport,
        ILogger<HealthMonitor> logger, TimeProvider? time = null, Store.IDashboardStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _registry = registry;
        _options = options.Value;
        _options.Validate();
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _poller = new ServerPoller(transport, _time);
        _alerts = new AlertTracker(_options.AlertHistoryCapacity);
        _alerts.AlertRaised += a => LogAlertRaised(a.Ensemble, a.Kind, a.Server ?? "-", a.Message);
        _alerts.AlertResolved += a => LogAlertResolved(a.Ensemble, a.Kind, a.Server ?? "-");
        if (store is not null && _options.PersistAlerts)
        {
            _alertStore = new AlertStore(store, logger);
            _alerts.AlertRaised += _alertStore.Enqueue;
            _alerts.AlertResolved += _alertStore.Enqueue;
        }
        _registry.Changed += OnRegistryChanged;
    }

    /// <summary>Loads the persisted alert history once, before the first poll raises anything.</summary>
    private async Task EnsureAlertsLoadedAsync(CancellationToken ct)
    {
        if (_alertsLoaded || _alertStore is null)
        {
            return;
        }
        await _loadGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!_alertsLoaded)
            {
                try
                {
                    var (history, active, lastId) = await _alertStore.LoadAsync(_options.AlertHistoryCapacity, ct).ConfigureAwait(false);
                    // Alerts left active continue (same id, acknowledgement and silence) if the first poll still sees their
                    // condition, else that poll resolves them. Those of ensembles no longer configured, and duplicates, close now.
                    var now = _time.GetUtcNow();
                    var closed = new List<HealthAlert>();
                    var keep = new List<HealthAlert>();
                    foreach (var alert in active.OrderByDescending(a => a.Id))
                    {
                        var known = _registry.Find(alert.Ensemble) is { } d && string.Equals(d.Name, alert.Ensemble, StringComparison.Ordinal);
                        if (known && !keep.Any(k => k.Ensemble == alert.Ensemble && k.Server == alert.Server && k.Kind == alert.Kind))
                        {
                            keep.Add(alert);
                        }
                        else
                        {
                            closed.Add(alert with { ResolvedAt = now });
                        }
                    }
                    foreach (var c in closed)
                    {
                        _alertStore.Enqueue(c);
                    }
                    _alerts.Restore(history.Concat(closed.OrderBy(c => c.Id)), keep, lastId);
                }
#pragma warning disable CA1031 // without its history the monitor still works; the failure is logged
                catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    LogHistoryLoadFailed(ex);
                }
                _alertsLoaded = true;
            }
        }
        finally
        {
            _loadGate.Release();
        }
    }

    public TimeSpan PollInterval => _options.PollInterval;

    public EnsembleHealth? Get(string ensemble) => _ensembles.TryGetValue(ensemble, out var s) ? s.Latest : null;

    public IReadOnlyList<EnsembleHealth> All
        => _registry.All.Select(e => Get(e.Name)).OfType<EnsembleHealth>().ToArray();

    public IReadOnlyList<HealthAlert> ActiveAlerts => _alerts.Active;

    public IReadOnlyList<HealthAlert> GetAlertHistory(string? ensemble = null) => _alerts.History(ensemble);

    public long HistoryBytes => _ensembles.Values.Sum(e => e.History.Values.Sum(h => h.ApproximateBytes));

    public IDisposable Subscribe(Action<EnsembleHealth> onSnapshot)
    {
        ArgumentNullException.ThrowIfNull(onSnapshot);
        lock (_subscribersLock)
        {
            _subscribers = new ImmutableSubscribers([.. _subscribers.Items, onSnapshot]);
        }
        return new Subscription(this, onSnapshot);
    }

    private sealed class Subscription(HealthMonitor owner, Action<EnsembleHealth> callback) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                lock (owner._subscribersLock)
                {
                    var items = owner._subscribers.Items.ToList();
                    items.Remove(callback);
                    owner._subscribers = new ImmutableSubscribers([.. items]);
                }
            }
        }
    }

    public IReadOnlyList<MetricPoint> GetHistory(string ensemble, string server, string metric, DateTimeOffset? since = null)
        => _ensembles.TryGetValue(ensemble, out var s) && s.History.TryGetValue(server, out var h) ? h.Get(metric, since) : [];

    public IReadOnlyList<string> GetHistoryMetrics(string ensemble, string server)
        => _ensembles.TryGetValue(ensemble, out var s) && s.History.TryGetValue(server, out var h) ? h.Metrics : [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            LogDisabled();
            return;
        }
        await Task.Yield();
        using var timer = new PeriodicTimer(_options.PollInterval, _time);
        do
        {
            try
            {
                await PollAllAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // the poll loop must survive any single failure; it is logged
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogPollFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private Task PollAllAsync(CancellationToken ct)
        => Task.WhenAll(_registry.All.Select(e => PollAsync(e, ct)));

    public async Task<EnsembleHealth?> PollNowAsync(string ensemble, CancellationToken ct = default)
    {
        var definition = _registry.Find(ensemble);
        return definition is null ? null : await PollAsync(definition, ct).ConfigureAwait(false);
    }

    private async Task<EnsembleHealth?> PollAsync(EnsembleDefinition definition, CancellationToken ct)
    {
        if (_registry.Find(definition.Name) is null)
        {
            return null;
        }
        await EnsureAlertsLoadedAsync(ct).ConfigureAwait(false);
        var state = _ensembles.AddOrUpdate(definition.Name,
            _ => new EnsembleState(definition.FourLetterWordHosts),
            (_, existing) => existing.Hosts.SequenceEqual(definition.FourLetterWordHosts) ? existing : new EnsembleState(definition.FourLetterWordHosts));

        await state.PollGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var at = _time.GetUtcNow();
            var servers = await Task.WhenAll(state.Hosts.Select(h => _poller.PollAsync(h, _options.CommandTimeout, ct))).ConfigureAwait(false);
            var health = EnsembleHealthBuilder.Build(definition.Name, servers, at, Stopwatch.GetElapsedTime(started));
            if (!IsCurrent(definition.Name, state))
            {
                return health; // removed or re-pointed while polling: keep no state, raise no alerts
            }
            var rules = _options.RulesFor(definition.Name);
            var elections = TrackElections(state, health, rules.Thresholds.ElectionWindow);
            var active = _alerts.Apply(definition.Name, EnsembleHealthBuilder.Conditions(health, rules, elections), _time.GetUtcNow());
            health = health with
            {
                ActiveAlerts = active,
                Status = health.Status is EnsembleStatus.Down or EnsembleStatus.Unknown ? health.Status : active.Count > 0 ? EnsembleStatus.Degraded : EnsembleStatus.Healthy,
            };
            foreach (var server in health.Servers)
            {
                var history = state.History.GetOrAdd(server.HostPort, _ => new ServerMetricHistory(_options.HistoryCapacity));
                history.Record(server.SampledAt, HistorySample(server));
            }
            state.Latest = health;
            Publish(health);
            return health;
        }
        finally
        {
            state.PollGate.Release();
        }
    }

    /// <summary>Records a new leader epoch (an election since the previous poll) and returns the elections within the window.</summary>
    private static DateTimeOffset[] TrackElections(EnsembleState state, EnsembleHealth health, TimeSpan window)
    {
        if (health.Epoch is { } epoch)
        {
            if (state.LastEpoch is { } previous && epoch > previous)
            {
                state.Elections.Add(health.Timestamp);
            }
            state.LastEpoch = epoch;
        }
        state.Elections.RemoveAll(t => t < health.Timestamp - window);
        return [.. state.Elections];
    }

    private bool IsCurrent(string name, EnsembleState state)
        => _registry.Find(name) is not null && _ensembles.TryGetValue(name, out var current) && ReferenceEquals(current, state);

    private void Publish(EnsembleHealth health)
    {
        foreach (var subscriber in _subscribers.Items)
        {
            try
            {
                subscriber(health);
            }
#pragma warning disable CA1031 // a failing subscriber must not stop the others or the poller
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogSubscriberFailed(health.Ensemble, ex);
            }
        }
    }

    private Dictionary<string, double> HistorySample(ServerHealth s)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [HistoryMetricNames.Up] = s.Status == ServerStatus.Up ? 1 : 0,
            [HistoryMetricNames.PollMs] = s.PollDuration.TotalMilliseconds,
        };
        void Put(string name, double? value)
        {
            if (value is { } v)
            {
                values[name] = v;
            }
        }
        Put(HistoryMetricNames.IsLeader, s.Status == ServerStatus.Up ? (s.IsLeader ? 1 : 0) : null);
        Put(HistoryMetricNames.ZxidLag, s.ZxidLag);
        Put(HistoryMetricNames.LatencyMin, s.LatencyMin);
        Put(HistoryMetricNames.LatencyAvg, s.LatencyAvg);
        Put(HistoryMetricNames.LatencyMax, s.LatencyMax);
        Put(HistoryMetricNames.LatencyP99, s.LatencyP99);
        Put(HistoryMetricNames.Outstanding, s.Outstanding);
        Put(HistoryMetricNames.Connections, s.Connections);
        Put(HistoryMetricNames.ZnodeCount, s.ZnodeCount);
        Put(HistoryMetricNames.WatchCount, s.WatchCount);
        Put(HistoryMetricNames.Ephemerals, s.Ephemerals);
        Put(HistoryMetricNames.ApproximateDataSize, s.ApproximateDataSize);
        Put(HistoryMetricNames.OpenFileDescriptors, s.OpenFileDescriptors);
        Put(HistoryMetricNames.PacketsReceived, s.PacketsReceived);
        Put(HistoryMetricNames.PacketsSent, s.PacketsSent);
        Put(HistoryMetricNames.SyncedFollowers, s.SyncedFollowers);
        var all = _options.HistoryMetrics.Contains("*");
        foreach (var (key, value) in s.Metrics)
        {
            if (all || _options.HistoryMetrics.Contains(key))
            {
                values[key] = value;
            }
        }
        return values;
    }

    private void OnRegistryChanged(object? sender, EnsembleRegistryChangedEventArgs e)
    {
        if (e.Kind == EnsembleChangeKind.Removed || (e.Kind == EnsembleChangeKind.Updated && e.Definition is { } d && e.Previous is { } p && !d.FourLetterWordHosts.SequenceEqual(p.FourLetterWordHosts)))
        {
            _ensembles.TryRemove(e.Name, out _);
            _alerts.Forget(e.Name, _time.GetUtcNow());
        }
        if (e.Kind != EnsembleChangeKind.Removed && e.Definition is { } definition)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await PollAsync(definition, CancellationToken.None).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // background first poll; failures are logged
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogPollFailed(ex);
                }
            });
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_alertStore is not null)
        {
            await _alertStore.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _registry.Changed -= OnRegistryChanged;
        if (_alertStore is not null)
        {
            await _alertStore.DisposeAsync().ConfigureAwait(false);
        }
        base.Dispose();
    }

    public override void Dispose()
    {
        _registry.Changed -= OnRegistryChanged;
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health alert raised on {Ensemble}: {Kind} {Server}: {Message}")]
    private partial void LogAlertRaised(string ensemble, AlertKind kind, string server, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Health alert resolved on {Ensemble}: {Kind} {Server}")]
    private partial void LogAlertResolved(string ensemble, AlertKind kind, string server);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not load the stored alert history; starting with an empty one")]
    private partial void LogHistoryLoadFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Health poll failed")]
    private partial void LogPollFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health subscriber failed for {Ensemble}")]
    private partial void LogSubscriberFailed(string ensemble, Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "Health monitor disabled (ZkDashboard:Health:Enabled=false)")]
    private partial void LogDisabled();
}

/// <summary>Names of the built-in per-server time series.</summary>
public static class HistoryMetricNames
{
    public const string Up = "up";
    public const string IsLeader = "is_leader";
    public const string PollMs = "poll_ms";
    public const string ZxidLag = "zxid_lag";
    public const string LatencyMin = "latency_min";
    public const string LatencyAvg = "latency_avg";
    public const string LatencyMax = "latency_max";
    public const string LatencyP99 = "latency_p99";
    public const string Outstanding = "outstanding_requests";
    public const string Connections = "connections";
    public const string ZnodeCount = "znode_count";
    public const string WatchCount = "watch_count";
    public const string Ephemerals = "ephemerals";
    public const string ApproximateDataSize = "approximate_data_size";
    public const string OpenFileDescriptors = "open_file_descriptors";
    public const string PacketsReceived = "packets_received";
    public const string PacketsSent = "packets_sent";
    public const string SyncedFollowers = "synced_followers";
}
