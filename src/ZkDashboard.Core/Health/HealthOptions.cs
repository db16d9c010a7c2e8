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

    /// <summary>Rules (alert kinds, e.g. "WatchCountHigh") switched off for every ensemble.</summary>
    public List<string> DisabledRules { get; set; } = [];

    /// <summary>Per-ensemble overrides ("ZkDashboard:Health:Ensembles:{name}"): thresholds and disabled rules on top of the global ones.</summary>
    public Dictionary<string, EnsembleHealthRules> Ensembles { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Thresholds and enabled rules for one ensemble: the global settings with that ensemble's overrides applied.</summary>
    public EffectiveHealthRules RulesFor(string ensemble)
    {
        var disabled = new HashSet<AlertKind>(DisabledRules.Select(r => Enum.TryParse<AlertKind>(r, ignoreCase: true, out var k) ? k : (AlertKind?)null).OfType<AlertKind>());
        var thresholds = Thresholds;
        var entry = Ensembles.FirstOrDefault(e => string.Equals(e.Key, ensemble, StringComparison.OrdinalIgnoreCase)).Value;
        if (entry is not null)
        {
            thresholds = entry.Thresholds.ApplyTo(Thresholds);
            foreach (var r in entry.DisabledRules)
            {
                if (Enum.TryParse<AlertKind>(r, ignoreCase: true, out var k))
                {
                    disabled.Add(k);
                }
            }
            foreach (var r in entry.EnabledRules)
            {
                if (Enum.TryParse<AlertKind>(r, ignoreCase: true, out var k))
                {
                    disabled.Remove(k);
                }
            }
        }
        return new EffectiveHealthRules(thresholds, disabled);
    }

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
        Thresholds.Validate($"{Section}:Thresholds", errors);
        ValidateRuleNames($"{Section}:DisabledRules", DisabledRules, errors);
        foreach (var (name, entry) in Ensembles)
        {
            var prefix = $"{Section}:Ensembles:{name}";
            if (entry is null)
            {
                continue;
            }
            entry.Thresholds.ApplyTo(Thresholds).Validate($"{prefix}:Thresholds", errors);
            ValidateRuleNames($"{prefix}:DisabledRules", entry.DisabledRules, errors);
            ValidateRuleNames($"{prefix}:EnabledRules", entry.EnabledRules, errors);
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

    private static void ValidateRuleNames(string key, List<string> names, List<string> errors)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (!Enum.TryParse<AlertKind>(names[i], ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(names[i], out _))
            {
                errors.Add($"{key}:{i} '{names[i]}' is not an alert rule; use one of {string.Join(", ", Enum.GetNames<AlertKind>())}.");
            }
        }
    }
}

/// <summary>One ensemble's alert settings ("ZkDashboard:Health:Ensembles:{name}").</summary>
public sealed class EnsembleHealthRules
{
    /// <summary>Thresholds that differ from the global ones (unset values keep the global value).</summary>
    public HealthThresholdOverrides Thresholds { get; set; } = new();

    /// <summary>Rules switched off for this ensemble (alert kind names).</summary>
    public List<string> DisabledRules { get; set; } = [];

    /// <summary>Rules switched back on for this ensemble that the global DisabledRules switch off.</summary>
    public List<string> EnabledRules { get; set; } = [];
}

/// <summary>The thresholds and enabled rules in force for one ensemble.</summary>
public sealed record EffectiveHealthRules(HealthThresholds Thresholds, IReadOnlySet<AlertKind> Disabled)
{
    public bool IsEnabled(AlertKind kind) => !Disabled.Contains(kind);
}

/// <summary>Per-ensemble threshold overrides: each set value replaces the global one.</summary>
public sealed class HealthThresholdOverrides
{
    public double? AvgLatencyMs { get; set; }
    public long? OutstandingRequests { get; set; }
    public double? FdUsageRatio { get; set; }
    public long? ZxidLag { get; set; }
    public long? ZnodeCountDivergence { get; set; }
    public long? WatchCount { get; set; }
    public long? ApproximateDataSizeBytes { get; set; }
    public TimeSpan? ElectionWindow { get; set; }

    public HealthThresholds ApplyTo(HealthThresholds global)
    {
        ArgumentNullException.ThrowIfNull(global);
        return new HealthThresholds
        {
            AvgLatencyMs = AvgLatencyMs ?? global.AvgLatencyMs,
            OutstandingRequests = OutstandingRequests ?? global.OutstandingRequests,
            FdUsageRatio = FdUsageRatio ?? global.FdUsageRatio,
            ZxidLag = ZxidLag ?? global.ZxidLag,
            ZnodeCountDivergence = ZnodeCountDivergence ?? global.ZnodeCountDivergence,
            WatchCount = WatchCount ?? global.WatchCount,
            ApproximateDataSizeBytes = ApproximateDataSizeBytes ?? global.ApproximateDataSizeBytes,
            ElectionWindow = ElectionWindow ?? global.ElectionWindow,
        };
    }
}

/// <summary>
/// Alert thresholds ("ZkDashboard:Health:Thresholds"). An alert fires when a value is above its threshold. Defaults follow the
/// alert examples in the ZooKeeper monitoring docs (avg latency 100 ms, watches 10,000, data size 1 GB, any election in 5 min).
/// </summary>
public sealed class HealthThresholds
{
    /// <summary>Average request latency in ms (mntr zk_avg_latency / srvr Latency avg).</summary>
    public double AvgLatencyMs { get; set; } = 100;

    public long OutstandingRequests { get; set; } = 50;

    /// <summary>open / max file descriptors.</summary>
    public double FdUsageRatio { get; set; } = 0.8;

    /// <summary>Transactions a server may be behind the leader's last zxid.</summary>
    public long ZxidLag { get; set; } = 1000;

    /// <summary>Largest difference in znode count between serving servers (a few in-flight writes are normal).</summary>
    public long ZnodeCountDivergence { get; set; } = 100;

    /// <summary>Watches on one server (mntr zk_watch_count).</summary>
    public long WatchCount { get; set; } = 10_000;

    /// <summary>Approximate data size of one server in bytes (mntr zk_approximate_data_size; 1 GB).</summary>
    public long ApproximateDataSizeBytes { get; set; } = 1_000_000_000;

    /// <summary>A leader election (a new epoch) within this window raises LeaderElection.</summary>
    public TimeSpan ElectionWindow { get; set; } = TimeSpan.FromMinutes(5);

    internal void Validate(string key, List<string> errors)
    {
        if (AvgLatencyMs <= 0)
        {
            errors.Add($"{key}:AvgLatencyMs {AvgLatencyMs} must be positive (default 100).");
        }
        if (OutstandingRequests < 0)
        {
            errors.Add($"{key}:OutstandingRequests {OutstandingRequests} must not be negative (default 50).");
        }
        if (FdUsageRatio is <= 0 or > 1 || double.IsNaN(FdUsageRatio))
        {
            errors.Add($"{key}:FdUsageRatio {FdUsageRatio} must be between 0 and 1 (e.g. 0.8).");
        }
        if (ZxidLag < 0)
        {
            errors.Add($"{key}:ZxidLag {ZxidLag} must not be negative (default 1000).");
        }
        if (ZnodeCountDivergence < 0)
        {
            errors.Add($"{key}:ZnodeCountDivergence {ZnodeCountDivergence} must not be negative (default 100).");
        }
        if (WatchCount < 0)
        {
            errors.Add($"{key}:WatchCount {WatchCount} must not be negative (default 10000).");
        }
        if (ApproximateDataSizeBytes <= 0)
        {
            errors.Add($"{key}:ApproximateDataSizeBytes {ApproximateDataSizeBytes} must be positive (default 1000000000).");
        }
        if (ElectionWindow <= TimeSpan.Zero)
        {
            errors.Add($"{key}:ElectionWindow {ElectionWindow} must be positive (default 00:05:00).");
        }
    }
}
