using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Store;

namespace ZkDashboard.Core.Health;

/// <summary>
/// Writes raised/resolved alerts to the dashboard database off the poll loop (a bounded queue; when the database is slower
/// than the alerts, the oldest pending writes are dropped and counted) and reloads the history at start-up.
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

    /// <summary>Closes alerts left active by the previous run (resolved at <paramref name="now"/>) and returns the newest <paramref name="max"/>, oldest first.</summary>
    public async Task<(IReadOnlyList<HealthAlert> History, long LastId)> LoadAsync(DateTimeOffset now, int max, CancellationToken ct)
    {
        await using var db = await _store.CreateContextAsync(ct).ConfigureAwait(false);
        await db.HealthAlerts.Where(a => a.ResolvedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.ResolvedAt, now), ct).ConfigureAwait(false);
        var lastId = await db.HealthAlerts.MaxAsync(a => (long?)a.AlertId, ct).ConfigureAwait(false) ?? 0;
        var rows = await db.HealthAlerts.AsNoTracking().OrderByDescending(a => a.Id).Take(max).ToListAsync(ct).ConfigureAwait(false);
        var alerts = rows.AsEnumerable().Reverse()
            .Where(r => Enum.TryParse<AlertKind>(r.Kind, out _))
            .Select(r => new HealthAlert(r.AlertId, r.Ensemble, r.Server, Enum.Parse<AlertKind>(r.Kind),
                Enum.TryParse<AlertSeverity>(r.Severity, out var sev) ? sev : AlertSeverity.Warning, r.Message, r.RaisedAt, r.ResolvedAt ?? now, r.LastSeenAt))
            .ToArray();
        return (alerts, lastId);
    }

    /// <summary>Queues an insert (raised) or update (resolved) of an alert.</summary>
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
