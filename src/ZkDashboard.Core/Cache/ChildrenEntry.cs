using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Watches;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Cache;

/// <summary>
/// One node's children list with each child's stat, shared by every viewer of the node. Kept live by a
/// children watch; child stats are fetched with bounded concurrency in the background.
/// </summary>
internal sealed partial class ChildrenEntry : IWatchSubscriber
{
    private readonly NodeCache _owner;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private readonly Dictionary<string, Stat?> _children = new(StringComparer.Ordinal);
    private readonly Dictionary<(ChildSort, bool), (long Version, string[] Sorted)> _sorted = [];
    private (long Version, string Key, string[] Names)? _filtered;
    private TaskCompletionSource _statsComplete = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loaded;
    private long _version;
    private long _namesVersion;
    private int _statsLoaded;
    private Stat? _parentStat;
    private DateTimeOffset _asOf;
    private bool _exists = true;
    private IWatchSubscription? _subscription;

    public ChildrenEntry(NodeCache owner, string ensemble, string path)
    {
        _owner = owner;
        Ensemble = ensemble;
        Path = path;
    }

    public string Ensemble { get; }
    public string Path { get; }
    public int Leases;
    public long LastUsedTicks = Environment.TickCount64;

    /// <summary>Loads the list once (concurrent callers share the load).</summary>
    public Task EnsureLoadedAsync(CancellationToken ct)
    {
        Task loaded;
        lock (_gate)
        {
            if (_loaded is null || _loaded.IsFaulted || _loaded.IsCanceled)
            {
                _loaded = LoadAsync();
            }
            loaded = _loaded;
        }
        return loaded.WaitAsync(ct);
    }

    /// <summary>
    /// Subscribes the children watch and reads the list at the same time, so the first page does not wait
    /// for the watch round trip. Once the watch is in place, the parent's cversion is compared with the
    /// one read: a change that slipped in between triggers a reload, so none is lost.
    /// </summary>
    private async Task LoadAsync()
    {
        IWatchSubscription? sub = null;
        if (_subscription is null)
        {
            sub = _owner.Hub.Subscribe(Ensemble, Path, WatchKind.Children, this);
            lock (_gate)
            {
                _subscription = sub;
            }
        }
        await ReloadAsync(CancellationToken.None).ConfigureAwait(false);
        if (sub is not null)
        {
            _ = VerifyAfterWatchAsync(sub);
        }
    }

    private async Task VerifyAfterWatchAsync(IWatchSubscription sub)
    {
        try
        {
            await sub.Ready.ConfigureAwait(false);
            var client = await _owner.Sessions.GetClientAsync(Ensemble).ConfigureAwait(false);
            var now = await client.ExistsAsync(Path).ConfigureAwait(false);
            Stat? read;
            lock (_gate)
            {
                read = _parentStat;
            }
            if (now?.Cversion != read?.Cversion || (now is null) != (read is null))
            {
                await ReloadAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Watch not in place yet (ensemble unreachable): the hub retries and sends a resync, which reloads.
            _owner.Logger.LogDebug("Cache {Ensemble}:{Path}: watch not ready: {Message}", Ensemble, Path, ex.Message);
        }
    }

    /// <summary>Reads the names (one getChildren2), keeps known stats, fetches the stats of new children.</summary>
    private async Task ReloadAsync(CancellationToken ct)
    {
        await _refresh.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var client = await _owner.Sessions.GetClientAsync(Ensemble, ct).ConfigureAwait(false);
            var started = DateTimeOffset.UtcNow;
            ChildrenResult result;
            try
            {
                result = await client.GetChildrenAsync(Path, watch: false, ct).ConfigureAwait(false);
            }
            catch (NoNodeException)
            {
                lock (_gate)
                {
                    _children.Clear();
                    _statsLoaded = 0;
                    _parentStat = null;
                    _exists = false;
                    _asOf = started;
                    _version++;
                    _namesVersion++;
                    _statsComplete.TrySetResult();
                }
                _owner.RaiseChanged(Ensemble, Path, children: true, data: false);
                return;
            }
            List<string> missing = [];
            lock (_gate)
            {
                var fresh = new HashSet<string>(result.Children, StringComparer.Ordinal);
                foreach (var gone in _children.Keys.Where(k => !fresh.Contains(k)).ToList())
                {
                    if (_children.Remove(gone, out var s) && s is not null)
                    {
                        _statsLoaded--;
                    }
                    _namesVersion++;
                }
                foreach (var name in result.Children)
                {
                    if (_children.TryAdd(name, null))
                    {
                        missing.Add(name);
                    }
                }
                if (missing.Count > 0)
                {
                    _namesVersion++;
                }
                _parentStat = result.Stat;
                _exists = true;
                _asOf = started;
                _version++;
                if (missing.Count > 0 && _statsComplete.Task.IsCompleted)
                {
                    _statsComplete = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                if (missing.Count == 0)
                {
                    _statsComplete.TrySetResult();
                }
            }
            if (missing.Count > 0)
            {
                _ = FetchStatsAsync(client, missing);
            }
            _owner.RaiseChanged(Ensemble, Path, children: true, data: false);
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>
    /// Fetches child stats with up to <see cref="SessionOptions.ChildStatConcurrency"/> exists calls in flight
    /// (pipelined on the one connection), never one at a time.
    /// </summary>
    private async Task FetchStatsAsync(ZooKeeperClient client, List<string> names)
    {
        var next = -1;
        var workers = Math.Clamp(_owner.Options.ChildStatConcurrency, 1, Math.Max(1, names.Count));
        async Task Worker()
        {
            await Task.Yield();
            int i;
            while ((i = Interlocked.Increment(ref next)) < names.Count)
            {
                var name = names[i];
                Stat? stat;
                try
                {
                    stat = await client.ExistsAsync(PathUtils.Join(Path, name), watch: false).ConfigureAwait(false);
                }
                catch (ZooKeeperException)
                {
                    continue; // connection trouble: the reload after the reconnect fetches what is missing
                }
                lock (_gate)
                {
                    if (_children.TryGetValue(name, out var old))
                    {
                        if (stat is null)
                        {
                            continue; // vanished; the children watch removes it
                        }
                        _children[name] = stat;
                        if (old is null)
                        {
                            _statsLoaded++;
                        }
                        _version++;
                    }
                }
            }
        }
        try
        {
            await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Worker())).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _statsComplete.TrySetResult();
            }
            _owner.RaiseChanged(Ensemble, Path, children: true, data: false);
        }
    }

    /// <summary>Watch notifications: incremental where the event names the child, a reload otherwise.</summary>
    public async ValueTask OnWatchEventAsync(WatchNotification n, CancellationToken ct)
    {
        if (n.Path != Path && n.Change is WatchChange.Created or WatchChange.Deleted)
        {
            var name = PathUtils.Name(n.Path);
            lock (_gate)
            {
                if (n.Change == WatchChange.Deleted || n.Stat is null)
                {
                    if (_children.Remove(name, out var s))
                    {
                        _namesVersion++;
                        if (s is not null)
                        {
                            _statsLoaded--;
                        }
                    }
                }
                else
                {
                    if (!_children.TryGetValue(name, out var old))
                    {
                        _namesVersion++;
                    }
                    if (old is null)
                    {
                        _statsLoaded++;
                    }
                    _children[name] = n.Stat;
                }
                _version++;
            }
            _owner.RaiseChanged(Ensemble, Path, children: true, data: false);
            return;
        }
        try
        {
            await ReloadAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ZooKeeperException or EnsembleUnavailableException)
        {
            _owner.Logger.LogDebug("Cache {Ensemble}:{Path}: reload failed: {Message}", Ensemble, Path, ex.Message);
        }
    }

    /// <summary>Reload after a reconnect (clears the stale mark once read).</summary>
    public void RefreshInBackground()
    {
        lock (_gate)
        {
            if (_loaded is null)
            {
                return;
            }
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await ReloadAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ZooKeeperException or EnsembleUnavailableException or OperationCanceledException)
            {
                _owner.Logger.LogDebug("Cache {Ensemble}:{Path}: refresh failed: {Message}", Ensemble, Path, ex.Message);
            }
        });
    }

    public void Dispose()
    {
        IWatchSubscription? sub;
        lock (_gate)
        {
            sub = _subscription;
            _subscription = null;
        }
        sub?.Dispose();
    }
}
