using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Ensembles;

namespace ZkDashboard.Core.Health.Notifications;

/// <summary>Alert notifications: the configured channels, their delivery state, and "send test".</summary>
public interface IAlertNotifications
{
    IReadOnlyList<NotificationChannelStatus> Channels { get; }

    /// <summary>Called after any delivery outcome (on a worker thread).</summary>
    event Action? Changed;

    /// <summary>
    /// Sends a test message through one channel now and waits for the outcome (retries included). Checks
    /// <see cref="ZkOperationKind.AcknowledgeAlert"/> on the channel's first ensemble ("*" when it takes all) and audits the outcome.
    /// </summary>
    /// <exception cref="AccessDeniedException">The user may not manage alerts.</exception>
    /// <exception cref="ArgumentException">No channel has that name.</exception>
    Task<NotificationDeliveryResult> SendTestAsync(ActingUser user, string channel, CancellationToken ct = default);
}

/// <summary>
/// Watches the health monitor's snapshots and sends, per channel: one "raised" message when an alert appears (however many polls
/// it stays active: messages are keyed by alert and phase), a reminder every <see cref="NotificationChannelOptions.RepeatInterval"/>
/// while it stays active and is not silenced, and one "resolved" message when it goes away. With the dashboard store, what each
/// channel was told and its delivery counters survive a restart (<see cref="NotificationStateStore"/>): a delivered "raised" is not
/// sent again, one that was not delivered is, and an owed "resolved" still goes out.
/// </summary>
internal sealed partial class AlertNotifier : IAlertNotifications, IHostedService, IAsyncDisposable
{
    private readonly IHealthMonitor _monitor;
    private readonly IEnsembleRegistry _registry;
    private readonly IAccessPolicy _policy;
    private readonly IAuditSink _audit;
    private readonly TimeProvider _time;
    private readonly ILogger<AlertNotifier> _logger;
    private readonly NotificationOptions _options;
    private readonly HttpClient _http;
    private readonly NotificationChannel[] _channels;
    private readonly Lock _lock = new();
    /// <summary>Per channel: alerts told as raised and when they were last told (raised or repeat).</summary>
    private readonly Dictionary<(string Channel, long AlertId), (HealthAlert Alert, DateTimeOffset LastSentAt)> _told = [];
    private readonly NotificationStateStore? _state;
    private IDisposable? _subscription;

    public AlertNotifier(IHealthMonitor monitor, IEnsembleRegistry registry, IAccessPolicy policy, IAuditSink audit,
        IOptions<NotificationOptions> options, ILogger<AlertNotifier> logger, TimeProvider? time = null, Store.IDashboardStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _options.Validate();
        _monitor = monitor;
        _registry = registry;
        _policy = policy;
        _audit = audit;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("ZkDashboard-Notifications/1");
        _channels = _options.Channels.Select(c => new NotificationChannel(c,
            c.Type == NotificationChannelType.Email ? new SmtpNotificationSender(c) : new HttpNotificationSender(_http, c), _time, logger)).ToArray();
        if (store is not null && _channels.Length > 0)
        {
            _state = new NotificationStateStore(store, logger);
        }
        foreach (var c in _channels)
        {
            c.Changed += () =>
            {
                _state?.SaveChannel(c.Status);
                Changed?.Invoke();
            };
            c.Delivered += (n, result) => OnDelivered(c, n, result);
        }
    }

    public event Action? Changed;

    public IReadOnlyList<NotificationChannelStatus> Channels => _channels.Select(c => c.Status).ToArray();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await RestoreAsync(cancellationToken).ConfigureAwait(false);
        foreach (var c in _channels)
        {
            c.Start();
        }
        if (_channels.Length > 0)
        {
            _subscription = _monitor.Subscribe(OnSnapshot);
            _registry.Changed += OnRegistryChanged;
        }
    }

    /// <summary>Takes over the state of the previous run: channel counters, what each channel was told, resolved messages owed.</summary>
    private async Task RestoreAsync(CancellationToken ct)
    {
        if (_state is null)
        {
            return;
        }
        IReadOnlyList<Store.NotificationToldRecord> told;
        IReadOnlyList<Store.NotificationChannelStateRecord> states;
        try
        {
            (told, states) = await _state.LoadAsync(ct).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // without the stored state the notifier still works (it may repeat a raised); the failure is logged
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogStateLoadFailed(ex);
            return;
        }
        foreach (var st in states)
        {
            _channels.FirstOrDefault(c => c.Options.Name == st.Channel)?.Restore(st);
        }
        var now = _time.GetUtcNow();
        var outgoing = new List<(NotificationChannel, AlertNotification)>();
        lock (_lock)
        {
            foreach (var row in told)
            {
                var channel = _channels.FirstOrDefault(c => c.Options.Name == row.Channel);
                if (channel is null || !Enum.TryParse<AlertKind>(row.Kind, out var kind) || !row.RaisedDelivered)
                {
                    // A channel no longer configured, or a raised that never arrived: nothing owed (a still active alert is
                    // raised again by the first poll).
                    _state.Forget(row.Channel, row.AlertId);
                    continue;
                }
                var alert = new HealthAlert(row.AlertId, row.Ensemble, row.Server, kind,
                    Enum.TryParse<AlertSeverity>(row.Severity, out var sev) ? sev : AlertSeverity.Warning, row.Message, row.RaisedAt, row.ResolvedAt, row.LastSeenAt);
                if (row.ResolvedAt is not null || _registry.Find(row.Ensemble) is null)
                {
                    if (!channel.Options.SendResolved)
                    {
                        _state.Forget(row.Channel, row.AlertId);
                        continue;
                    }
                    var resolved = row.ResolvedAt is null
                        ? alert with { ResolvedAt = now, Message = alert.Message + " (ensemble removed from the dashboard)" }
                        : alert;
                    _state.Resolving(row.Channel, row.AlertId, resolved.ResolvedAt!.Value);
                    outgoing.Add((channel, new AlertNotification(NotificationPhase.Resolved, resolved, now, _options.DashboardUrl)));
                    continue;
                }
                _told[(row.Channel, row.AlertId)] = (alert, row.LastSentAt);
            }
        }
        foreach (var (channel, n) in outgoing)
        {
            channel.Enqueue(n);
        }
    }

    /// <summary>Records what reached the receiver: a delivered raised is not sent again after a restart; a resolved is done either way.</summary>
    private void OnDelivered(NotificationChannel channel, AlertNotification n, NotificationDeliveryResult result)
    {
        if (_state is null)
        {
            return;
        }
        switch (n.Phase)
        {
            case NotificationPhase.Raised when result.Delivered:
                _state.RaisedDelivered(channel.Options.Name, n.Alert.Id);
                break;
            case NotificationPhase.Resolved:
                _state.Forget(channel.Options.Name, n.Alert.Id);
                break;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        _subscription = null;
        _registry.Changed -= OnRegistryChanged;
        foreach (var c in _channels)
        {
            await c.DisposeAsync().ConfigureAwait(false);
        }
        if (_state is not null)
        {
            await _state.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _http.Dispose();
    }

    /// <summary>Diffs one ensemble's active alerts against what each channel was told.</summary>
    internal void OnSnapshot(EnsembleHealth health)
    {
        var now = _time.GetUtcNow();
        var active = health.ActiveAlerts.ToDictionary(a => a.Id);
        var outgoing = new List<(NotificationChannel, AlertNotification)>();
        lock (_lock)
        {
            foreach (var channel in _channels)
            {
                var o = channel.Options;
                foreach (var alert in active.Values.Where(o.Matches))
                {
                    var key = (o.Name, alert.Id);
                    if (!_told.TryGetValue(key, out var told))
                    {
                        _told[key] = (alert, now);
                        _state?.Told(o.Name, alert, now);
                        outgoing.Add((channel, new AlertNotification(NotificationPhase.Raised, alert, now, _options.DashboardUrl)));
                    }
                    else if (o.RepeatInterval > TimeSpan.Zero && now - told.LastSentAt >= o.RepeatInterval && !alert.IsSilenced(now))
                    {
                        _told[key] = (alert, now);
                        _state?.Told(o.Name, alert, now);
                        outgoing.Add((channel, new AlertNotification(NotificationPhase.Repeat, alert, now, _options.DashboardUrl)));
                    }
                    else
                    {
                        _told[key] = (alert, told.LastSentAt);
                    }
                }
            }
            foreach (var (key, told) in _told.Where(t => string.Equals(t.Value.Alert.Ensemble, health.Ensemble, StringComparison.OrdinalIgnoreCase)
                                                          && !active.ContainsKey(t.Key.AlertId)).ToList())
            {
                _told.Remove(key);
                var channel = _channels.First(c => c.Options.Name == key.Channel);
                if (channel.Options.SendResolved)
                {
                    var resolved = _monitor.GetAlertHistory(health.Ensemble).FirstOrDefault(a => a.Id == key.AlertId && !a.IsActive)
                                   ?? told.Alert with { ResolvedAt = health.Timestamp };
                    _state?.Resolving(key.Channel, key.AlertId, resolved.ResolvedAt ?? health.Timestamp);
                    outgoing.Add((channel, new AlertNotification(NotificationPhase.Resolved, resolved, now, _options.DashboardUrl)));
                }
                else
                {
                    _state?.Forget(key.Channel, key.AlertId);
                }
            }
        }
        foreach (var (channel, n) in outgoing)
        {
            channel.Enqueue(n);
        }
    }

    private void OnRegistryChanged(object? sender, EnsembleRegistryChangedEventArgs e)
    {
        if (e.Kind != EnsembleChangeKind.Removed)
        {
            return;
        }
        var now = _time.GetUtcNow();
        var outgoing = new List<(NotificationChannel, AlertNotification)>();
        lock (_lock)
        {
            foreach (var (key, told) in _told.Where(t => string.Equals(t.Value.Alert.Ensemble, e.Name, StringComparison.OrdinalIgnoreCase)).ToList())
            {
                _told.Remove(key);
                var channel = _channels.First(c => c.Options.Name == key.Channel);
                if (channel.Options.SendResolved)
                {
                    var alert = told.Alert with { ResolvedAt = now, Message = told.Alert.Message + " (ensemble removed from the dashboard)" };
                    _state?.Resolving(key.Channel, key.AlertId, now);
                    outgoing.Add((channel, new AlertNotification(NotificationPhase.Resolved, alert, now, _options.DashboardUrl)));
                }
                else
                {
                    _state?.Forget(key.Channel, key.AlertId);
                }
            }
        }
        foreach (var (channel, n) in outgoing)
        {
            channel.Enqueue(n);
        }
    }

    public async Task<NotificationDeliveryResult> SendTestAsync(ActingUser user, string channel, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var target = _channels.FirstOrDefault(c => string.Equals(c.Options.Name, channel, StringComparison.OrdinalIgnoreCase))
                     ?? throw new ArgumentException($"There is no notification channel named '{channel}'; configured: {string.Join(", ", _channels.Select(c => c.Options.Name))}.", nameof(channel));
        var ensemble = target.Options.Ensembles.FirstOrDefault(e => e != "*") ?? "*";
        var op = new OperationContext(user, ensemble, ZkOperationKind.AcknowledgeAlert, "/", TargetPath: "notifications/" + target.Options.Name + "/test");
        try
        {
            await _policy.AuthorizeAsync(op, ct).ConfigureAwait(false);
        }
        catch (AccessDeniedException ex)
        {
            await AuditAsync(op, AuditOutcome.Denied, ex.Message).ConfigureAwait(false);
            throw;
        }
        var now = _time.GetUtcNow();
        var alert = new HealthAlert(0, ensemble, null, AlertKind.ServerUnreachable, AlertSeverity.Warning,
            $"Test notification sent by {user.Name} through channel '{target.Options.Name}'. No action needed.", now, null, now);
        NotificationDeliveryResult result;
        try
        {
            result = await target.DeliverAsync(new AlertNotification(NotificationPhase.Test, alert, now, _options.DashboardUrl), ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await AuditAsync(op, AuditOutcome.Unknown, "cancelled while sending").ConfigureAwait(false);
            throw;
        }
        await AuditAsync(op, result.Delivered ? AuditOutcome.Succeeded : AuditOutcome.Failed,
            result.Delivered ? $"test delivered to {target.Options.DisplayTarget} in {result.Attempts} attempt(s)" : result.Error).ConfigureAwait(false);
        return result;
    }

    private async Task AuditAsync(OperationContext op, AuditOutcome outcome, string? detail)
    {
        try
        {
            await _audit.RecordAsync(new AuditRecord(_time.GetUtcNow(), op, outcome, detail), CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // the audit sink's own failure must not hide the outcome; it is logged
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogAuditFailed(op.Ensemble, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not load the stored notification state; alerts still active may be notified again")]
    private partial void LogStateLoadFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit sink failed for a notification test on {Ensemble}")]
    private partial void LogAuditFailed(string ensemble, Exception ex);
}
