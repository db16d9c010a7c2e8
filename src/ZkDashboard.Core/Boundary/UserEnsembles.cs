using ZkDashboard.Core.Access;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Sessions;

namespace ZkDashboard.Core.Boundary;

/// <summary>
/// The ensemble list and session status for a person: only ensembles they may read (some path readable) are listed,
/// their status is only shown to them, and a session is only opened on their behalf when they may read it.
/// An ensemble the person may not read looks exactly like one that does not exist.
/// </summary>
public interface IUserEnsembles
{
    /// <summary>The ensembles <paramref name="user"/> may read, in registry order.</summary>
    Task<IReadOnlyList<EnsembleDefinition>> ListAsync(ActingUser user, CancellationToken ct = default);

    /// <summary>The definition, or null when it does not exist or the person may not read it.</summary>
    Task<EnsembleDefinition?> FindAsync(ActingUser user, string ensemble, CancellationToken ct = default);

    /// <summary>The definition when the person may read the ensemble; otherwise throws <see cref="UnknownEnsembleException"/>
    /// (an unreadable ensemble looks like a missing one) and audits the refusal.</summary>
    Task<EnsembleDefinition> RequireReadableAsync(ActingUser user, string ensemble, CancellationToken ct = default);

    /// <summary>Session status of every ensemble the person may read.</summary>
    Task<IReadOnlyList<EnsembleSessionStatus>> GetStatusesAsync(ActingUser user, CancellationToken ct = default);

    /// <summary>Session status of one ensemble; throws <see cref="UnknownEnsembleException"/> when it does not exist or is not readable.</summary>
    Task<EnsembleSessionStatus> GetStatusAsync(ActingUser user, string ensemble, CancellationToken ct = default);

    /// <summary>Calls <paramref name="handler"/> (worker thread) for status changes of ensembles the person may read, until disposed.</summary>
    IDisposable SubscribeStatus(ActingUser user, Action<EnsembleSessionStatus> handler);

    /// <summary>Opens the shared session of the ensemble when it is not open (on the person's behalf); throws
    /// <see cref="AccessDeniedException"/> (audited) when they may not read it, and the session's own errors.</summary>
    Task ConnectAsync(ActingUser user, string ensemble, CancellationToken ct = default);
}

internal sealed class UserEnsembles(IEnsembleRegistry registry, IEnsembleSessions sessions, BoundaryGuard guard) : IUserEnsembles
{
    public async Task<IReadOnlyList<EnsembleDefinition>> ListAsync(ActingUser user, CancellationToken ct = default)
    {
        var result = new List<EnsembleDefinition>();
        foreach (var d in registry.All)
        {
            if (await MayReadAsync(user, d.Name, ct).ConfigureAwait(false))
            {
                result.Add(d);
            }
        }
        return result;
    }

    public async Task<EnsembleDefinition?> FindAsync(ActingUser user, string ensemble, CancellationToken ct = default)
        => registry.Find(ensemble) is { } d && await MayReadAsync(user, d.Name, ct).ConfigureAwait(false) ? d : null;

    public async Task<EnsembleDefinition> RequireReadableAsync(ActingUser user, string ensemble, CancellationToken ct = default)
    {
        var definition = registry.Find(ensemble) ?? throw new UnknownEnsembleException(ensemble);
        if (!await MayReadAsync(user, definition.Name, ct).ConfigureAwait(false))
        {
            var op = new OperationContext(user, definition.Name, ZkOperationKind.Read, "/");
            var reason = (await guard.Policy.CanAsync(user, definition.Name, AccessAction.Read, "/", ct).ConfigureAwait(false)).Reason;
            await guard.DeniedAsync(op, reason).ConfigureAwait(false);
            throw new UnknownEnsembleException(ensemble);
        }
        return definition;
    }

    public async Task<IReadOnlyList<EnsembleSessionStatus>> GetStatusesAsync(ActingUser user, CancellationToken ct = default)
        => [.. (await ListAsync(user, ct).ConfigureAwait(false)).Select(d => sessions.GetStatus(d.Name))];

    public async Task<EnsembleSessionStatus> GetStatusAsync(ActingUser user, string ensemble, CancellationToken ct = default)
        => await FindAsync(user, ensemble, ct).ConfigureAwait(false) is { } d ? sessions.GetStatus(d.Name) : throw new UnknownEnsembleException(ensemble);

    public IDisposable SubscribeStatus(ActingUser user, Action<EnsembleSessionStatus> handler)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(handler);
        return new StatusSubscription(this, sessions, user, handler);
    }

    public async Task ConnectAsync(ActingUser user, string ensemble, CancellationToken ct = default)
    {
        var op = new OperationContext(user, ensemble, ZkOperationKind.Read, "/");
        if (!await MayReadAsync(user, ensemble, ct).ConfigureAwait(false))
        {
            await guard.AuthorizeAsync(op, ct).ConfigureAwait(false);
        }
        var session = sessions.Get(ensemble);
        if (session.Status.State == EnsembleConnectionState.NotConnected)
        {
            await session.GetClientAsync(ct).ConfigureAwait(false);
        }
    }

    internal async ValueTask<bool> MayReadAsync(ActingUser user, string ensemble, CancellationToken ct)
        => (await guard.Policy.GetReadScopeAsync(user, ensemble, "/", ct).ConfigureAwait(false)).HasFlag(ReadScope.Browse);

    private sealed class StatusSubscription : IDisposable
    {
        private readonly UserEnsembles _owner;
        private readonly IEnsembleSessions _sessions;
        private readonly ActingUser _user;
        private readonly Action<EnsembleSessionStatus> _handler;
        private int _disposed;

        public StatusSubscription(UserEnsembles owner, IEnsembleSessions sessions, ActingUser user, Action<EnsembleSessionStatus> handler)
        {
            _owner = owner;
            _sessions = sessions;
            _user = user;
            _handler = handler;
            _sessions.StatusChanged += OnStatus;
        }

        private void OnStatus(object? sender, EnsembleSessionStatus status)
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                return;
            }
            var may = _owner.MayReadAsync(_user, status.Ensemble, CancellationToken.None);
            if (may.IsCompletedSuccessfully ? may.Result : may.AsTask().GetAwaiter().GetResult())
            {
                _handler(status);
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _sessions.StatusChanged -= OnStatus;
            }
        }
    }
}
