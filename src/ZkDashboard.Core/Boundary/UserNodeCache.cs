using ZkDashboard.Core.Access;
using ZkDashboard.Core.Cache;

namespace ZkDashboard.Core.Boundary;

/// <summary>The node cache for a person: opening entries is checked, and change events are limited to what they may see.</summary>
public interface IUserNodeCache
{
    /// <summary>Keeps a node's children list and data cached and live until disposed; throws <see cref="AccessDeniedException"/>
    /// (audited) when <paramref name="user"/> may not even browse <paramref name="path"/>.</summary>
    Task<IDisposable> OpenAsync(ActingUser user, string ensemble, string path, CancellationToken ct = default);

    /// <summary>Calls <paramref name="handler"/> (worker thread) for cache changes of <paramref name="ensemble"/> at paths the
    /// person may see, until disposed.</summary>
    IDisposable SubscribeChanges(ActingUser user, string ensemble, Action<NodeCacheChangedEventArgs> handler);
}

internal sealed class UserNodeCache(INodeCache cache, BoundaryGuard guard) : IUserNodeCache
{
    public async Task<IDisposable> OpenAsync(ActingUser user, string ensemble, string path, CancellationToken ct = default)
    {
        await guard.AuthorizeBrowseAsync(new OperationContext(user, ensemble, ZkOperationKind.Read, path), ct).ConfigureAwait(false);
        return cache.Open(ensemble, path);
    }

    public IDisposable SubscribeChanges(ActingUser user, string ensemble, Action<NodeCacheChangedEventArgs> handler)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(handler);
        return new ChangeSubscription(cache, guard.Policy, user, ensemble, handler);
    }

    private sealed class ChangeSubscription : IDisposable
    {
        private readonly INodeCache _cache;
        private readonly IAccessPolicy _policy;
        private readonly ActingUser _user;
        private readonly string _ensemble;
        private readonly Action<NodeCacheChangedEventArgs> _handler;
        private int _disposed;

        public ChangeSubscription(INodeCache cache, IAccessPolicy policy, ActingUser user, string ensemble, Action<NodeCacheChangedEventArgs> handler)
        {
            _cache = cache;
            _policy = policy;
            _user = user;
            _ensemble = ensemble;
            _handler = handler;
            _cache.Changed += OnChanged;
        }

        private void OnChanged(object? sender, NodeCacheChangedEventArgs e)
        {
            if (Volatile.Read(ref _disposed) != 0 || !string.Equals(e.Ensemble, _ensemble, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }
            var scope = _policy.GetReadScopeAsync(_user, e.Ensemble, e.Path);
            if (scope.IsCompletedSuccessfully ? scope.Result.HasFlag(ReadScope.Browse) : scope.AsTask().GetAwaiter().GetResult().HasFlag(ReadScope.Browse))
            {
                _handler(e);
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _cache.Changed -= OnChanged;
            }
        }
    }
}
