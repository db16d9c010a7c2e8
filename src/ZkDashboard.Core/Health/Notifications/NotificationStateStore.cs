using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Store;

namespace ZkDashboard.Core.Health.Notifications;

/// <summary>
/// Keeps the notifier's state in the dashboard database, so a restart neither repeats a "raised" that was delivered nor forgets a
/// "resolved" still owed, nor the channels' delivery failures: what each channel was told per alert, and each channel's counters
/// and last outcome. Writes go through a bounded queue off the poll loop (one writer, in order; when the database is slower than
/// the alerts the oldest pending writes are dropped and counted), and are flushed on stop.
/// </summary>
internal sealed partial class NotificationStateStore : IAsyncDisposable
{
    private readonly IDashboardStore _store;
    private readonly ILogger _logger;
    private readonly Channel<Func<ZkDashboardDbContext, Task>> _queue;
    private readonly Task _writer;
    private long _dropped;

    public NotificationStateStore(IDashboardStore store, ILogger logger)
    {
        _store = store;
        _logger = logger;
        _queue = Channel.CreateBounded<Func<ZkDashboardDbContext, Task>>(
            new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
        _writer = Task.Run(WriteLoopAsync);
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    public async Task<(IReadOnlyList<NotificationToldRecord> Told, IReadOnlyList<NotificationChannelStateRecord> Channels)> LoadAsync(CancellationToken ct)
    {
        await using var db = await _store.CreateContextAsync(ct).ConfigureAwait(false);
        var told = await db.NotificationTold.AsNoTracking().OrderBy(t => t.Id).ToListAsync(ct).ConfigureAwait(false);
        var channels = await db.NotificationChannelStates.AsNoTracking().ToListAsync(ct).ConfigureAwait(false);
        return (told, channels);
    }

    /// <summary>Records a raised or repeat message queued for <paramref name="alert"/> on <paramref name="channel"/>.</summary>
    public void Told(string channel, HealthAlert alert, DateTimeOffset lastSentAt) => Enqueue(async db =>
    {
        var row = await FindAsync(db, channel, alert.Id).ConfigureAwait(false);
        if (row is null)
        {
            row = new NotificationToldRecord { Channel = channel, AlertId = alert.Id };
            db.NotificationTold.Add(row);
        }
        row.Ensemble = alert.Ensemble;
        row.Server = alert.Server;
        row.Kind = alert.Kind.ToString();
        row.Severity = alert.Severity.ToString();
        row.Message = alert.Message.Length > 4000 ? alert.Message[..4000] : alert.Message;
        row.RaisedAt = alert.RaisedAt;
        row.LastSeenAt = alert.LastSeenAt;
        row.LastSentAt = lastSentAt;
        await db.SaveChangesAsync().ConfigureAwait(false);
    });

    /// <summary>The "raised" message of an alert reached the channel's receiver.</summary>
    public void RaisedDelivered(string channel, long alertId) => Enqueue(db =>
        db.NotificationTold.Where(t => t.Channel == channel && t.AlertId == alertId).ExecuteUpdateAsync(u => u.SetProperty(t => t.RaisedDelivered, true)));

    /// <summary>The alert resolved: its "resolved" message is owed until <see cref="Forget"/>.</summary>
    public void Resolving(string channel, long alertId, DateTimeOffset resolvedAt) => Enqueue(db =>
        db.NotificationTold.Where(t => t.Channel == channel && t.AlertId == alertId).ExecuteUpdateAsync(u => u.SetProperty(t => t.ResolvedAt, resolvedAt)));

    /// <summary>Nothing more is owed for the alert on the channel (resolved delivered or given up, or no resolved message wanted).</summary>
    public void Forget(string channel, long alertId) => Enqueue(db =>
        db.NotificationTold.Where(t => t.Channel == channel && t.AlertId == alertId).ExecuteDeleteAsync());

    /// <summary>Saves a channel's counters and last outcome.</summary>
    public void SaveChannel(NotificationChannelStatus status) => Enqueue(async db =>
    {
        var row = await db.NotificationChannelStates.SingleOrDefaultAsync(c => c.Channel == status.Name).ConfigureAwait(false);
        if (row is null)
        {
            row = new NotificationChannelStateRecord { Channel = status.Name };
            db.NotificationChannelStates.Add(row);
        }
        row.Sent = status.Sent;
        row.Failed = status.Failed;
        row.Retries = status.Retries;
        row.Dropped = status.Dropped;
        row.LastAttemptAt = status.LastAttemptAt;
        row.LastSuccessAt = status.LastSuccessAt;
        row.LastSuccessSummary = Cut(status.LastSuccessSummary, 500);
        row.LastErrorAt = status.LastErrorAt;
        row.LastError = Cut(status.LastError, 2000);
        await db.SaveChangesAsync().ConfigureAwait(false);
    });

    private static string? Cut(string? s, int max) => s is null || s.Length <= max ? s : s[..max];

    private static Task<NotificationToldRecord?> FindAsync(ZkDashboardDbContext db, string channel, long alertId)
        => db.NotificationTold.SingleOrDefaultAsync(t => t.Channel == channel && t.AlertId == alertId);

    private void Enqueue(Func<ZkDashboardDbContext, Task> write) => _queue.Writer.TryWrite(write);

    private async Task WriteLoopAsync()
    {
        await foreach (var write in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await using var db = await _store.CreateContextAsync().ConfigureAwait(false);
                await write(db).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // a failed state write must not stop later ones; it is logged
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogWriteFailed(ex);
            }
        }
    }

    /// <summary>Writes what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store the notification state")]
    private partial void LogWriteFailed(Exception ex);
}
