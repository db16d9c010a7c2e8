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
    public NodeCache(IEnsembleSessions sessions, IWatchFanout hub, IOptions<SessionOptions> options, ILogger<NodeCache> logger)
    {
        Sessions = sessions;
        Hub = hub;
        Options = options.Value;
        Logger = logger;
        Sessions.Restored += OnRestored;
    }

    internal IEnsembleSessions Sessions { get; }
    internal IWatchFanout Hub { get; }
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
        var entry = AcquireChildren(ensemble, path);
        try
        {
            await entry.EnsureLoadedAsync(ct).ConfigureAwait(false);
            var status = Sessions.GetStatus(entry.Ensemble);
            return await entry.GetPageAsync(query, status.IsLive, status.FreshSince, ct).ConfigureAwait(false);
        }
        finally
        {
            entry.Release();
        }
    }

    /// <inheritdoc />
    public async Task<CachedNodeData?> GetDataAsync(string ensemble, string path, CancellationToken ct = default)
    {
        PathUtils.Validate(path);
        var entry = AcquireData(ensemble, path);
        try
        {
            var status = Sessions.GetStatus(entry.Ensemble);
            var result = await entry.GetAsync(status.IsLive, status.FreshSince, ct).ConfigureAwait(false);
            var now = Sessions.GetStatus(entry.Ensemble);
            return result is null ? null : result with { Stale = !now.IsLive || (now.FreshSince is { } fs && result.AsOf < fs) };
        }
        finally
        {
            entry.Release();
        }
    }

    /// <inheritdoc />
    public IDisposable Open(string ensemble, string path)
    {
        PathUtils.Validate(path);
        var c = AcquireChildren(ensemble, path);
        var d = AcquireData(ensemble, path);
        return new Lease(() =>
        {
            c.Release();
            d.Release();
        });
    }

    /// <inheritdoc />
    public void Invalidate(string ensemble, string path)
    {
        var key = (Canonical(ensemble), path);
        if (_children.TryGetValue(key, out var c))
        {
            // Leases held on the old entry stay valid (releasing them is harmless); the next read loads a new one.
            c.Retire();
            if (_children.TryRemove(new KeyValuePair<(string, string), ChildrenEntry>(key, c)))
            {
                c.Dispose();
            }
        }
        if (_data.TryGetValue(key, out var d))
        {
            d.Invalidate();
        }
    }

    /// <summary>Children lists currently cached (for diagnostics and tests).</summary>
    public int CachedChildrenLists => _children.Count;

    internal void RaiseChanged(string ensemble, string path, bool children, bool data)
        => Changed?.Invoke(this, new NodeCacheChangedEventArgs(ensemble, path, children, data));

    /// <summary>Test hook: runs between an entry's lookup and its acquisition (the window the sweep race lived in).</summary>
    internal Action<(string Ensemble, string Path)>? AfterLookup { get; set; }

    /// <summary>The registry's spelling of an ensemble name (names compare case-insensitively); throws for an unknown one.</summary>
    private string Canonical(string ensemble) => Sessions.Get(ensemble).Name;

    private ChildrenEntry AcquireChildren(string ensemble, string path)
        => Acquire(_children, (Canonical(ensemble), path), k => new ChildrenEntry(this, k.Ensemble, k.Path));

    private DataEntry AcquireData(string ensemble, string path)
        => Acquire(_data, (Canonical(ensemble), path), k => new DataEntry(this, k.Ensemble, k.Path));

    /// <summary>
    /// Looks an entry up and takes a lease on it. When the sweep retired the entry between the lookup and the
    /// lease, the retired entry is taken out of the dictionary (if still there) and the lookup repeats.
    /// </summary>
    private T Acquire<T>(ConcurrentDictionary<(string Ensemble, string Path), T> entries, (string Ensemble, string Path) key, Func<(string Ensemble, string Path), T> create)
        where T : CacheEntry
    {
        Sweep();
        while (true)
        {
            var entry = entries.GetOrAdd(key, create);
            AfterLookup?.Invoke(key);
            if (entry.TryAcquire())
            {
                return entry;
            }
            entries.TryRemove(new KeyValuePair<(string, string), T>(key, entry));
        }
    }

    /// <summary>Drops entries nobody has open and nobody used for <see cref="SessionOptions.CacheIdleTimeout"/> (at most every 5 s).</summary>
    private void Sweep()
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastSweep);
        if (now - last < 5_000 || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
        {
            return;
        }
        SweepNow();
    }

    /// <summary>One sweep now: retires (under each entry's lease lock) and disposes every idle entry.</summary>
    internal void SweepNow()
    {
        var now = Environment.TickCount64;
        var idle = (long)Options.CacheIdleTimeout.TotalMilliseconds;
        foreach (var (key, entry) in _children)
        {
            if (entry.TryRetireIdle(now, idle))
            {
                _children.TryRemove(new KeyValuePair<(string, string), ChildrenEntry>(key, entry));
                entry.Dispose();
            }
        }
        foreach (var (key, entry) in _data)
        {
            if (entry.TryRetireIdle(now, idle))
            {
                _data.TryRemove(new KeyValuePair<(string, string), DataEntry>(key, entry));
                entry.Dispose();
            }
        }
    }

    private void OnRestored(object? sender, SessionRestoredEventArgs e)
    {
        foreach (var entry in _children.Values.Where(c => string.Equals(c.Ensemble, e.Ensemble, StringComparison.OrdinalIgnoreCase)))
        {
            entry.RefreshInBackground();
        }
        foreach (var entry in _data.Values.Where(c => string.Equals(c.Ensemble, e.Ensemble, StringComparison.OrdinalIgnoreCase)))
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
