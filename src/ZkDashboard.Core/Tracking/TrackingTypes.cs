using ZkDashboard.Core.Access;

namespace ZkDashboard.Core.Tracking;

/// <summary>What a recorded version is.</summary>
public enum NodeChangeKind
{
    /// <summary>The node appeared (first seen by an event, or its czxid changed).</summary>
    Created,
    /// <summary>The node's data (or, seen after a gap, its ACL) changed.</summary>
    Changed,
    /// <summary>The node was deleted.</summary>
    Deleted,
    /// <summary>The node as it was when tracking began (a baseline, not a change).</summary>
    Existing,
}

/// <summary>How the dashboard learnt of a version.</summary>
public enum NodeObservation
{
    /// <summary>A watch event, read right after it (a burst of events read once has a count above 1).</summary>
    Event,
    /// <summary>The first read of the subtree when tracking began.</summary>
    Baseline,
    /// <summary>A re-read after a gap (reconnect, session expiry, dashboard restart, dropped events, older server):
    /// intermediate versions the server no longer has are not known.</summary>
    Gap,
    /// <summary>A write through the dashboard, known from the audit trail only (the path is not tracked, or the tracker
    /// has not recorded it).</summary>
    DashboardWrite,
}

/// <summary>
/// Settings of the subtree tracker, bound from <c>ZkDashboard:Tracking</c>. Globs configured here are read-only in the
/// UI; admins add more per ensemble (stored in the dashboard store).
/// </summary>
public sealed class TrackingOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "ZkDashboard:Tracking";

    /// <summary>Content up to this size is kept; larger content only as size and SHA-256 (default 64 KiB).</summary>
    public int ContentCapBytes { get; set; } = 64 * 1024;

    /// <summary>Tracked subtrees from settings: <c>[{ "Ensemble": "prod", "Glob": "/configs/**" }]</c>.</summary>
    public List<TrackedSubtreeSetting> Subtrees { get; set; } = [];

    /// <summary>Reads in flight at once while re-reading a subtree after a gap.</summary>
    public int ScanConcurrency { get; set; } = 32;

    /// <summary>Nodes read at once while resolving events.</summary>
    public int EventReadConcurrency { get; set; } = 32;

    /// <summary>When the server has no persistent watches (before 3.6): how often the subtree is re-read instead.</summary>
    public TimeSpan OneShotRereadInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Set false to switch the tracker off entirely (history then shows only the audit trail's writes).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Retention: versions whose change is older than this many days are purged (default 90; 0 or null: no age
    /// limit). The newest version of each node is always kept.</summary>
    public int? RetentionDays { get; set; } = 90;

    /// <summary>Retention: at most this many versions per node, newest first (default 1000; 0 or null: no limit).</summary>
    public int? RetentionRowsPerNode { get; set; } = 1000;

    /// <summary>How often the retention sweep runs (default hourly; the first sweep runs at start-up).</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>One tracked subtree in settings.</summary>
public sealed class TrackedSubtreeSetting
{
    /// <summary>Ensemble name (case-insensitive).</summary>
    public string Ensemble { get; set; } = "";
    /// <summary>Path glob (<c>/configs/**</c>, <c>/app/*/config</c>).</summary>
    public string Glob { get; set; } = "";
}

/// <summary>Where a tracked glob comes from.</summary>
public enum TrackedSubtreeSource
{
    /// <summary><c>ZkDashboard:Tracking:Subtrees</c> (read-only in the UI).</summary>
    Configuration,
    /// <summary>Added by an admin (stored).</summary>
    Store,
}

/// <summary>A tracked glob, with the root the tracker watches for it.</summary>
/// <param name="Ensemble">Ensemble.</param>
/// <param name="Glob">The glob.</param>
/// <param name="Root">The longest literal prefix of the glob: where the one persistent recursive watch sits.</param>
/// <param name="Source">Settings or store.</param>
/// <param name="AddedBy">Who added it (store), or null.</param>
/// <param name="AddedAt">When (store), or null.</param>
public sealed record TrackedSubtree(string Ensemble, string Glob, string Root, TrackedSubtreeSource Source, string? AddedBy, DateTimeOffset? AddedAt)
{
    /// <summary>The watch root of a glob: its segments up to the first one with a wildcard (<c>/configs/**</c> → <c>/configs</c>).</summary>
    public static string RootOf(string glob)
    {
        var parsed = PathGlob.Parse(glob);
        var parts = parsed.Pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var literal = parts.TakeWhile(p => p.AsSpan().IndexOfAny('*', '?') < 0).ToArray();
        return literal.Length == 0 ? "/" : "/" + string.Join('/', literal);
    }
}

/// <summary>The tracker's state for one watched root (for the admin page and diagnostics).</summary>
/// <param name="Ensemble">Ensemble.</param>
/// <param name="Root">Watched root.</param>
/// <param name="Globs">Globs recorded through this root.</param>
/// <param name="State">"starting", "watching", "re-reading after a gap", "waiting for the ensemble: …", "re-reading periodically (no persistent watches)".</param>
/// <param name="NodesKnown">Nodes whose latest version is known.</param>
/// <param name="LastScanAt">When the subtree was last re-read completely.</param>
/// <param name="Recorded">Versions recorded since start.</param>
public sealed record TrackedRootStatus(string Ensemble, string Root, IReadOnlyList<string> Globs, string State, int NodesKnown, DateTimeOffset? LastScanAt, long Recorded);

/// <summary>One version of a node as the history tab shows it: a tracked version, a dashboard write from the audit trail, or both merged.</summary>
public sealed record NodeVersionView
{
    /// <summary>"t{id}" for a tracked version, "a{id}" for an audit record that matched no tracked version.</summary>
    public required string Id { get; init; }
    public required string Ensemble { get; init; }
    public required string Path { get; init; }
    public NodeChangeKind Kind { get; init; }
    public NodeObservation Observation { get; init; }
    /// <summary>When the change happened (mtime, or when a deletion was observed / the audit record's time).</summary>
    public DateTimeOffset At { get; init; }
    /// <summary>When the dashboard learnt of it.</summary>
    public DateTimeOffset ObservedAt { get; init; }
    public int? Version { get; init; }
    public int? Aversion { get; init; }
    public long? Mzxid { get; init; }
    public long? Czxid { get; init; }
    public int? DataLength { get; init; }
    public string? Sha256 { get; init; }
    /// <summary>The content, when kept and visible to the reader (see <see cref="DataUnavailableReason"/>).</summary>
    public byte[]? Data { get; init; }
    /// <summary>Why <see cref="Data"/> is null for a version that has data: over the cap, or hidden by access rules.</summary>
    public string? DataUnavailableReason { get; init; }
    public string? Acl { get; init; }
    /// <summary>Server events this version stands for.</summary>
    public int Count { get; init; } = 1;
    /// <summary>"outside the dashboard", or the dashboard user who wrote it (with provider).</summary>
    public string By { get; init; } = NodeHistoryTexts.Outside;
    /// <summary>True when nobody in the dashboard wrote it.</summary>
    public bool Outside { get; init; } = true;
    /// <summary>The person's reason, from the audit trail.</summary>
    public string? Reason { get; init; }
    /// <summary>The dashboard operation (SetData, Create…), from the audit trail.</summary>
    public string? Operation { get; init; }
    public long? AuditId { get; init; }
    public long? TrackedId { get; init; }
    /// <summary>For a restore: the version it restored (audit link, or tracked record id).</summary>
    public long? LinkedAuditId { get; init; }
    public long? LinkedTrackedId { get; init; }

    /// <summary>True when this version's content can be written back.</summary>
    public bool Restorable => Kind != NodeChangeKind.Deleted && Data is not null;
}

/// <summary>Texts shared by Core and the UI.</summary>
public static class NodeHistoryTexts
{
    /// <summary>Who made a change nobody in the dashboard made.</summary>
    public const string Outside = "outside the dashboard";
}

/// <summary>The history of one node.</summary>
/// <param name="Versions">Newest first.</param>
/// <param name="TrackedBy">The tracked glob that covers the node, or null (then only the dashboard's own writes are known).</param>
/// <param name="AuditAvailable">False when no audit trail is registered (the dashboard's own writes are then unknown).</param>
public sealed record NodeHistory(IReadOnlyList<NodeVersionView> Versions, string? TrackedBy, bool AuditAvailable);

/// <summary>One node that changed between two times.</summary>
/// <param name="Path">The node.</param>
/// <param name="Kind">Created, Changed or Deleted over the interval (created and deleted again inside it: Deleted with a null <paramref name="Before"/>).</param>
/// <param name="Before">The version in effect at the start (null when the node did not exist or was not tracked yet).</param>
/// <param name="After">The version in effect at the end (a Deleted record when it was deleted).</param>
/// <param name="Versions">Versions recorded inside the interval.</param>
public sealed record NodeChangeSummary(string Path, NodeChangeKind Kind, NodeVersionView? Before, NodeVersionView After, int Versions);
