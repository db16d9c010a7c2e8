namespace ZkDashboard.Core.Health;

/// <summary>"ZkDashboard:Health".</summary>
public sealed class HealthOptions
{
    public const string Section = "ZkDashboard:Health";

    /// <summary>The four-letter words polled on every server, every interval.</summary>
    public static readonly IReadOnlyList<string> Commands = ["mntr", "srvr", "conf", "cons", "wchs", "isro", "ruok"];

    public bool Enabled { get; set; } = true;

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Timeout of one four-letter word (connect + reply).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How far back the per-server time series reach; the ring capacity is HistoryDuration / PollInterval (720 points at 1 h / 5 s).</summary>
    public TimeSpan HistoryDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>mntr keys recorded in the time series besides the built-in set (e.g. "zk_p99_readlatency"); "*" records every numeric key.</summary>
    public List<string> HistoryMetrics { get; set; } = [];

    /// <summary>Resolved + active alerts kept in memory (oldest dropped first).</summary>
    public int AlertHistoryCapacity { get; set; } = 1000;

    /// <summary>Keep alert history in the dashboard database across restarts (needs the store).</summary>
    public bool PersistAlerts { get; set; } = true;

    public HealthThresholds Thresholds { get; set; } = new();

    /// <summary>Keep downsampled per-server series in the dashboard database (beyond the in-memory <see cref="HistoryDuration"/>).</summary>
    public bool StoreHistory { get; set; } = true;

    /// <summary>Bucket size of the stored series (averages, minimum and maximum per bucket).</summary>
    public TimeSpan StoredHistoryBucket { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long stored buckets are kept (older ones are pruned).</summary>
    public TimeSpan StoredHistoryRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Upper bound on stored buckets (rows); the oldest are pruned first when it is exceeded.</summary>
    public int StoredHistoryMaxRows { get; set; } = 2_000_000;

    public int HistoryCapacity
    {
        get
        {
            var interval = PollInterval > TimeSpan.Zero ? PollInterval : TimeSpan.FromSeconds(5);
            var points = (int)Math.Ceiling(HistoryDuration / interval);
            return Math.Clamp(points, 2, 100_000);
        }
    }

    /// <summary>Throws with a clear message when a setting is out of range.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (PollInterval < TimeSpan.FromMilliseconds(100))
        {
            errors.Add($"{Section}:PollInterval {PollInterval} is too short; use at least 00:00:00.1 (default 00:00:05).");
        }
        if (CommandTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{Section}:CommandTimeout must be positive (default 00:00:02).");
        }
        if (HistoryDuration <= TimeSpan.Zero)
        {
            errors.Add($"{Section}:HistoryDuration must be positive (default 01:00:00).");
        }
        if (AlertHistoryCapacity < 1)
        {
            errors.Add($"{Section}:AlertHistoryCapacity must be at least 1.");
        }
        if (Thresholds.FdUsageRatio is <= 0 or > 1)
        {
            errors.Add($"{Section}:Thresholds:FdUsageRatio {Thresholds.FdUsageRatio} must be between 0 and 1 (e.g. 0.8).");
        }
        if (StoredHistoryBucket < TimeSpan.FromSeconds(1) || StoredHistoryRetention < StoredHistoryBucket || StoredHistoryMaxRows < 1)
        {
            errors.Add($"{Section}:StoredHistoryBucket must be at least 00:00:01, StoredHistoryRetention at least one bucket and StoredHistoryMaxRows at least 1 (defaults 00:01:00, 7.00:00:00, 2000000).");
        }
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, errors));
        }
    }
}

/// <summary>Alert thresholds ("ZkDashboard:Health:Thresholds"). An alert fires when a value is above its threshold.</summary>
public sealed class HealthThresholds
{
    /// <summary>Average request latency in ms (mntr zk_avg_latency / srvr Latency avg).</summary>
    public double AvgLatencyMs { get; set; } = 100;

    public long OutstandingRequests { get; set; } = 50;

    /// <summary>open / max file descriptors.</summary>
    public double FdUsageRatio { get; set; } = 0.8;

    /// <summary>Transactions a server may be behind the leader's last zxid.</summary>
    public long ZxidLag { get; set; } = 1000;
}
