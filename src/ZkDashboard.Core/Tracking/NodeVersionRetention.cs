using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Audit;
using ZkDashboard.Core.Store;

namespace ZkDashboard.Core.Tracking;

/// <summary>What one retention sweep of the <c>NodeVersions</c> table removed.</summary>
/// <param name="ByAge">Versions older than <see cref="TrackingOptions.RetentionDays"/>.</param>
/// <param name="ByRows">Versions beyond <see cref="TrackingOptions.RetentionRowsPerNode"/> of their node.</param>
/// <param name="Nodes">Nodes that lost versions to the row limit.</param>
public sealed record NodeVersionPurge(long ByAge, long ByRows, int Nodes)
{
    /// <summary>Versions removed in all.</summary>
    public long Total => ByAge + ByRows;
}

/// <summary>
/// Retention of tracked versions (<see cref="TrackingOptions.RetentionDays"/>, <see cref="TrackingOptions.RetentionRowsPerNode"/>):
/// removes old versions in chunks, never the newest version of a node (a node's current state stays known however old it
/// is). A sweep that removed anything is audited as one <c>Purge</c> record with the counts, like the audit trail's own
/// retention. Dashboards sharing a store may sweep at the same time: each counts only the rows it deleted itself.
/// </summary>
internal sealed partial class NodeVersionRetention(IDashboardStore store, IAuditSink audit, IOptions<TrackingOptions> options,
    ILogger<NodeVersionRetention> logger, TimeProvider? time = null)
{
    private const int Chunk = 2000;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>True when a limit is configured.</summary>
    public bool Enabled => Days is not null || RowsPerNode is not null;

    private int? Days => options.Value.RetentionDays is > 0 and var d ? d : null;

    private int? RowsPerNode => options.Value.RetentionRowsPerNode is > 0 and var r ? r : null;

    /// <summary>One sweep; audits it when it removed anything.</summary>
    public async Task<NodeVersionPurge> PurgeAsync(CancellationToken ct = default)
    {
        var byAge = Days is { } days ? await PurgeByAgeAsync(days, ct).ConfigureAwait(false) : 0;
        var (byRows, nodes) = RowsPerNode is { } rows ? await PurgeByRowsAsync(rows, ct).ConfigureAwait(false) : (0L, 0);
        var purge = new NodeVersionPurge(byAge, byRows, nodes);
        if (purge.Total > 0)
        {
            var detail = string.Create(CultureInfo.InvariantCulture,
                $"node history retention purged {purge.Total} tracked version(s): {byAge} older than {(Days is { } d ? d + " days" : "-")}, "
                + $"{byRows} over {(RowsPerNode is { } r ? r + " per node" : "-")} ({nodes} node(s)); the newest version of each node is kept");
            await audit.AppendAsync(new AuditRecord(_time.GetUtcNow(), new OperationContext(ActingUser.System, AccessAdministration.AllEnsembles, ZkOperationKind.ManageEnsembles, "/"),
                AuditOutcome.Succeeded, detail)
            {
                OperationName = "Purge",
                Change = new AuditChange { Done = (int)Math.Min(int.MaxValue, purge.Total) },
            }, required: false, ct).ConfigureAwait(false);
            LogPurged(purge.Total, byAge, byRows, nodes);
        }
        return purge;
    }

    private async Task<long> PurgeByAgeAsync(int days, CancellationToken ct)
    {
        var cutoff = (_time.GetUtcNow() - TimeSpan.FromDays(days)).ToUnixTimeMilliseconds();
        long deleted = 0;
        while (true)
        {
            await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
            // Old, and not the newest of its node (a newer version of the same node exists).
            var ids = await db.NodeVersions.AsNoTracking()
                .Where(v => v.AtMs < cutoff && db.NodeVersions.Any(n => n.Ensemble == v.Ensemble && n.Path == v.Path && n.Id > v.Id))
                .OrderBy(v => v.Id).Select(v => v.Id).Take(Chunk).ToListAsync(ct).ConfigureAwait(false);
            if (ids.Count == 0)
            {
                return deleted;
            }
            deleted += await db.NodeVersions.Where(v => ids.Contains(v.Id)).ExecuteDeleteAsync(ct).ConfigureAwait(false);
            if (ids.Count < Chunk)
            {
                return deleted;
            }
        }
    }

    private async Task<(long Deleted, int Nodes)> PurgeByRowsAsync(int keep, CancellationToken ct)
    {
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        var over = await db.NodeVersions.AsNoTracking()
            .GroupBy(v => new { v.Ensemble, v.Path })
            .Where(g => g.Count() > keep)
            .Select(g => new { g.Key.Ensemble, g.Key.Path })
            .ToListAsync(ct).ConfigureAwait(false);
        long deleted = 0;
        var nodes = 0;
        foreach (var node in over)
        {
            // The oldest version to keep: the keep-th newest (keep is at least 1, so the newest always stays).
            var boundary = await db.NodeVersions.AsNoTracking()
                .Where(v => v.Ensemble == node.Ensemble && v.Path == node.Path)
                .OrderByDescending(v => v.Id).Skip(keep - 1).Select(v => (long?)v.Id)
                .FirstOrDefaultAsync(ct).ConfigureAwait(false);
            if (boundary is not { } b)
            {
                continue; // another dashboard purged it meanwhile
            }
            var n = await db.NodeVersions.Where(v => v.Ensemble == node.Ensemble && v.Path == node.Path && v.Id < b).ExecuteDeleteAsync(ct).ConfigureAwait(false);
            if (n > 0)
            {
                deleted += n;
                nodes++;
            }
        }
        return (deleted, nodes);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node history retention purged {Total} tracked version(s) ({ByAge} by age, {ByRows} by the per-node limit on {Nodes} node(s))")]
    private partial void LogPurged(long total, long byAge, long byRows, int nodes);
}

/// <summary>Runs <see cref="NodeVersionRetention"/> at start-up and every <see cref="TrackingOptions.RetentionInterval"/>.</summary>
internal sealed partial class NodeVersionRetentionService(NodeVersionRetention retention, IOptions<TrackingOptions> options,
    ILogger<NodeVersionRetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!retention.Enabled)
        {
            return;
        }
        var interval = options.Value.RetentionInterval > TimeSpan.Zero ? options.Value.RetentionInterval : TimeSpan.FromHours(1);
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                await retention.PurgeAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex, interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Node history retention failed; it runs again in {Interval}")]
    private partial void LogFailed(Exception ex, TimeSpan interval);
}
