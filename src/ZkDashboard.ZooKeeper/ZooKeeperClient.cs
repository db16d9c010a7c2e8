using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ZkDashboard.ZooKeeper.Internal;
using ZkDashboard.ZooKeeper.Protocol.Records;

namespace ZkDashboard.ZooKeeper;

/// <summary>
/// An asynchronous ZooKeeper client: one session over one connection at a time, moving to the next
/// server when the connection drops. Thread-safe; share one instance.
/// </summary>
/// <remarks>
/// Watch events (<see cref="WatchEvent"/>) and state changes (<see cref="StateChanged"/>) are raised on a
/// dedicated worker, one at a time and in order, never on the I/O loops. A reply to a read the server
/// sent after a watch event completes only after that event's handler returned, so handlers must not
/// block synchronously on calls of this client (await them instead).
/// </remarks>
public sealed partial class ZooKeeperClient : IAsyncDisposable
{
    private readonly ZooKeeperClientOptions _options;
    private readonly ConnectString _connectString;
    private readonly Chroot _chroot;
    private readonly ILogger _logger;
    private readonly HostEndpoint[] _hosts;
    private readonly Channel<object> _requests = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly WatchManager _watches = new();
    private readonly EventDispatcher _dispatcher;
    private readonly CancellationTokenSource _closeCts = new();
    private readonly object _stateLock = new();
    private readonly List<Channel<ConnectionStateChangedEventArgs>> _stateSubscribers = [];
    private readonly TaskCompletionSource _firstConnect = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<AuthInfo> _auth;
    private ConnectionState _state = ConnectionState.Connecting;
    private Task _runTask = Task.CompletedTask;
    private volatile Connection? _connection;
    private long _sessionId;
    private byte[] _sessionPassword;
    private int _negotiatedTimeoutMs;
    private long _lastZxid;
    private int _xid = Protocol.Xids.First;
    private int _hostIndex;
    private string? _lastConnectError;
    private HostEndpoint? _readWriteHost;
    private long _lastHeard;
    private bool _seenReadWrite;

    private ZooKeeperClient(ZooKeeperClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SessionTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(options), "SessionTimeout must be positive.");
        if (options.MaxDataLength <= 0) throw new ArgumentOutOfRangeException(nameof(options), "MaxDataLength must be positive.");
        if (options.MaxReplyLength < 1024) throw new ArgumentOutOfRangeException(nameof(options), "MaxReplyLength must be at least 1024 bytes.");
        _options = options;
        _connectString = ConnectString.Parse(options.ConnectString);
        _chroot = new Chroot(_connectString.Chroot);
        _logger = options.LoggerFactory?.CreateLogger("ZkDashboard.ZooKeeper.ZooKeeperClient") ?? NullLogger.Instance;
        _hosts = [.. _connectString.Hosts];
        Random.Shared.Shuffle(_hosts);
        _sessionId = options.SessionId;
        _seenReadWrite = options.SessionId != 0;
        _sessionPassword = options.SessionPassword.ToArray();
        if (_sessionPassword.Length == 0) _sessionPassword = new byte[16];
        _auth = [.. options.Auth];
        _dispatcher = new EventDispatcher(options.EventQueueCapacity, _logger, RaiseWatchEvent, RaiseStateChanged);
    }

    /// <summary>
    /// Opens a session (or resumes <see cref="ZooKeeperClientOptions.SessionId"/>) and returns once connected.
    /// Throws <see cref="ConnectionLossException"/> when no server answered within
    /// <see cref="ZooKeeperClientOptions.ConnectTimeout"/>, <see cref="SessionExpiredException"/> when a
    /// resumed session has expired, <see cref="AuthFailedException"/> when the credentials were rejected.
    /// </summary>
    public static async Task<ZooKeeperClient> ConnectAsync(ZooKeeperClientOptions options, CancellationToken ct = default)
    {
        var client = new ZooKeeperClient(options);
        client._runTask = Task.Run(client.RunSessionAsync, CancellationToken.None);
        try
        {
            await client._firstConnect.Task.WaitAsync(options.ConnectTimeout, ct).ConfigureAwait(false);
            return client;
        }
        catch (TimeoutException)
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw new ConnectionLossException(
                $"Could not connect to ZooKeeper at {string.Join(",", client._connectString.Hosts)} within {options.ConnectTimeout.TotalSeconds:0.#} s" +
                (client._lastConnectError is null ? "." : $": {client._lastConnectError}") + " Check that the servers run and the connect string is right.");
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The session id (0 until connected).</summary>
    public long SessionId => Interlocked.Read(ref _sessionId);

    /// <summary>The session password (to resume the session from another client).</summary>
    public ReadOnlyMemory<byte> SessionPassword => Volatile.Read(ref _sessionPassword);

    /// <summary>The session timeout granted by the server.</summary>
    public TimeSpan NegotiatedSessionTimeout => TimeSpan.FromMilliseconds(Volatile.Read(ref _negotiatedTimeoutMs));

    /// <summary>The highest zxid seen in a reply; the client never reconnects to a server that is behind it.</summary>
    public long LastZxidSeen => Interlocked.Read(ref _lastZxid);

    /// <summary>The current connection state (see <see cref="ConnectionState"/> for what each means).</summary>
    public ConnectionState State
    {
        get
        {
            lock (_stateLock) return _state;
        }
    }

    /// <summary>The server of the current connection ("host:port"), or null while disconnected.</summary>
    public string? ConnectedServer => _connection?.Server;

    /// <summary>The chroot of the connect string, or null.</summary>
    public string? Chroot => _chroot.Prefix;

    /// <summary>Number of watch events dropped because the event queue was full.</summary>
    public long DroppedEvents => _dispatcher.Dropped;

    /// <summary>Raised (off the I/O loop, in order) on every state change.</summary>
    public event EventHandler<ConnectionStateChangedEventArgs>? StateChanged;

    /// <summary>
    /// Raised (off the I/O loop, in order) for every triggered watch set by this client — one-shot watches
    /// (watch: true), persistent and recursive ones — and for connection-state notifications
    /// (<see cref="EventType.None"/>: SyncConnected, Disconnected, Expired, AuthFailed, Closed, ConnectedReadOnly).
    /// On expiry a final Expired event is raised and every watch is forgotten.
    /// </summary>
    public event EventHandler<WatchedEvent>? WatchEvent;

    /// <summary>
    /// The connection state as a stream: first the current state (Previous == Current), then every change,
    /// in order. Completes after a terminal state (Expired, AuthFailed, Closed). A slow consumer loses the
    /// oldest changes beyond 256 (logged).
    /// </summary>
    public async IAsyncEnumerable<ConnectionStateChangedEventArgs> WatchStateAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        var channel = Channel.CreateBounded<ConnectionStateChangedEventArgs>(
            new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped => Log.EventDropped(_logger, EventType.None, dropped.ToString(), 256, 1));
        lock (_stateLock)
        {
            channel.Writer.TryWrite(new ConnectionStateChangedEventArgs(_state, _state, ConnectedServer, "current state"));
            if (IsTerminal(_state)) channel.Writer.TryComplete();
            else _stateSubscribers.Add(channel);
        }
        try
        {
            await foreach (var e in channel.Reader.ReadAllAsync(ct).ConfigureAwait(false)) yield return e;
        }
        finally
        {
            lock (_stateLock) _stateSubscribers.Remove(channel);
        }
    }

    private static bool IsTerminal(ConnectionState s) => s is ConnectionState.Expired or ConnectionState.AuthFailed or ConnectionState.Closed;

    /// <summary>
    /// The one place where the state changes. Ignores changes out of a terminal state and repeats.
    /// Queues, in order, the StateChanged event and the matching state notification for watchers, and
    /// feeds <see cref="WatchStateAsync"/> subscribers. On expiry (and close) the watches are cleared after
    /// the final event is queued.
    /// </summary>
    private bool TransitionTo(ConnectionState next, string? server, string? reason)
    {
        lock (_stateLock)
        {
            var previous = _state;
            if (previous == next || IsTerminal(previous)) return false;
            _state = next;
            var args = new ConnectionStateChangedEventArgs(previous, next, server, reason);
            Log.StateChanged(_logger, previous, next, server, reason);
            _dispatcher.EnqueueState(args);
            var keeperState = next switch
            {
                ConnectionState.Connected => KeeperState.SyncConnected,
                ConnectionState.ConnectedReadOnly => KeeperState.ConnectedReadOnly,
                ConnectionState.Expired => KeeperState.Expired,
                ConnectionState.AuthFailed => KeeperState.AuthFailed,
                ConnectionState.Closed => KeeperState.Closed,
                _ => KeeperState.Disconnected,
            };
            if (next != ConnectionState.Connecting) _dispatcher.EnqueueWatch(new WatchedEvent(EventType.None, keeperState, null), force: true);
            foreach (var s in _stateSubscribers)
            {
                s.Writer.TryWrite(args);
                if (IsTerminal(next)) s.Writer.TryComplete();
            }
            if (next is ConnectionState.Connected or ConnectionState.ConnectedReadOnly) _firstConnect.TrySetResult();
            if (IsTerminal(next))
            {
                _stateSubscribers.Clear();
                _watches.Clear();
                _requests.Writer.TryComplete();
                _firstConnect.TrySetException(TerminalException(next, reason));
                _dispatcher.CompleteAsync();
            }
            return true;
        }
    }

    private Exception TerminalException(ConnectionState state, string? reason = null) => state switch
    {
        ConnectionState.Expired => new SessionExpiredException($"The session 0x{SessionId:x} has expired{(reason is null ? "" : " (" + reason + ")")}; its ephemeral nodes and watches are gone. Open a new client to continue."),
        ConnectionState.AuthFailed => new AuthFailedException($"Authentication failed{(reason is null ? "" : " (" + reason + ")")}; fix the credentials and open a new client."),
        _ => new ClientClosedException("The ZooKeeper client is closed; open a new one to continue."),
    };

    private void RaiseWatchEvent(WatchedEvent e) => WatchEvent?.Invoke(this, e);

    private void RaiseStateChanged(ConnectionStateChangedEventArgs e) => StateChanged?.Invoke(this, e);

    /// <summary>
    /// Ends the session: sends closeSession (so the server deletes its ephemeral nodes at once) when
    /// connected, then closes the connection. The state becomes <see cref="ConnectionState.Closed"/>.
    /// </summary>
    public async Task CloseAsync(CancellationToken ct = default)
    {
        ConnectionState state;
        lock (_stateLock) state = _state;
        if (!IsTerminal(state) && state is ConnectionState.Connected or ConnectionState.ConnectedReadOnly)
        {
            try
            {
                var call = new Call<CloseSessionRequest, bool>(default, null, WatchRegistration.None, isWrite: true);
                if (_requests.Writer.TryWrite(call))
                {
                    KickWriter();
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    timeout.CancelAfter(TimeSpan.FromMilliseconds(Math.Clamp(_negotiatedTimeoutMs / 3, 500, 5000)));
                    await call.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is ZooKeeperException or OperationCanceledException)
            {
                // The session will expire on its own; closing goes on.
            }
        }
        await ShutdownAsync(ConnectionState.Closed, "closed by the caller").ConfigureAwait(false);
    }

    private async Task ShutdownAsync(ConnectionState terminal, string reason)
    {
        TransitionTo(terminal, ConnectedServer, reason);
        await _closeCts.CancelAsync().ConfigureAwait(false);
        try
        {
            await _runTask.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        FailQueued(_ => TerminalException(terminal));
        try
        {
            await _dispatcher.CompleteAsync().WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A handler is still running (or is the one closing us); it finishes on its own.
        }
    }

    /// <summary>Closes the session (see <see cref="CloseAsync"/>); never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await CloseAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ZooKeeperException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
