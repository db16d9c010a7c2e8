using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Audit;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Store;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tracking;

/// <summary>Node history over the <c>NodeVersions</c> table and the audit trail (see <see cref="INodeHistory"/>).</summary>
public sealed partial class NodeHistoryService : INodeHistory
{
    private const int MaxVersions = 1000;
    private const int MaxChangedPaths = 5000;
    private static readonly HashSet<string> WriteOperations = new(StringComparer.OrdinalIgnoreCase)
    {
        nameof(ZkOperationKind.Create), nameof(ZkOperationKind.SetData), nameof(ZkOperationKind.Delete), nameof(ZkOperationKind.SetAcl),
    };

    private readonly IDashboardStore _store;
    private readonly IAccessPolicy _policy;
    private readonly IAuditSink _audit;
    private readonly IZooKeeperOperations _ops;
    private readonly IEnsembleSessions _sessions;
    private readonly ISubtreeTracker _tracker;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;

    /// <summary>Creates the service.</summary>
    public NodeHistoryService(IDashboardStore store, IAccessPolicy policy, IAuditSink audit, IZooKeeperOperations ops, IEnsembleSessions sessions,
        ISubtreeTracker tracker, IServiceProvider services, ILogger<NodeHistoryService> logger)
    {
        _store = store;
        _policy = policy;
        _audit = audit;
        _ops = ops;
        _sessions = sessions;
        _tracker = tracker;
        _services = services;
        _logger = logger;
    }

    /// <summary>The audit trail when one is registered (the audit store); without it only tracked versions are known.</summary>
    private IAuditTrail? Trail => _services.GetService<IAuditTrail>();

    /// <inheritdoc />
    public async Task<NodeHistory> GetHistoryAsync(ActingUser user, string ensemble, string path, CancellationToken ct = default)
    {
        PathUtils.Validate(path);
        ensemble = _sessions.Get(ensemble).Name;
        await AuthorizeAsync(new OperationContext(user, ensemble, ZkOperationKind.Read, path), ct).ConfigureAwait(false);
        var scope = await _policy.GetReadScopeAsync(user, ensemble, path, ct).ConfigureAwait(false);
        var showData = scope.HasFlag(ReadScope.Data);

        List<NodeVersionRecord> tracked;
        await using (var db = await _store.CreateContextAsync(ct).ConfigureAwait(false))
        {
            tracked = await db.NodeVersions.AsNoTracking()
                .Where(r => r.Ensemble == ensemble && r.Path == path)
                .OrderByDescending(r => r.Id).Take(MaxVersions)
                .ToListAsync(ct).ConfigureAwait(false);
        }
        var trail = Trail;
        var audits = trail is null ? [] : await ReadAuditsAsync(trail, ensemble, path, exact: true, null, null, ct).ConfigureAwait(false);
        var versions = Merge(tracked, audits, showData);
        var trackedBy = (await _tracker.GetTrackedAsync(ct).ConfigureAwait(false))
            .FirstOrDefault(t => string.Equals(t.Ensemble, ensemble, StringComparison.OrdinalIgnoreCase) && PathGlob.Parse(t.Glob).IsMatch(path))?.Glob;
        return new NodeHistory(versions, trackedBy, trail is not null);
    }

    private static async Task<List<AuditEntry>> ReadAuditsAsync(IAuditTrail trail, string ensemble, string path, bool exact, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        var glob = exact ? path : path == "/" ? "/**" : path + "/**";
        var result = new List<AuditEntry>();
        var query = new AuditQuery { Ensemble = ensemble, PathGlob = glob, From = from, To = to, Outcome = AuditOutcome.Succeeded, Limit = MaxVersions };
        // The system reads the trail for the history: the person's right to see this node was checked already.
        await foreach (var e in trail.QueryAsync(ActingUser.System, query, ct).ConfigureAwait(false))
        {
            if (e.Path is not null && WriteOperations.Contains(e.Operation) && (!exact || e.Path == path))
            {
                result.Add(e);
            }
            if (result.Count >= MaxVersions)
            {
                break;
            }
        }
        return result;
    }

    /// <summary>
    /// Tracked versions and the dashboard's own writes as one list: a write whose resulting mzxid (or, for a delete, time
    /// within 10 s) matches a tracked version is that version, by that user; other writes are rows of their own.
    /// </summary>
    internal static List<NodeVersionView> Merge(IReadOnlyList<NodeVersionRecord> tracked, IReadOnlyList<AuditEntry> audits, bool showData)
    {
        var byMzxid = new Dictionary<long, AuditEntry>();
        foreach (var a in audits)
        {
            if (a.ResultMzxid is { } m && !string.Equals(a.Operation, nameof(ZkOperationKind.Delete), StringComparison.OrdinalIgnoreCase))
            {
                byMzxid.TryAdd(m, a);
            }
        }
        var used = new HashSet<long>();
        var result = new List<NodeVersionView>(tracked.Count + audits.Count);
        foreach (var r in tracked)
        {
            AuditEntry? a = null;
            if (r.Mzxid is { } m && byMzxid.TryGetValue(m, out var hit))
            {
                a = hit;
            }
            else if (r.Kind == NodeChangeKind.Deleted)
            {
                var at = DateTimeOffset.FromUnixTimeMilliseconds(r.ObservedAtMs);
                a = audits.FirstOrDefault(x => string.Equals(x.Operation, nameof(ZkOperationKind.Delete), StringComparison.OrdinalIgnoreCase)
                    && !used.Contains(x.Id) && (x.At - at).Duration() < TimeSpan.FromSeconds(10));
            }
            if (a is not null)
            {
                used.Add(a.Id);
            }
            result.Add(FromTracked(r, a, showData));
        }
        foreach (var a in audits.Where(a => !used.Contains(a.Id)))
        {
            result.Add(FromAudit(a, showData));
        }
        return [.. result.OrderByDescending(v => v.At).ThenByDescending(v => v.Mzxid ?? 0).ThenByDescending(v => v.TrackedId ?? 0)];
    }

    private static NodeVersionView FromTracked(NodeVersionRecord r, AuditEntry? a, bool showData)
    {
        var (data, reason) = Content(r.Kind, r.Data, r.DataLength, showData);
        var baseline = r.Kind == NodeChangeKind.Existing;
        return new NodeVersionView
        {
            Id = "t" + r.Id,
            Ensemble = r.Ensemble,
            Path = r.Path,
            Kind = r.Kind,
            Observation = r.Observation,
            At = DateTimeOffset.FromUnixTimeMilliseconds(r.AtMs),
            ObservedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.ObservedAtMs),
            Version = r.Version,
            Aversion = r.Aversion,
            Mzxid = r.Mzxid,
            Czxid = r.Czxid,
            DataLength = r.DataLength,
            Sha256 = r.Sha256,
            Data = data,
            DataUnavailableReason = reason,
            Acl = r.Acl,
            Count = r.Count,
            By = a is not null ? Who(a) : baseline ? "unknown (before tracking began)" : r.By ?? NodeHistoryTexts.Outside,
            Outside = a is null && !baseline && r.By is null,
            Reason = a?.Reason,
            Operation = a?.Operation,
            AuditId = a?.Id,
            TrackedId = r.Id,
            LinkedAuditId = a?.RestoredFromId,
            LinkedTrackedId = a?.LinkedNodeVersionId,
        };
    }

    private static NodeVersionView FromAudit(AuditEntry a, bool showData)
    {
        var kind = a.Operation switch
        {
            nameof(ZkOperationKind.Create) => NodeChangeKind.Created,
            nameof(ZkOperationKind.Delete) => NodeChangeKind.Deleted,
            _ => NodeChangeKind.Changed,
        };
        var (data, reason) = Content(kind, a.DataAfter, a.SizeAfter, showData);
        if (data is null && reason is null && kind != NodeChangeKind.Deleted && a.DataAfter is null)
        {
            reason = string.Equals(a.Operation, nameof(ZkOperationKind.SetAcl), StringComparison.OrdinalIgnoreCase)
                ? "an ACL change: the content did not change"
                : "the audit record holds no content for this write";
        }
        return new NodeVersionView
        {
            Id = "a" + a.Id,
            Ensemble = a.Ensemble ?? "",
            Path = a.Path ?? "",
            Kind = kind,
            Observation = NodeObservation.DashboardWrite,
            At = a.At,
            ObservedAt = a.At,
            Version = a.ResultVersion,
            Mzxid = a.ResultMzxid,
            DataLength = a.SizeAfter,
            Sha256 = a.Sha256After,
            Data = data,
            DataUnavailableReason = reason,
            Acl = a.AclAfter,
            By = Who(a),
            Outside = false,
            Reason = a.Reason,
            Operation = a.Operation,
            AuditId = a.Id,
            LinkedAuditId = a.RestoredFromId,
            LinkedTrackedId = a.LinkedNodeVersionId,
        };
    }

    private static string Who(AuditEntry a) => a.Provider is { Length: > 0 } p ? $"{a.User} ({p})" : a.User;

    private static (byte[]? Data, string? Reason) Content(NodeChangeKind kind, byte[]? data, int? length, bool showData)
    {
        if (kind == NodeChangeKind.Deleted)
        {
            return (null, null);
        }
        if (!showData)
        {
            return (null, "hidden by a sensitive-data mask: seeing content needs readData here — ask an admin");
        }
        if (data is null && length is > 0)
        {
            return (null, $"{length:N0} bytes, over the content cap: only the size and SHA-256 were kept");
        }
        return (data ?? [], null);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<NodeChangeSummary>> GetChangesBetweenAsync(ActingUser user, string ensemble, string path, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        PathUtils.Validate(path);
        if (to < from)
        {
            throw new ArgumentException($"The end ({to:u}) is before the start ({from:u}); swap them.", nameof(to));
        }
        ensemble = _sessions.Get(ensemble).Name;
        await AuthorizeAsync(new OperationContext(user, ensemble, ZkOperationKind.Read, path), ct).ConfigureAwait(false);
        var fromMs = from.ToUnixTimeMilliseconds();
        var toMs = to.ToUnixTimeMilliseconds();
        var prefix = path == "/" ? "/" : path + "/";
        List<NodeVersionRecord> inside;
        List<NodeVersionRecord> before;
        await using (var db = await _store.CreateContextAsync(ct).ConfigureAwait(false))
        {
            var under = db.NodeVersions.AsNoTracking().Where(r => r.Ensemble == ensemble && (r.Path == path || r.Path.StartsWith(prefix)));
            inside = await under.Where(r => r.AtMs > fromMs && r.AtMs <= toMs && r.Kind != NodeChangeKind.Existing)
                .OrderBy(r => r.Id).Take(50_000).ToListAsync(ct).ConfigureAwait(false);
            var paths = inside.Select(r => r.Path).Distinct(StringComparer.Ordinal).Take(MaxChangedPaths).ToList();
            var ids = await under.Where(r => paths.Contains(r.Path) && r.AtMs <= fromMs)
                .GroupBy(r => r.Path).Select(g => g.Max(r => r.Id)).ToListAsync(ct).ConfigureAwait(false);
            before = await db.NodeVersions.AsNoTracking().Where(r => ids.Contains(r.Id)).ToListAsync(ct).ConfigureAwait(false);
            // Tracking that began inside the interval: the baseline is the earliest state known, so it stands for "before".
            var known = before.Select(b => b.Path).ToHashSet(StringComparer.Ordinal);
            var missing = paths.Where(p => !known.Contains(p)).ToList();
            if (missing.Count > 0)
            {
                var baselines = await under.Where(r => missing.Contains(r.Path) && r.Kind == NodeChangeKind.Existing && r.AtMs <= toMs)
                    .ToListAsync(ct).ConfigureAwait(false);
                var firstInside = inside.GroupBy(r => r.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Min(r => r.Id), StringComparer.Ordinal);
                before.AddRange(baselines.Where(b => b.Id < firstInside[b.Path]).GroupBy(b => b.Path).Select(g => g.MaxBy(b => b.Id)!));
            }
        }
        var trail = Trail;
        var audits = trail is null ? [] : await ReadAuditsAsync(trail, ensemble, path, exact: false, from.AddSeconds(-10), to.AddSeconds(10), ct).ConfigureAwait(false);
        var beforeByPath = before.ToDictionary(r => r.Path, StringComparer.Ordinal);
        var result = new List<NodeChangeSummary>();
        foreach (var group in inside.GroupBy(r => r.Path, StringComparer.Ordinal).Take(MaxChangedPaths))
        {
            var scope = await _policy.GetReadScopeAsync(user, ensemble, group.Key, ct).ConfigureAwait(false);
            if (!scope.HasFlag(ReadScope.Node))
            {
                continue;
            }
            var showData = scope.HasFlag(ReadScope.Data);
            var pathAudits = audits.Where(a => a.Path == group.Key).ToList();
            beforeByPath.TryGetValue(group.Key, out var b);
            if (b is { Kind: NodeChangeKind.Deleted })
            {
                b = null;
            }
            var last = group.Last();
            var kind = last.Kind == NodeChangeKind.Deleted ? NodeChangeKind.Deleted
                : b is null ? NodeChangeKind.Created
                : NodeChangeKind.Changed;
            var views = Merge(b is null ? [last] : [last, b], pathAudits, showData);
            var afterView = views.First(v => v.TrackedId == last.Id);
            var beforeView = b is null ? null : views.First(v => v.TrackedId == b.Id);
            result.Add(new NodeChangeSummary(group.Key, kind, beforeView, afterView, group.Count()));
        }
        return [.. result.OrderBy(r => r.Path, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public async Task<WriteResult> RestoreAsync(ActingUser user, string ensemble, string path, string versionId, int expectedVersion, string? reason, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(versionId);
        PathUtils.Validate(path);
        ensemble = _sessions.Get(ensemble).Name;
        var op = new OperationContext(user, ensemble, ZkOperationKind.SetData, path);
        await AuthorizeAsync(op, ct).ConfigureAwait(false);
        if (expectedVersion < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(expectedVersion), expectedVersion,
                "A restore is a versioned write: give the node's current version as shown (a restore never overwrites blindly).");
        }
        byte[]? data;
        int? version;
        long? auditId = null, trackedId = null;
        string source;
        if (versionId.StartsWith('t') && long.TryParse(versionId.AsSpan(1), out var tid))
        {
            await using var db = await _store.CreateContextAsync(ct).ConfigureAwait(false);
            var r = await db.NodeVersions.AsNoTracking().FirstOrDefaultAsync(x => x.Id == tid, ct).ConfigureAwait(false);
            if (r is null || !string.Equals(r.Ensemble, ensemble, StringComparison.OrdinalIgnoreCase) || r.Path != path)
            {
                throw new NodeVersionNotFoundException(versionId, path);
            }
            if (r.Kind == NodeChangeKind.Deleted)
            {
                throw new VersionNotRestorableException($"That entry records the deletion of {path}; there is no content to restore. Pick a version before it.");
            }
            if (r.Data is null && r.DataLength is > 0)
            {
                throw new VersionNotRestorableException($"Version {r.Version} of {path} had {r.DataLength:N0} bytes, over the content cap: only its size and SHA-256 were kept, so it cannot be restored.");
            }
            data = r.Data ?? [];
            version = r.Version;
            trackedId = r.Id;
            source = $"tracked record #{r.Id}";
        }
        else if (versionId.StartsWith('a') && long.TryParse(versionId.AsSpan(1), out var aid))
        {
            var trail = Trail ?? throw new NodeVersionNotFoundException(versionId, path);
            var a = await trail.GetAsync(ActingUser.System, aid, ct).ConfigureAwait(false);
            if (a is null || !string.Equals(a.Ensemble, ensemble, StringComparison.OrdinalIgnoreCase) || a.Path != path)
            {
                throw new NodeVersionNotFoundException(versionId, path);
            }
            if (a.DataAfter is null)
            {
                throw new VersionNotRestorableException(a.SizeAfter is > 0
                    ? $"The write of audit record #{a.Id} had {a.SizeAfter:N0} bytes, over the content cap: only its size and SHA-256 were kept, so it cannot be restored."
                    : $"Audit record #{a.Id} ({a.Operation}) holds no content to restore.");
            }
            data = a.DataAfter;
            version = a.ResultVersion;
            auditId = a.Id;
            source = $"audit record #{a.Id}";
        }
        else
        {
            throw new NodeVersionNotFoundException(versionId, path);
        }
        var why = $"restore of version {version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} ({source})"
            + (string.IsNullOrWhiteSpace(reason) ? "" : ": " + reason.Trim());
        using (AuditAnnotations.Begin(new AuditAnnotation(why, auditId, trackedId)))
        {
            return await _ops.SetDataAsync(user, ensemble, path, data, expectedVersion, ct).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TrackedSubtree>> GetTrackedAsync(ActingUser user, string ensemble, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ensemble = _sessions.Get(ensemble).Name;
        var result = new List<TrackedSubtree>();
        foreach (var t in await _tracker.GetTrackedAsync(ct).ConfigureAwait(false))
        {
            if (string.Equals(t.Ensemble, ensemble, StringComparison.OrdinalIgnoreCase)
                && await _policy.CanAtOrBelowAsync(user, ensemble, AccessAction.Read, t.Root, ct).ConfigureAwait(false))
            {
                result.Add(t with { Ensemble = ensemble });
            }
        }
        return result;
    }

    /// <inheritdoc />
    public async Task<TrackedSubtree> TrackAsync(ActingUser user, string ensemble, string glob, CancellationToken ct = default)
    {
        ensemble = _sessions.Get(ensemble).Name;
        var op = new OperationContext(user, ensemble, ZkOperationKind.ManageEnsembles, "/") { Reason = $"track {glob}" };
        await AuthorizeAsync(op, ct).ConfigureAwait(false);
        PathGlob parsed;
        try
        {
            parsed = PathGlob.Parse(glob);
        }
        catch (AccessConfigurationException ex)
        {
            throw new ArgumentException($"Cannot track {glob}: {ex.Message}", nameof(glob), ex);
        }
        var existing = await _tracker.GetTrackedAsync(ct).ConfigureAwait(false);
        if (existing.FirstOrDefault(t => string.Equals(t.Ensemble, ensemble, StringComparison.OrdinalIgnoreCase) && t.Glob == parsed.Pattern) is { } already)
        {
            return already with { Ensemble = ensemble };
        }
        var now = DateTimeOffset.UtcNow;
        await using (var db = await _store.CreateContextAsync(ct).ConfigureAwait(false))
        {
            db.TrackedSubtrees.Add(new TrackedSubtreeRecord { Ensemble = ensemble, Glob = parsed.Pattern, AddedBy = user.Name, AddedAtMs = now.ToUnixTimeMilliseconds() });
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
        }
        await RecordAsync(op, AuditOutcome.Succeeded, $"now tracking {parsed.Pattern} on '{ensemble}'").ConfigureAwait(false);
        await _tracker.ReloadAsync(ct).ConfigureAwait(false);
        return new TrackedSubtree(ensemble, parsed.Pattern, TrackedSubtree.RootOf(parsed.Pattern), TrackedSubtreeSource.Store, user.Name, now);
    }

    /// <inheritdoc />
    public async Task UntrackAsync(ActingUser user, string ensemble, string glob, CancellationToken ct = default)
    {
        ensemble = _sessions.Get(ensemble).Name;
        var op = new OperationContext(user, ensemble, ZkOperationKind.ManageEnsembles, "/") { Reason = $"untrack {glob}" };
        await AuthorizeAsync(op, ct).ConfigureAwait(false);
        var all = await _tracker.GetTrackedAsync(ct).ConfigureAwait(false);
        var match = all.FirstOrDefault(t => string.Equals(t.Ensemble, ensemble, StringComparison.OrdinalIgnoreCase) && t.Glob == glob.Trim())
            ?? throw new ArgumentException($"{glob} is not tracked on '{ensemble}'.", nameof(glob));
        if (match.Source == TrackedSubtreeSource.Configuration)
        {
            throw new InvalidOperationException($"{glob} is tracked by the settings (ZkDashboard:Tracking:Subtrees); remove it there.");
        }
        await using (var db = await _store.CreateContextAsync(ct).ConfigureAwait(false))
        {
            var rows = await db.TrackedSubtrees.Where(t => t.Glob == match.Glob).ToListAsync(ct).ConfigureAwait(false);
            db.TrackedSubtrees.RemoveRange(rows.Where(r => string.Equals(r.Ensemble, ensemble, StringComparison.OrdinalIgnoreCase)));
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
        }
        await RecordAsync(op, AuditOutcome.Succeeded, $"stopped tracking {match.Glob} on '{ensemble}' (recorded versions are kept)").ConfigureAwait(false);
        await _tracker.ReloadAsync(ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public IReadOnlyList<TrackedRootStatus> GetStatus(ActingUser user, string ensemble)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.IsAuthenticated && !user.IsSystem)
        {
            return [];
        }
        var name = _sessions.Get(ensemble).Name;
        return [.. _tracker.Status.Where(s => string.Equals(s.Ensemble, name, StringComparison.OrdinalIgnoreCase))];
    }

    private async Task AuthorizeAsync(OperationContext op, CancellationToken ct)
    {
        try
        {
            await _policy.AuthorizeAsync(op, ct).ConfigureAwait(false);
        }
        catch (AccessDeniedException ex)
        {
            await RecordAsync(op, AuditOutcome.Denied, ex.Message).ConfigureAwait(false);
            throw;
        }
    }

    private async Task RecordAsync(OperationContext op, AuditOutcome outcome, string detail)
    {
        try
        {
            var record = new AuditRecord(DateTimeOffset.UtcNow, op, outcome, detail)
            {
                OperationName = op.Kind == ZkOperationKind.ManageEnsembles ? "Tracking" : null,
            };
            await _audit.RecordAsync(record, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogAuditFailed(ex, op.Kind, op.Ensemble, op.Path);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit sink failed for {Kind} {Ensemble}:{Path}")]
    private partial void LogAuditFailed(Exception ex, ZkOperationKind kind, string ensemble, string path);
}
