using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Watches;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Cache;

/// <summary>The node cache (see <see cref="INodeCache"/>). One per application, shared by every viewer.</summary>
public sealed class NodeCache : INodeCache, IDisposable
{
    private readonly ConcurrentDictionary<(string Ensemble, string Path), ChildrenEntry> _children = new();
    private readonly ConcurrentDictionary<(string Ensemble, string Path), DataEntry> _data = new();
    private long _lastSweep = Environment.TickCount64;

    /// <summary>Creates the cache.</summary>
    public NodeCache(IEnsembleSessions sessions, IWatchHub hub, IOptions<SessionOptions> options, ILogger<NodeCache> logger)
    {
        Sessions = sessions;
        Hub = hub;
        Options = options.Value;
        Logger = logger;
        Sessions.Restored += OnRestored;
    }

    internal IEnsembleSessions Sessions { get; }
    internal IWatchHub Hub { get; }
    internal SessionOptions Options { get; }
    internal ILogger Logger { get; }

    /// <inheritdoc />
    public event EventHandler<NodeCacheChangedEventArgs>? Changed;

    /// <inheritdoc />
    public async Task<ChildrenPage> GetChildrenPageAsync(string ensemble, string path, ChildrenQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Offset < 0 || query.Limit is < 1 or > 10_000)
        {
            throw new ArgumentException($"A page needs offset >= 0 and limit 1..10000 (got offset {query.Offset}, limit {query.Limit}).", nameof(query));
        }
        PathUtils.Validate(path);
        var entry = GetChildrenEntry(ensemble, path);
        Interlocked.Increment(ref entry.Leases);
        try
        {
            await entry.EnsureLoadedAsync(ct).ConfigureAwait(false);
            var status = Sessions.GetStatus(ensemble);
            return await entry.GetPageAsync(query, status.IsLive, status.FreshSince, ct).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref entry.Leases);
            entry.LastUsedTicks = Environment.TickCount64;
        }
    }

    /// <inheritdoc />
    public async Task<CachedNodeData?> GetDataAsync(string ensemble, string path, CancellationToken ct = default)
    {
        PathUtils.Validate(path);
        var entry = GetDataEntry(ensemble, path);
        Interlocked.Increment(ref entry.Leases);
        try
        {
            var status = Sessions.GetStatus(ensemble);
            var result = await entry.GetAsync(status.IsLive, status.FreshSince, ct).ConfigureAwait(false);
            var now = Sessions.GetStatus(ensemble);
            return result is null ? null : result with { Stale = !now.IsLive || (now.FreshSince is { } fs && result.AsOf < fs) };
        }
        finally
        {
            Interlocked.Decrement(ref entry.Leases);
            entry.LastUsedTicks = Environment.TickCount64;
        }
    }

    /// <inheritdoc />
    public IDisposable Open(string ensemble, string path)
    {
        PathUtils.Validate(path);
        var c = GetChildrenEntry(ensemble, path);
        var d = GetDataEntry(ensemble, path);
        Interlocked.Increment(ref c.Leases);
        Interlocked.Increment(ref d.Leases);
        return new Lease(() =>
        {
            Interlocked.Decrement(ref c.Leases);
            Interlocked.Decrement(ref d.Leases);
            c.LastUsedTicks = d.LastUsedTicks = Environment.TickCount64;
        });
    }

    /// <inheritdoc />
    public void Invalidate(string ensemble, string path)
    {
        if (_children.TryRemove((ensemble, path), out var c))
        {
            c.Dispose();
        }
        if (_data.TryGetValue((ensemble, path), out var d))
        {
            d.Invalidate();
        }
    }

    /// <summary>Children lists currently cached (for diagnostics and tests).</summary>
    public int CachedChildrenLists => _children.Count;

    internal void RaiseChanged(string ensemble, string path, bool children, bool data)
        => Changed?.Invoke(this, new NodeCacheChangedEventArgs(ensemble, path, children, data));

    private ChildrenEntry GetChildrenEntry(string ensemble, string path)
    {
        Sweep();
        _ = Sessions.Get(ensemble); // unknown ensemble: clear error before anything is cached
        return _children.GetOrAdd((ensemble, path), k => new ChildrenEntry(this, k.Ensemble, k.Path));
    }

    private DataEntry GetDataEntry(string ensemble, string path)
    {
        Sweep();
        _ = Sessions.Get(ensemble);
        return _data.GetOrAdd((ensemble, path), k => new DataEntry(this, k.Ensemble, k.Path));
    }

    /// <summary>Drops entries nobody has open and nobody used for <see cref="SessionOptions.CacheIdleTimeout"/>.</summary>
    private void Sweep()
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastSweep);
        if (now - last < 5_000 || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
        {
            return;
        }
        var idle = (long)Options.CacheIdleTimeout.TotalMilliseconds;
        foreach (var (key, entry) in _children)
        {
            if (Volatile.Read(ref entry.Leases) == 0 && now - entry.LastUsedTicks > idle && _children.TryRemove(key, out var removed))
            {
                removed.Dispose();
            }
        }
        foreach (var (key, entry) in _data)
        {
            if (Volatile.Read(ref entry.Leases) == 0 && now - entry.LastUsedTicks > idle && _data.TryRemove(key, out var removed))
            {
                removed.Dispose();
            }
        }
    }

    private void OnRestored(object? sender, SessionRestoredEventArgs e)
    {
        foreach (var entry in _children.Values.Where(c => c.Ensemble == e.Ensemble))
        {
            entry.RefreshInBackground();
        }
        foreach (var entry in _data.Values.Where(c => c.Ensemble == e.Ensemble))
        {
            entry.Invalidate();
            RaiseChanged(entry.Ensemble, entry.Path, children: false, data: true);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Sessions.Restored -= OnRestored;
        foreach (var c in _children.Values)
        {
            c.Dispose();
        }
        foreach (var d in _data.Values)
        {
            d.Dispose();
        }
        _children.Clear();
        _data.Clear();
    }

    private sealed class Lease(Action release) : IDisposable
    {
        private Action? _release = release;

        public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
    }
}
