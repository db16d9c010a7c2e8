using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Diagnostics;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Watches;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Cache;

/// <summary>
/// One node's children list with each child's stat, shared by every viewer of the node. Kept live by one
/// child-stats (PERSISTENT_RECURSIVE) subscription on the node: a child's own events keep its stat current, and a
/// grandchild created or deleted re-reads the child's stat (its child count changed). Child stats of a new list
/// are fetched with bounded concurrency in the background (see ChildrenEntry.Live.cs for the live part).
/// </summary>
internal sealed partial class ChildrenEntry : CacheEntry, IWatchSubscriber
{
    private readonly NodeCache _owner;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private readonly Dictionary<string, Stat?> _children = new(StringComparer.Ordinal);
    private readonly Dictionary<(ChildSort, bool), (long Version, string[] Sorted)> _sorted = [];
    private (long Version, string Key, string[] Names)? _filtered;
    private readonly TaskCompletionSource _firstPageServed = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
            sub = _owner.Hub.Subscribe(Ensemble, Path, WatchKind.ChildStats, this);
            lock (_gate)
            {
                _subscription = sub;
            }
        }
        await ReloadAsync(refreshAllStats: false, CancellationToken.None).ConfigureAwait(false);
        if (sub is not null)
        {
            VerifyAfterWatchAsync(sub).Observe(_owner.Logger, $"checking {Ensemble}:{Path} after its watch was placed"); // logs its own failures too
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
                await ReloadAsync(refreshAllStats: false, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is ZooKeeperException or EnsembleUnavailableException or OperationCanceledException or ObjectDisposedException)
        {
            // Watch not in place yet (ensemble unreachable): the hub retries and sends a resync, which reloads.
            _owner.Logger.LogDebug("Cache {Ensemble}:{Path}: watch not ready: {Message}", Ensemble, Path, ex.Message);
        }
        catch (Exception ex)
        {
            _owner.Logger.LogError(ex, "Cache {Ensemble}:{Path}: checking the list after the watch was placed failed", Ensemble, Path);
        }
    }

    /// <summary>
    /// Reads the names (one getChildren2), keeps known stats, fetches the stats of new children (of every child
    /// when <paramref name="refreshAllStats"/>: after a resync, when events may have been missed).
    /// </summary>
    private async Task ReloadAsync(bool refreshAllStats, CancellationToken ct)
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
            IReadOnlyList<string> missing;
            var added = 0;
            lock (_gate)
            {
                if (_children.Count == 0)
                {
                    // First load (or the node was empty): every name is new. No set of the fresh names, no second list
                    // of them: with a million children each pass over the names costs more than the server's reply.
                    _children.EnsureCapacity(result.Children.Count);
                    foreach (var name in result.Children)
                    {
                        _children.TryAdd(name, null);
                    }
                    added = _children.Count;
                    missing = added == result.Children.Count ? result.Children : [.. _children.Keys];
                }
                else
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
                    var toRead = new List<string>();
                    foreach (var name in result.Children)
                    {
                        if (_children.TryAdd(name, null))
                        {
                            toRead.Add(name);
                            added++;
                        }
                        else if (refreshAllStats)
                        {
                            toRead.Add(name); // keeps its old stat until the new one is read
                        }
                    }
                    missing = toRead;
                }
                if (added > 0)
                {
                    _namesVersion++;
                }
                _parentStat = result.Stat;
                _exists = true;
                _asOf = started;
                _version++;
                if (added > 0 && _statsComplete.Task.IsCompleted)
                {
                    _statsComplete = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                if (added == 0)
                {
                    _statsComplete.TrySetResult();
                }
            }
            if (missing.Count > 0)
            {
                FetchStatsAsync(client, missing).Observe(_owner.Logger, $"fetching child stats of {Ensemble}:{Path}"); // logs its own failures too
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
    private async Task FetchStatsAsync(ZooKeeperClient client, IReadOnlyList<string> names)
    {
        // Read stats only once the subtree watch is in place, so a change after a read is always notified.
        await WatchReadyAsync().ConfigureAwait(false);
        if (names.Count >= _owner.Options.BigListThreshold)
        {
            await FirstPageGraceAsync().ConfigureAwait(false);
        }
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
                    if (stat is not null)
                    {
                        SetStatIfNewer(name, stat); // vanished (null): the subtree watch removes it
                    }
                }
            }
        }
        try
        {
            await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Worker())).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _owner.Logger.LogError(ex, "Cache {Ensemble}:{Path}: fetching child stats failed", Ensemble, Path);
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

    /// <summary>
    /// Before the stats of a big list are fetched (minutes of exists calls on the shared session, as much work for the
    /// server): a moment for its first page to reach the screen, which would otherwise share the CPU with them
    /// (<see cref="SessionOptions.BigListStatsDelay"/> after the first page was served).
    /// </summary>
    private async Task FirstPageGraceAsync()
    {
        var delay = _owner.Options.BigListStatsDelay;
        if (delay <= TimeSpan.Zero)
        {
            return;
        }
        await Task.WhenAny(_firstPageServed.Task, Task.Delay(delay)).ConfigureAwait(false);
        await Task.Delay(delay).ConfigureAwait(false);
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
