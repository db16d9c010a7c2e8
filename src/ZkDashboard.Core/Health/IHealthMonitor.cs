namespace ZkDashboard.Core.Health;

/// <summary>
/// Health of every registered ensemble, refreshed every <see cref="PollInterval"/> by polling every server with
/// four-letter words. Snapshots are immutable records; subscribers are called after each ensemble's poll.
/// </summary>
public interface IHealthMonitor
{
    TimeSpan PollInterval { get; }

    /// <summary>Latest snapshot of an ensemble; null before its first poll or when unknown.</summary>
    EnsembleHealth? Get(string ensemble);

    IReadOnlyList<EnsembleHealth> All { get; }

    /// <summary>Called with each new snapshot (on the poller's thread; keep it short, marshal to the UI yourself). Dispose to stop.</summary>
    IDisposable Subscribe(Action<EnsembleHealth> onSnapshot);

    /// <summary>Time series of one metric of one server, oldest first. Metric names: see <see cref="GetHistoryMetrics"/>.</summary>
    IReadOnlyList<MetricPoint> GetHistory(string ensemble, string server, string metric, DateTimeOffset? since = null);

    IReadOnlyList<string> GetHistoryMetrics(string ensemble, string server);

    IReadOnlyList<HealthAlert> ActiveAlerts { get; }

    /// <summary>Active and resolved alerts, newest first.</summary>
    IReadOnlyList<HealthAlert> GetAlertHistory(string? ensemble = null);

    /// <summary>Polls one ensemble now (also used by tests and a "refresh" button). Returns null when the ensemble is unknown.</summary>
    Task<EnsembleHealth?> PollNowAsync(string ensemble, CancellationToken ct = default);

    /// <summary>Bytes held by all ring buffers.</summary>
    long HistoryBytes { get; }
}
