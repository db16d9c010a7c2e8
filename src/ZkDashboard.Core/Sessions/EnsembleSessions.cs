using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Diagnostics;
using ZkDashboard.Core.Metrics;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Sessions;

/// <summary>
/// Holds the shared session of each ensemble in the registry. Follows registry changes: an updated
/// ensemble gets a new session (watches are re-registered through <see cref="Restored"/>), a removed one is closed.
/// </summary>
public sealed class EnsembleSessions : IEnsembleSessions, IAsyncDisposable
{
    private readonly IEnsembleRegistry _registry;
    private readonly SessionOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly DashboardMetrics _metrics;
    // Ensemble names compare case-insensitively, as in the registry: "/e/SANDBOX/" shares the "sandbox" session,
    // and every session, status and event carries the registry's spelling (EnsembleSession.Name).
    private readonly ConcurrentDictionary<string, EnsembleSession> _sessions = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <summary>Creates the service (one per application).</summary>
    public EnsembleSessions(IEnsembleRegistry registry, IOptions<SessionOptions> options, ILoggerFactory loggerFactory, DashboardMetrics metrics)
    {
        _registry = registry;
        _options = options.Value;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<EnsembleSessions>();
        _metrics = metrics;
        _registry.Changed += OnRegistryChanged;
    }

    /// <inheritdoc />
    public event EventHandler<EnsembleSessionStatus>? StatusChanged;

    /// <inheritdoc />
    public event EventHandler<SessionRestoredEventArgs>? Restored;

    /// <inheritdoc />
    public event EventHandler<EnsembleWatchEventArgs>? WatchEvent;

    /// <inheritdoc />
    public EnsembleSession Get(string ensemble)
    {
        if (_sessions.TryGetValue(ensemble, out var existing))
        {
            return existing;
        }
        var definition = _registry.Find(ensemble) ?? throw new UnknownEnsembleException(ensemble);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_sessions.TryGetValue(ensemble, out existing))
            {
                return existing;
            }
            var session = Create(definition);
            _sessions[definition.Name] = session;
            return session;
        }
    }

    /// <inheritdoc />
    ValueTask<ZooKeeperClient> IEnsembleSessions.GetClientAsync(string ensemble, CancellationToken ct) => Get(ensemble).GetClientAsync(ct);

    /// <inheritdoc />
    public EnsembleSessionStatus GetStatus(string ensemble)
        => _sessions.TryGetValue(ensemble, out var s) ? s.Status
            : _registry.Find(ensemble) is { } definition
                ? new EnsembleSessionStatus(definition.Name, EnsembleConnectionState.NotConnected, DateTimeOffset.UtcNow, null, null, 0, null)
                : throw new UnknownEnsembleException(ensemble);

    /// <inheritdoc />
    public IReadOnlyList<EnsembleSessionStatus> All => [.. _registry.All.Select(d => GetStatus(d.Name))];

    private EnsembleSession Create(EnsembleDefinition definition)
    {
        var session = new EnsembleSession(definition, _options, _loggerFactory, _metrics);
        session.StatusChanged += (_, s) => StatusChanged?.Invoke(this, s);
        session.Restored += (_, r) => Restored?.Invoke(this, r);
        session.WatchEvent += (_, e) => WatchEvent?.Invoke(this, new EnsembleWatchEventArgs(definition.Name, e));
        return session;
    }

    private void OnRegistryChanged(object? sender, EnsembleRegistryChangedEventArgs e)
    {
        if (e.Kind == EnsembleChangeKind.Added)
        {
            // Subscriptions kept from before a removal come back on the re-added ensemble.
            Restored?.Invoke(this, new SessionRestoredEventArgs(e.Name, NewSession: true));
            return;
        }
        EnsembleSession? old;
        lock (_gate)
        {
            if (!_sessions.TryRemove(e.Name, out old))
            {
                return;
            }
        }
        _logger.LogInformation("Ensemble {Ensemble} {Change}: closing its session", e.Name, e.Kind);
        Task.Run(async () =>
        {
            await old.DisposeAsync().ConfigureAwait(false);
            if (e.Kind == EnsembleChangeKind.Updated && _registry.Find(e.Name) is not null)
            {
                // The new definition opens lazily; watch subscribers re-register on it.
                Restored?.Invoke(this, new SessionRestoredEventArgs(e.Name, NewSession: true));
            }
        }).Observe(_logger, $"closing the session of {e.Name} after it was {e.Kind}");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        EnsembleSession[] all;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            all = [.. _sessions.Values];
            _sessions.Clear();
        }
        _registry.Changed -= OnRegistryChanged;
        await Task.WhenAll(all.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
    }
}
