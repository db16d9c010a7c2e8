using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Diagnostics;
using ZkDashboard.Core.Metrics;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Sessions;

/// <summary>
/// The one shared ZooKeeper session of an ensemble. Opened lazily on first use and kept open; every viewer,
/// watch and operation of this ensemble goes through it.
/// </summary>
/// <remarks>
/// State handling (one method, <see cref="OnClientStateChanged"/>):
/// <list type="bullet">
/// <item><b>Connected / ReadOnly</b>: reads served; <see cref="Restored"/> fires after a disconnection so
/// cached views re-read what may have changed.</item>
/// <item><b>Suspended</b>: the client reconnects by itself; everything cached is stale until it does.</item>
/// <item><b>Expired</b>: the session is gone with its watches and ephemerals. A new session is opened in
/// the background (with back-off) and <see cref="Restored"/> fires with <c>NewSession = true</c> so every
/// server watch is registered again.</item>
/// <item><b>AuthFailed</b>: the credentials are wrong; the next use tries again.</item>
/// </list>
/// A failure here never affects another ensemble's session.
/// </remarks>
public sealed partial class EnsembleSession : IAsyncDisposable
{
    private readonly SessionOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly DashboardMetrics _metrics;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _disposed = new();
    private ZooKeeperClient? _client;
    private Task<ZooKeeperClient>? _opening;
    private EnsembleSessionStatus _status;
    private bool _wasDisconnected;
    private long _droppedSeen;
    private readonly OrderedEventQueue _events;

    internal EnsembleSession(EnsembleDefinition definition, SessionOptions options, ILoggerFactory loggerFactory, DashboardMetrics metrics)
    {
        Definition = definition;
        _options = options;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<EnsembleSession>();
        _metrics = metrics;
        _events = new OrderedEventQueue(definition.Name, _logger);
        _status = new EnsembleSessionStatus(definition.Name, EnsembleConnectionState.NotConnected, DateTimeOffset.UtcNow, null, null, 0, null);
    }

    /// <summary>The ensemble's definition this session was opened with.</summary>
    public EnsembleDefinition Definition { get; }

    /// <summary>Ensemble name.</summary>
    public string Name => Definition.Name;

    /// <summary>Current state (also raised through <see cref="StatusChanged"/>).</summary>
    public EnsembleSessionStatus Status { get { lock (_gate) { return _status; } } }

    /// <summary>Raised on every state change (on a worker thread, never on the client's I/O loop). Status changes and
    /// <see cref="Restored"/> share one ordered queue per session: handlers see them in the order they happened.</summary>
    public event EventHandler<EnsembleSessionStatus>? StatusChanged;

    /// <summary>Raised when the session is usable again after a disconnection or expiry.</summary>
    public event EventHandler<SessionRestoredEventArgs>? Restored;

    /// <summary>Every watch event of the current client (whichever client the session holds now).</summary>
    public event EventHandler<WatchedEvent>? WatchEvent;

    /// <summary>Credentials the session authenticates with, in words (for NoAuth messages). Never the password.</summary>
    public string CredentialsDescription => Definition.Credentials is { } c ? $"digest user '{c.User}'" : "no credentials (world/anyone only)";

    /// <summary>The current client when a session is open (no connect attempt).</summary>
    internal ZooKeeperClient? CurrentClient { get { lock (_gate) { return _client; } } }

    /// <summary>
    /// The connected client, opening the session on first use. Throws <see cref="EnsembleUnavailableException"/>
    /// with the reason when the ensemble cannot be reached.
    /// </summary>
    internal async ValueTask<ZooKeeperClient> GetClientAsync(CancellationToken ct = default)
    {
        Task<ZooKeeperClient> opening;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
            if (_client is { } c && c.State is not (ConnectionState.Expired or ConnectionState.Closed or ConnectionState.AuthFailed))
            {
                return c;
            }
            _opening ??= OpenAsync();
            opening = _opening;
        }
        return await opening.WaitAsync(ct).ConfigureAwait(false);
    }

    private async Task<ZooKeeperClient> OpenAsync()
    {
        await Task.Yield();
        var previous = CurrentClient;
        var newSession = previous is not null;
        SetStatus(EnsembleConnectionState.Connecting, null);
        try
        {
            if (previous is not null)
            {
                DetachAndDispose(previous);
            }
            var options = BuildClientOptions();
            var client = await ZooKeeperClient.ConnectAsync(options, _disposed.Token).ConfigureAwait(false);
            lock (_gate)
            {
                _client = client;
                _opening = null;
            }
            Interlocked.Exchange(ref _droppedSeen, client.DroppedEvents);
            client.StateChanged += OnClientStateChanged;
            client.WatchEvent += OnClientWatchEvent;
            _metrics.SessionOpened();
            _logger.LogInformation("Ensemble {Ensemble}: session 0x{SessionId:x} open on {Server}", Name, client.SessionId, client.ConnectedServer);
            ApplyClientState(client);
            if (newSession)
            {
                RaiseRestored(newSession: true);
            }
            return client;
        }
        catch (Exception ex)
        {
            var (state, reason) = Describe(ex);
            lock (_gate) { _opening = null; }
            SetStatus(state, reason);
            _logger.LogWarning("Ensemble {Ensemble}: cannot open a session: {Reason}", Name, reason);
            throw new EnsembleUnavailableException(Name, state, reason, ex);
        }
    }

    private (EnsembleConnectionState State, string Reason) Describe(Exception ex) => ex switch
    {
        OperationCanceledException when _disposed.IsCancellationRequested => (EnsembleConnectionState.Closed, "the session was closed"),
        AuthFailedException => (EnsembleConnectionState.AuthFailed,
            $"the servers refused {CredentialsDescription}. Check the ensemble's digest credentials."),
        ArgumentException or FormatException => (EnsembleConnectionState.Failed,
            $"the connect string '{Definition.ConnectString}' is invalid: {ex.Message} Use host:port[,host:port...][/chroot]."),
        TimeoutException or OperationCanceledException or ConnectionLossException or System.Net.Sockets.SocketException => (EnsembleConnectionState.Failed,
            $"no server of '{Definition.ConnectString}' answered within {_options.ConnectTimeout.TotalSeconds:0.#} s ({ex.Message}). Check that the hosts are up and reachable."),
        _ => (EnsembleConnectionState.Failed, $"{ex.GetType().Name}: {ex.Message}"),
    };

    private void OnClientWatchEvent(object? sender, WatchedEvent e)
    {
        if (sender is not ZooKeeperClient client || !ReferenceEquals(client, CurrentClient))
        {
            return;
        }
        WatchEvent?.Invoke(this, e);
        // The client's event queue is bounded and drops when full. A drop could hide a final change, so
        // everything watched is re-read (the same path a reconnect takes).
        var dropped = client.DroppedEvents;
        if (dropped != Interlocked.Read(ref _droppedSeen) && Interlocked.Exchange(ref _droppedSeen, dropped) != dropped)
        {
            _logger.LogWarning("Ensemble {Ensemble}: the client dropped watch events ({Dropped} so far); re-reading everything watched", Name, dropped);
            RaiseRestored(newSession: false);
        }
    }

    private void OnClientStateChanged(object? sender, ConnectionStateChangedEventArgs e)
    {
        if (sender is not ZooKeeperClient client || !ReferenceEquals(client, CurrentClient))
        {
            return;
        }
        ApplyClientState(client);
    }

    private void ApplyClientState(ZooKeeperClient client)
    {
        var state = client.State;
        switch (state)
        {
            case ConnectionState.Connected:
            case ConnectionState.ConnectedReadOnly:
                bool restored;
                lock (_gate)
                {
                    restored = _wasDisconnected;
                    _wasDisconnected = false;
                }
                SetStatus(state == ConnectionState.Connected ? EnsembleConnectionState.Connected : EnsembleConnectionState.ReadOnly, null, client);
                if (restored)
                {
                    RaiseRestored(newSession: false);
                }
                break;
            case ConnectionState.Connecting:
            case ConnectionState.Suspended:
                lock (_gate) { _wasDisconnected = true; }
                SetStatus(EnsembleConnectionState.Suspended, "connection lost; reconnecting", client);
                break;
            case ConnectionState.Expired:
                lock (_gate) { _wasDisconnected = true; }
                SetStatus(EnsembleConnectionState.Expired, "the session expired; opening a new one", client);
                RenewAfterExpiryAsync().Observe(_logger, $"renewing the expired session of {Name}");
                break;
            case ConnectionState.AuthFailed:
                SetStatus(EnsembleConnectionState.AuthFailed, $"the servers refused {CredentialsDescription}. Check the ensemble's digest credentials.", client);
                break;
            case ConnectionState.Closed:
                if (!_disposed.IsCancellationRequested)
                {
                    lock (_gate) { _wasDisconnected = true; }
                    SetStatus(EnsembleConnectionState.Expired, "the session was closed; opening a new one", client);
                    RenewAfterExpiryAsync().Observe(_logger, $"renewing the expired session of {Name}");
                }
                break;
        }
    }

    private async Task RenewAfterExpiryAsync()
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (!_disposed.IsCancellationRequested)
        {
            try
            {
                Task<ZooKeeperClient> opening;
                lock (_gate)
                {
                    if (_client is { } c && c.State is ConnectionState.Connected or ConnectionState.ConnectedReadOnly or ConnectionState.Suspended or ConnectionState.Connecting)
                    {
                        return;
                    }
                    _opening ??= OpenAsync();
                    opening = _opening;
                }
                await opening.ConfigureAwait(false);
                return;
            }
            catch (EnsembleUnavailableException ex)
            {
                _logger.LogWarning("Ensemble {Ensemble}: new session failed, retrying in {Delay}: {Reason}", Name, delay, ex.Reason);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogWarning(ex, "Ensemble {Ensemble}: new session failed", Name);
            }
            try
            {
                await Task.Delay(delay, _disposed.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectBackoff.Ticks));
        }
    }

    private void DetachAndDispose(ZooKeeperClient client)
    {
        client.StateChanged -= OnClientStateChanged;
        client.WatchEvent -= OnClientWatchEvent;
        _metrics.SessionClosed();
        client.DisposeAsync().AsTask().Observe(_logger, $"disposing the replaced client of {Name}", LogLevel.Warning);
    }

    private void SetStatus(EnsembleConnectionState state, string? error, ZooKeeperClient? client = null)
    {
        EnsembleSessionStatus next;
        lock (_gate)
        {
            var now = DateTimeOffset.UtcNow;
            var live = state is EnsembleConnectionState.Connected or EnsembleConnectionState.ReadOnly;
            var fresh = live && !_status.IsLive ? now : live ? _status.FreshSince : _status.FreshSince;
            next = new EnsembleSessionStatus(Name, state, _status.State == state ? _status.Since : now, error,
                client?.ConnectedServer, client?.SessionId ?? 0, fresh);
            if (next == _status)
            {
                return;
            }
            _status = next;
            // Posted under the lock, so handlers see the states in the order they were set.
            _events.Post(nameof(StatusChanged), () => StatusChanged?.Invoke(this, next));
        }
        _logger.LogDebug("Ensemble {Ensemble}: {State} {Error}", Name, state, error);
    }

    /// <summary>
    /// Raises <see cref="Restored"/> through the session's one ordered event queue (after the status changes
    /// posted before it, before those posted after it), on the thread pool.
    /// </summary>
    private void RaiseRestored(bool newSession)
    {
        var args = new SessionRestoredEventArgs(Name, newSession);
        lock (_gate)
        {
            _events.Post(nameof(Restored), () => Restored?.Invoke(this, args));
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        ZooKeeperClient? client;
        lock (_gate)
        {
            if (_disposed.IsCancellationRequested)
            {
                return;
            }
            _disposed.Cancel();
            client = _client;
            _client = null;
        }
        if (client is not null)
        {
            client.StateChanged -= OnClientStateChanged;
            client.WatchEvent -= OnClientWatchEvent;
            _metrics.SessionClosed();
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await client.CloseAsync(cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ZooKeeperException or OperationCanceledException or TimeoutException or ObjectDisposedException)
            {
                _logger.LogDebug("Ensemble {Ensemble}: close: {Message}", Name, ex.Message);
            }
            await client.DisposeAsync().ConfigureAwait(false);
        }
        SetStatus(EnsembleConnectionState.Closed, null);
        _disposed.Dispose();
    }
}
