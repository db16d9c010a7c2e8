using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Diagnostics;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Watches;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Cache;

/// <summary>
/// How a cached children list follows the server. The entry holds one <see cref="WatchKind.ChildStats"/>
/// subscription on its node (one PERSISTENT_RECURSIVE server watch per open parent, shared by every viewer):
/// <list type="bullet">
/// <item>a child created, deleted or changed arrives with its stat read after the change: the list and the
/// child's stat are updated in place;</item>
/// <item>a grandchild created or deleted means that child's child count changed: the child's stat is re-read
/// (merged per child, bounded concurrency, the read issued after the event so the final count is read);</item>
/// <item>deeper events never reach the entry (the hub drops them without a read); a resync (reconnect, expiry, queue overflow) reloads the list and re-reads
/// every child's stat.</item>
/// </list>
/// </summary>
internal sealed partial class ChildrenEntry
{
    private readonly HashSet<string> _staleChildStats = new(StringComparer.Ordinal);
    private bool _refreshingChildStats;

    /// <summary>Watch notifications: in place for children, a child stat re-read for grandchildren, a reload otherwise.</summary>
    public async ValueTask OnWatchEventAsync(WatchNotification n, CancellationToken ct)
    {
        if (n.Path == Path && n.Change == WatchChange.DataChanged)
        {
            return; // the node's own data: the data entry follows it
        }
        if (n.Path == Path || n.Change is WatchChange.Resync or WatchChange.ChildrenChanged || !n.Path.StartsWith(Path == "/" ? "/" : Path + "/", StringComparison.Ordinal))
        {
            await ReloadQuietlyAsync(refreshAllStats: n.Change == WatchChange.Resync, ct).ConfigureAwait(false);
            return;
        }
        var rest = n.Path[(Path == "/" ? 1 : Path.Length + 1)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            ApplyChildEvent(rest, n);
        }
        else if (rest.IndexOf('/', slash + 1) < 0 && n.Change is WatchChange.Created or WatchChange.Deleted)
        {
            MarkChildStatStale(rest[..slash]);
        }
    }

    private void ApplyChildEvent(string name, WatchNotification n)
    {
        lock (_gate)
        {
            if (n.Change == WatchChange.Deleted || n.Stat is null)
            {
                if (!_children.Remove(name, out var s))
                {
                    return;
                }
                _namesVersion++;
                if (s is not null)
                {
                    _statsLoaded--;
                }
                _version++;
            }
            else
            {
                if (!_children.ContainsKey(name))
                {
                    _children[name] = null;
                    _namesVersion++;
                }
                if (!SetStatIfNewer(name, n.Stat))
                {
                    return;
                }
            }
        }
        _owner.RaiseChanged(Ensemble, Path, children: true, data: false);
    }

    /// <summary>Stores a child's stat unless the cached one is newer (a slow read must not undo a live event). Under <see cref="_gate"/>.</summary>
    private bool SetStatIfNewer(string name, Stat stat)
    {
        if (!_children.TryGetValue(name, out var old))
        {
            return false;
        }
        if (old is not null && (old.Czxid > stat.Czxid || (old.Czxid == stat.Czxid && (old.Mzxid > stat.Mzxid || old.Pzxid > stat.Pzxid))))
        {
            return false;
        }
        if (old == stat)
        {
            return false;
        }
        _children[name] = stat;
        if (old is null)
        {
            _statsLoaded++;
        }
        _version++;
        return true;
    }

    private void MarkChildStatStale(string name)
    {
        lock (_gate)
        {
            if (!_children.ContainsKey(name))
            {
                return; // not listed yet: its own creation event brings its stat
            }
            _staleChildStats.Add(name);
            if (_refreshingChildStats)
            {
                return;
            }
            _refreshingChildStats = true;
        }
        RefreshChildStatsAsync().Observe(_owner.Logger, $"re-reading child stats of {Ensemble}:{Path}"); // logs its own failures too
    }

    /// <summary>Re-reads the stats of children whose own children changed, until none is left.</summary>
    private async Task RefreshChildStatsAsync()
    {
        try
        {
            await Task.Yield();
            while (true)
            {
                string[] batch;
                lock (_gate)
                {
                    if (_staleChildStats.Count == 0)
                    {
                        _refreshingChildStats = false;
                        return;
                    }
                    batch = [.. _staleChildStats.Take(Math.Max(1, _owner.Options.ChildStatConcurrency))];
                    foreach (var name in batch)
                    {
                        _staleChildStats.Remove(name);
                    }
                }
                var client = await _owner.Sessions.GetClientAsync(Ensemble).ConfigureAwait(false);
                var stats = await Task.WhenAll(batch.Select(name => client.ExistsAsync(PathUtils.Join(Path, name), watch: false))).ConfigureAwait(false);
                var changed = false;
                lock (_gate)
                {
                    for (var i = 0; i < batch.Length; i++)
                    {
                        if (stats[i] is { } stat)
                        {
                            changed |= SetStatIfNewer(batch[i], stat);
                        }
                    }
                }
                if (changed)
                {
                    _owner.RaiseChanged(Ensemble, Path, children: true, data: false);
                }
            }
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                _staleChildStats.Clear();
                _refreshingChildStats = false;
            }
            if (ex is ZooKeeperException or EnsembleUnavailableException or ObjectDisposedException)
            {
                // The resync after the reconnect re-reads every child's stat.
                _owner.Logger.LogDebug("Cache {Ensemble}:{Path}: child stat re-read failed: {Message}", Ensemble, Path, ex.Message);
            }
            else
            {
                _owner.Logger.LogError(ex, "Cache {Ensemble}:{Path}: child stat re-read failed", Ensemble, Path);
            }
        }
    }

    private async Task ReloadQuietlyAsync(bool refreshAllStats, CancellationToken ct)
    {
        try
        {
            await ReloadAsync(refreshAllStats, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ZooKeeperException or EnsembleUnavailableException or OperationCanceledException or ObjectDisposedException)
        {
            _owner.Logger.LogDebug("Cache {Ensemble}:{Path}: reload failed: {Message}", Ensemble, Path, ex.Message);
        }
        catch (Exception ex)
        {
            _owner.Logger.LogError(ex, "Cache {Ensemble}:{Path}: reload failed", Ensemble, Path);
        }
    }

    /// <summary>Waits until the subtree watch is in place (or could not be placed: the hub's resync then reloads).</summary>
    private async Task WatchReadyAsync()
    {
        IWatchSubscription? sub;
        lock (_gate)
        {
            sub = _subscription;
        }
        if (sub is null)
        {
            return;
        }
        try
        {
            await sub.Ready.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _owner.Logger.LogDebug("Cache {Ensemble}:{Path}: reading child stats before the watch is in place: {Message}", Ensemble, Path, ex.Message);
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
        Task.Run(() => ReloadQuietlyAsync(refreshAllStats: false, CancellationToken.None)).Observe(_owner.Logger, $"refreshing {Ensemble}:{Path}");
    }
}
