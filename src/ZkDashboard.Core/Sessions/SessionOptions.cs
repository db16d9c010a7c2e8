namespace ZkDashboard.Core.Sessions;

/// <summary>
/// Settings of the shared sessions, the watch fan-out and the node cache, bound from
/// <c>ZkDashboard:Sessions</c>.
/// </summary>
public sealed class SessionOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "ZkDashboard:Sessions";

    /// <summary>How long one attempt to open a session may take before it is reported as unreachable.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Default per-call timeout passed to the client.</summary>
    public TimeSpan? OperationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest pause between attempts to open a new session after expiry.</summary>
    public TimeSpan MaxReconnectBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Distinct paths a subscriber's queue may hold before it is collapsed into one resync notice.</summary>
    public int SubscriberQueueCapacity { get; set; } = 1024;

    /// <summary>Stat reads in flight at once when the watch fan-out resolves events into versions.</summary>
    public int WatchReadConcurrency { get; set; } = 64;

    /// <summary>Distinct dirty paths the watch fan-out tracks per ensemble before it resyncs subscribers instead.</summary>
    public int MaxDirtyPaths { get; set; } = 50_000;

    /// <summary>Child stat reads in flight at once when the node cache loads a children list.</summary>
    public int ChildStatConcurrency { get; set; } = 400;

    /// <summary>
    /// Children from which a list counts as big (default 20,000): its early pages in a name order are selected in one
    /// pass while the full sort runs in the background, and its child stats are read only after <see cref="BigListStatsDelay"/>.
    /// </summary>
    public int BigListThreshold { get; set; } = 20_000;

    /// <summary>
    /// For a big list (<see cref="BigListThreshold"/>): how long the child stat reads wait after its first page was served
    /// (or, when none is asked for, after the list was read, plus this long again), so the first rows reach the screen
    /// before minutes of stat reads share the CPU with them. Zero: no wait.
    /// </summary>
    public TimeSpan BigListStatsDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long an unused cache entry (no open view) is kept.</summary>
    public TimeSpan CacheIdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a per-user write session (ensembles with <c>ActAsUser</c>) stays open without a write.</summary>
    public TimeSpan UserSessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Time a regex filter may run over one children list before it is refused.</summary>
    public TimeSpan RegexTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Operations per multi when deleting, copying or moving subtrees.</summary>
    public int BulkBatchSize { get; set; } = 200;

    /// <summary>
    /// Use one-shot watches that are re-armed after each trigger, even on servers that support
    /// persistent watches (for servers older than 3.6 this is chosen automatically).
    /// </summary>
    public bool ForceOneShotWatches { get; set; }

    /// <summary>Most nodes watched one by one for a subtree subscription in one-shot mode.</summary>
    public int MaxOneShotSubtreeNodes { get; set; } = 2_000;
}
