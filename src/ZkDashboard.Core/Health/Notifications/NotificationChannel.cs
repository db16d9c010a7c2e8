using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace ZkDashboard.Core.Health.Notifications;

/// <summary>What the notifications page and /metrics show for one channel.</summary>
public sealed record NotificationChannelStatus(
    string Name, NotificationChannelType Type, string Target, int Queued, long Sent, long Failed, long Retries, long Dropped,
    DateTimeOffset? LastAttemptAt, DateTimeOffset? LastSuccessAt, string? LastSuccessSummary, DateTimeOffset? LastErrorAt, string? LastError);

/// <summary>The outcome of one message after its retries.</summary>
public sealed record NotificationDeliveryResult(bool Delivered, int Attempts, string? Error);

/// <summary>
/// One configured channel: a bounded queue (the oldest message is dropped and counted when a receiver is down for long) and one
/// worker that sends each message with retries and exponential backoff.
/// </summary>
internal sealed partial class NotificationChannel : IAsyncDisposable
{
    private const int QueueCapacity = 1000;
    private readonly INotificationSender _sender;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<AlertNotification> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private Task? _worker;
    private long _sent, _failed, _retries, _dropped;
    private DateTimeOffset? _lastAttemptAt, _lastSuccessAt, _lastErrorAt;
    private string? _lastError, _lastSuccessSummary;

    public NotificationChannel(NotificationChannelOptions options, INotificationSender sender, TimeProvider time, ILogger logger)
    {
        Options = options;
        _sender = sender;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<AlertNotification>(new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped =>
            {
                Interlocked.Increment(ref _dropped);
                LogDropped(Options.Name, dropped.DedupKey);
            });
    }

    public NotificationChannelOptions Options { get; }

    public event Action? Changed;

    /// <summary>The outcome of a queued message after its retries (on the channel's worker).</summary>
    public event Action<AlertNotification, NotificationDeliveryResult>? Delivered;

    /// <summary>Takes over the counters and last outcome of an earlier run (before <see cref="Start"/>).</summary>
    public void Restore(Store.NotificationChannelStateRecord state)
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (_lock)
        {
            _sent = state.Sent;
            _failed = state.Failed;
            _retries = state.Retries;
            _dropped = state.Dropped;
            _lastAttemptAt = state.LastAttemptAt;
            _lastSuccessAt = state.LastSuccessAt;
            _lastSuccessSummary = state.LastSuccessSummary;
            _lastErrorAt = state.LastErrorAt;
            _lastError = state.LastError;
        }
    }

    public void Start() => _worker ??= Task.Run(WorkAsync);

    public void Enqueue(AlertNotification notification) => _queue.Writer.TryWrite(notification);

    public NotificationChannelStatus Status
    {
        get
        {
            lock (_lock)
            {
                return new NotificationChannelStatus(Options.Name, Options.Type, Options.DisplayTarget, _queue.Reader.Count,
                    Interlocked.Read(ref _sent), Interlocked.Read(ref _failed), Interlocked.Read(ref _retries), Interlocked.Read(ref _dropped),
                    _lastAttemptAt, _lastSuccessAt, _lastSuccessSummary, _lastErrorAt, _lastError);
            }
        }
    }

    private async Task WorkAsync()
    {
        try
        {
            await foreach (var n in _queue.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                var result = await DeliverAsync(n, _stop.Token).ConfigureAwait(false);
                Delivered?.Invoke(n, result);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Sends one message, retrying retryable failures with backoff; records the outcome.</summary>
    public async Task<NotificationDeliveryResult> DeliverAsync(AlertNotification n, CancellationToken ct)
    {
        var backoff = Options.InitialBackoff;
        for (var attempt = 1; ; attempt++)
        {
            lock (_lock)
            {
                _lastAttemptAt = _time.GetUtcNow();
            }
            try
            {
                await _sender.SendAsync(n, ct).ConfigureAwait(false);
                Interlocked.Increment(ref _sent);
                lock (_lock)
                {
                    _lastSuccessAt = _time.GetUtcNow();
                    _lastSuccessSummary = n.Headline;
                }
                Changed?.Invoke();
                return new NotificationDeliveryResult(true, attempt, null);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is NotificationDeliveryException or InvalidOperationException or FormatException)
            {
                var retryable = ex is NotificationDeliveryException { Retryable: true };
                lock (_lock)
                {
                    _lastErrorAt = _time.GetUtcNow();
                    _lastError = $"{n.Headline}: attempt {attempt} of {Options.MaxAttempts}: {ex.Message}";
                }
                if (!retryable || attempt >= Options.MaxAttempts)
                {
                    Interlocked.Increment(ref _failed);
                    LogGaveUp(Options.Name, n.DedupKey, attempt, ex.Message);
                    Changed?.Invoke();
                    return new NotificationDeliveryResult(false, attempt, ex.Message);
                }
                Interlocked.Increment(ref _retries);
                Changed?.Invoke();
                var wait = ex is NotificationDeliveryException { RetryAfter: { } after } ? TimeSpan.FromTicks(Math.Min(after.Ticks, Options.MaxBackoff.Ticks)) : backoff;
                LogRetry(Options.Name, n.DedupKey, attempt, wait.TotalMilliseconds, ex.Message);
                await Task.Delay(wait, _time, ct).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(Options.MaxBackoff.Ticks, Math.Max(1, backoff.Ticks) * 2));
            }
        }
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_worker is not null)
        {
            await _worker.ConfigureAwait(false);
        }
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification channel {Channel}: attempt {Attempt} for {DedupKey} failed, retrying in {WaitMs} ms: {Error}")]
    private partial void LogRetry(string channel, string dedupKey, int attempt, double waitMs, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notification channel {Channel}: gave up on {DedupKey} after {Attempts} attempt(s): {Error}")]
    private partial void LogGaveUp(string channel, string dedupKey, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification channel {Channel}: queue full, dropped the oldest message ({DedupKey})")]
    private partial void LogDropped(string channel, string dedupKey);
}
