using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Store;

namespace ZkDashboard.Core.Health;

/// <summary>
/// Writes raised/resolved alerts to the dashboard database off the poll loop (a bounded queue; when the database is slower
/// than the alerts, the oldest pending writes are dropped and counted), with their acknowledgement and silence, and reloads them
/// at start-up.
/// </summary>
internal sealed partial class AlertStore : IAsyncDisposable
{
    private readonly IDashboardStore _store;
    private readonly ILogger _logger;
    private readonly Channel<HealthAlert> _queue;
    private readonly Task _writer;
    private long _dropped;

    public AlertStore(IDashboardStore store, ILogger logger)
    {
        _store = store;
        _logger = logger;
        _queue = Channel.CreateBounded<HealthAlert>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
        _writer = Task.Run(WriteLoopAsync);
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>
    /// The newest <paramref name="max"/> resolved alerts (oldest first), the alerts the previous run left active (with their
    /// acknowledgement and silence; the first poll continues or resolves them), and the highest alert id.
    /// </summary>
    public async Task<(IReadOnlyList<HealthAlert> History, IReadOnlyList<HealthAlert> Active, long LastId)> LoadAsync(int max, CancellationToken ct)
    {
        await using var db = await _store.CreateContextAsync(ct).ConfigureAwait(false);
        var lastId = await db.HealthAlerts.MaxAsync(a => (long?)a.AlertId, ct).ConfigureAwait(false) ?? 0;
        var rows = await db.HealthAlerts.AsNoTracking().Where(a => a.ResolvedAt != null).OrderByDescending(a => a.Id).Take(max).ToListAsync(ct).ConfigureAwait(false);
        var activeRows = await db.HealthAlerts.AsNoTracking().Where(a => a.ResolvedAt == null).OrderBy(a => a.Id).ToListAsync(ct).ConfigureAwait(false);
        var ids = activeRows.Select(a => a.AlertId).Concat(rows.Select(a => a.AlertId)).ToArray();
        var marks = await db.HealthAlertMarks.AsNoTracking().Where(m => ids.Contains(m.AlertId)).ToDictionaryAsync(m => m.AlertId, ct).ConfigureAwait(false);
        HealthAlert? ToAlert(AlertRecord r)
        {
            if (!Enum.TryParse<AlertKind>(r.Kind, out var kind))
            {
                return null;
            }
            var alert = new HealthAlert(r.AlertId, r.Ensemble, r.Server, kind,
                Enum.TryParse<AlertSeverity>(r.Severity, out var sev) ? sev : AlertSeverity.Warning, r.Message, r.RaisedAt, r.ResolvedAt, r.LastSeenAt);
            return marks.TryGetValue(r.AlertId, out var m)
                ? alert with { AcknowledgedBy = m.AcknowledgedBy, AcknowledgedAt = m.AcknowledgedAt, SilencedUntil = m.SilencedUntil }
                : alert;
        }
        var history = rows.AsEnumerable().Reverse().Select(ToAlert).OfType<HealthAlert>().ToArray();
        var active = activeRows.Select(ToAlert).OfType<HealthAlert>().ToArray();
        return (history, active, lastId);
    }

    /// <summary>Queues an insert (raised) or update (resolved, acknowledged, silenced) of an alert.</summary>
    public void Enqueue(HealthAlert alert) => _queue.Writer.TryWrite(alert);

    private async Task WriteLoopAsync()
    {
        await foreach (var alert in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await using var db = await _store.CreateContextAsync().ConfigureAwait(false);
                var row = await db.HealthAlerts.SingleOrDefaultAsync(a => a.AlertId == alert.Id).ConfigureAwait(false);
                if (row is null)
                {
                    row = new AlertRecord { AlertId = alert.Id };
                    db.HealthAlerts.Add(row);
                }
                row.Ensemble = alert.Ensemble;
                row.Server = alert.Server;
                row.Kind = alert.Kind.ToString();
                row.Severity = alert.Severity.ToString();
                row.Message = alert.Message.Length > 4000 ? alert.Message[..4000] : alert.Message;
                row.RaisedAt = alert.RaisedAt;
                row.ResolvedAt = alert.ResolvedAt;
                row.LastSeenAt = alert.LastSeenAt;
                if (alert.AcknowledgedBy is not null || alert.SilencedUntil is not null)
                {
                    var mark = await db.HealthAlertMarks.SingleOrDefaultAsync(m => m.AlertId == alert.Id).ConfigureAwait(false);
                    if (mark is null)
                    {
                        mark = new AlertMarkRecord { AlertId = alert.Id };
                        db.HealthAlertMarks.Add(mark);
                    }
                    mark.AcknowledgedBy = alert.AcknowledgedBy;
                    mark.AcknowledgedAt = alert.AcknowledgedAt;
                    mark.SilencedUntil = alert.SilencedUntil;
                }
                await db.SaveChangesAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // a failed history write must not stop later ones; it is logged
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogWriteFailed(alert.Id, ex);
            }
        }
    }

    /// <summary>Writes what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store health alert {AlertId}")]
    private partial void LogWriteFailed(long alertId, Exception ex);
}
