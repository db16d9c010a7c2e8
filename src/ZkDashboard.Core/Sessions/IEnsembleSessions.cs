using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Sessions;

/// <summary>
/// One shared <see cref="ZooKeeperClient"/> per ensemble, opened lazily on first use and kept open.
/// Viewers never open their own sessions; they go through <see cref="Operations.IZooKeeperOperations"/>,
/// <see cref="Watches.IWatchFanout"/> and <see cref="Cache.INodeCache"/>, which use these.
/// Ensemble names compare case-insensitively, as in the registry: "MAIN" and "main" are one session, and every
/// status, event and entry carries the registry's spelling (<see cref="EnsembleSession.Name"/>). Pages
/// canonicalize at the edge (the explorer redirects <c>/e/SANDBOX/x</c> to <c>/e/sandbox/x</c>).
/// </summary>
public interface IEnsembleSessions
{
    /// <summary>The session object of an ensemble (does not connect). Throws <see cref="UnknownEnsembleException"/>.</summary>
    EnsembleSession Get(string ensemble);

    /// <summary>The connected client of an ensemble, opening the session when needed.
    /// Throws <see cref="UnknownEnsembleException"/> or <see cref="EnsembleUnavailableException"/> (with the reason).
    /// Internal to Core: the raw client bypasses access checks (people go through the boundary services).</summary>
    internal ValueTask<ZooKeeperClient> GetClientAsync(string ensemble, CancellationToken ct = default);

    /// <summary>Current status of one ensemble's session.</summary>
    EnsembleSessionStatus GetStatus(string ensemble);

    /// <summary>Status of every configured ensemble.</summary>
    IReadOnlyList<EnsembleSessionStatus> All { get; }

    /// <summary>Raised on any ensemble's state change (worker thread).</summary>
    event EventHandler<EnsembleSessionStatus>? StatusChanged;

    /// <summary>Raised when an ensemble's session is usable again after disconnection, expiry or re-configuration.</summary>
    event EventHandler<SessionRestoredEventArgs>? Restored;

    /// <summary>Raised for every watch event of every ensemble's session (routing by ensemble name).</summary>
    event EventHandler<EnsembleWatchEventArgs>? WatchEvent;
}

/// <summary>A watch event from an ensemble's shared session.</summary>
public sealed record EnsembleWatchEventArgs(string Ensemble, WatchedEvent Event);
