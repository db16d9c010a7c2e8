using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Diagnostics;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Watches;

internal sealed partial class EnsembleWatches
{
    /// <summary>Events for one path not yet resolved into a stat (merged while a read is in flight).</summary>
    private sealed class Dirty
    {
        public int Count;
        public bool DataLike;
        public bool Children;
        public EventType LastType;
        public DateTimeOffset At;
        public bool InFlight;
    }

    private readonly Dictionary<string, Dirty> _dirty = new(StringComparer.Ordinal);
    private readonly Queue<string> _readyToRead = new();
    private int _readsRunning;
    private long _resolveReads;

    /// <summary>Stat reads issued to resolve events so far (for the cost measurements in tests).</summary>
    internal long ResolveReads => Interlocked.Read(ref _resolveReads);

    /// <summary>Called by the session for every watch event, off the client's I/O loop. Never blocks.</summary>
    public void OnEvent(WatchedEvent e)
    {
        if (e.Path is null || e.Type is EventType.None or EventType.DataWatchRemoved or EventType.ChildWatchRemoved or EventType.PersistentWatchRemoved)
        {
            return;
        }
        _metrics.EventReceived();
        if (!_oneShot && e.Type is EventType.NodeCreated or EventType.NodeDeleted or EventType.NodeDataChanged && !NeedsRead(e.Path, e.Type))
        {
            return; // only a recursive watch above it brought it, and nobody there wants it resolved (posted directly if at all)
        }
        MarkDirty(e.Path, e.Type, e.Type == EventType.NodeChildrenChanged || (_oneShot && e.Type == EventType.NodeDeleted), DateTimeOffset.UtcNow);
    }

    /// <summary>
    /// Whether an event of a recursive watch must be resolved into a stat: someone watches the path itself, its parent
    /// lists it (children or child stats), or a subtree above it wants everything. A grandchild of a
    /// <see cref="WatchKind.ChildStats"/> node that nobody else wants is posted at once without a read (created or
    /// deleted), and deeper events are dropped: a bulk job far below an open list costs no reads.
    /// </summary>
    private bool NeedsRead(string path, EventType type)
    {
        List<WatchSubscription>? grand = null;
        var at = DateTimeOffset.UtcNow;
        lock (_gate)
        {
            if (_paths.ContainsKey(path))
            {
                return true;
            }
            if (path == "/")
            {
                return false;
            }
            var parent = Parent(path);
            if (_paths.TryGetValue(parent, out var p) && (p.Children.Count > 0 || p.ChildStats.Count > 0 || p.Subtree.Count > 0))
            {
                return true;
            }
            var up = parent;
            while (up != "/")
            {
                up = Parent(up);
                if (_paths.TryGetValue(up, out var anc) && anc.Subtree.Count > 0)
                {
                    return true;
                }
            }
            if (parent != "/" && type != EventType.NodeDataChanged && _paths.TryGetValue(Parent(parent), out var g) && g.ChildStats.Count > 0)
            {
                grand = [.. g.ChildStats];
            }
        }
        if (grand is not null)
        {
            var change = type == EventType.NodeCreated ? WatchChange.Created : WatchChange.Deleted;
            foreach (var s in grand)
            {
                s.Post(new WatchNotification(_ensemble, s.Path, WatchKind.ChildStats, path, change, null, 1, at));
            }
        }
        return false;
    }

    private void MarkDirty(string path, EventType type, bool children, DateTimeOffset at)
    {
        List<WatchSubscription>? overflow = null;
        lock (_gate)
        {
            if (!_dirty.TryGetValue(path, out var d))
            {
                if (_dirty.Count >= _options.MaxDirtyPaths)
                {
                    overflow = [.. SelfAndAncestors(path).SelectMany(p => _paths.TryGetValue(p, out var pw) ? pw.Deep : [])];
                }
                else
                {
                    d = new Dirty();
                    _dirty[path] = d;
                    _readyToRead.Enqueue(path);
                }
            }
            if (d is not null)
            {
                d.Count++;
                if (type == EventType.NodeChildrenChanged || children)
                {
                    d.Children = true;
                }
                if (type != EventType.NodeChildrenChanged)
                {
                    d.DataLike = true;
                    d.LastType = type;
                }
                d.At = at;
            }
        }
        if (overflow is not null)
        {
            foreach (var s in overflow)
            {
                s.Post(new WatchNotification(_ensemble, s.Path, s.Kind, s.Path, WatchChange.Resync, null, 1, at));
            }
            return;
        }
        PumpReads();
    }

    private void PumpReads()
    {
        while (true)
        {
            string path;
            lock (_gate)
            {
                if (_readsRunning >= _options.WatchReadConcurrency || _readyToRead.Count == 0 || _disposed.IsCancellationRequested)
                {
                    return;
                }
                path = _readyToRead.Dequeue();
                _readsRunning++;
            }
            ResolveAsync(path).Observe(_logger, $"resolving the events of {_ensemble}:{path}"); // logs its own failures too
        }
    }

    /// <summary>Reads the path after its events (re-arming one-shot watches), then fans the result out.</summary>
    private async Task ResolveAsync(string path)
    {
        try
        {
            await Task.Yield();
            int count;
            bool dataLike, children;
            EventType lastType;
            DateTimeOffset at;
            bool oneShot;
            lock (_gate)
            {
                var d = _dirty[path];
                count = d.Count;
                dataLike = d.DataLike;
                children = d.Children;
                lastType = d.LastType;
                at = d.At;
                d.Count = 0;
                d.DataLike = d.Children = false;
                d.InFlight = true;
                oneShot = _oneShot && _paths.TryGetValue(path, out var pw) && pw.Registered == ServerWatchMode.OneShot;
            }
            Stat? stat = null;
            var readOk = false;
            try
            {
                var client = _sessions.Get(_ensemble).CurrentClient;
                if (client is not null)
                {
                    Interlocked.Increment(ref _resolveReads);
                    (stat, _) = await ReadAndArmAsync(client, path, oneShot).ConfigureAwait(false);
                    readOk = true;
                }
            }
            catch (Exception ex) when (IsConnectionProblem(ex))
            {
                // The resync after the reconnect re-reads every watched path; nothing is lost.
                _logger.LogDebug("Ensemble {Ensemble}: re-read of {Path} failed ({Message}); resync will follow", _ensemble, path, ex.Message);
            }
            catch (ZooKeeperException ex)
            {
                _logger.LogDebug("Ensemble {Ensemble}: re-read of {Path} failed: {Message}", _ensemble, path, ex.Message);
            }
            if (readOk)
            {
                Deliver(path, count, dataLike, children, lastType, stat, at);
            }
            lock (_gate)
            {
                var d = _dirty[path];
                d.InFlight = false;
                if (d.Count > 0)
                {
                    _readyToRead.Enqueue(path);
                }
                else
                {
                    _dirty.Remove(path);
                }
            }
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Ensemble {Ensemble}: resolving events of {Path} failed", _ensemble, path);
            lock (_gate)
            {
                _dirty.Remove(path);
            }
        }
        finally
        {
            lock (_gate)
            {
                _readsRunning--;
            }
            PumpReads();
        }
    }

    /// <summary>
    /// Reads the node's stat. In one-shot mode the same read re-arms the watches (exists sets a data or
    /// creation watch; getChildren a child watch), so a change after the read fires again and a change
    /// before it is in the result: the final state is never lost.
    /// </summary>
    private async Task<(Stat? Stat, IReadOnlyList<string>? Children)> ReadAndArmAsync(ZooKeeperClient client, string path, bool oneShot)
    {
        var ct = _disposed.Token;
        if (!oneShot)
        {
            return (await client.ExistsAsync(path, watch: false, ct).ConfigureAwait(false), null);
        }
        bool wantChildren;
        lock (_gate)
        {
            wantChildren = _paths.TryGetValue(path, out var pw) && (pw.Children.Count > 0 || pw.Subtree.Count > 0 || pw.ChildStats.Count > 0);
        }
        var stat = await client.ExistsAsync(path, watch: true, ct).ConfigureAwait(false);
        if (stat is null || !wantChildren)
        {
            return (stat, null);
        }
        try
        {
            var children = await client.GetChildrenAsync(path, watch: true, ct).ConfigureAwait(false);
            return (children.Stat, children.Children);
        }
        catch (NoNodeException)
        {
            return (await client.ExistsAsync(path, watch: true, ct).ConfigureAwait(false), null);
        }
        catch (NoAuthException)
        {
            return (stat, null);
        }
    }

    private void Deliver(string path, int count, bool dataLike, bool children, EventType lastType, Stat? stat, DateTimeOffset at)
    {
        List<(WatchSubscription Sub, WatchNotification N)> posts = [];
        lock (_gate)
        {
            _paths.TryGetValue(path, out var self);
            if (self is not null)
            {
                self.LastStat = stat;
                self.LastStatKnown = true;
            }
            if (dataLike)
            {
                var change = stat is null ? WatchChange.Deleted
                    : lastType == EventType.NodeCreated ? WatchChange.Created
                    : lastType == EventType.NodeDeleted ? WatchChange.Created // deleted then re-created before the read
                    : WatchChange.DataChanged;
                if (self is { Data.Count: > 0 })
                {
                    var n = new WatchNotification(_ensemble, path, WatchKind.Data, path, change, stat, count, at);
                    foreach (var s in self.Data)
                    {
                        posts.Add((s, n));
                    }
                }
                if (path != "/" && change is WatchChange.Created or WatchChange.Deleted
                    && _paths.TryGetValue(Parent(path), out var parent) && parent.Registered == ServerWatchMode.PersistentRecursive)
                {
                    var n = new WatchNotification(_ensemble, parent.Path, WatchKind.Children, path, change, stat, count, at);
                    foreach (var s in parent.Children)
                    {
                        posts.Add((s, n));
                    }
                }
                if (path != "/" && _paths.TryGetValue(Parent(path), out var lister) && lister.ChildStats.Count > 0)
                {
                    var n = new WatchNotification(_ensemble, lister.Path, WatchKind.ChildStats, path, change, stat, count, at);
                    foreach (var s in lister.ChildStats)
                    {
                        posts.Add((s, n));
                    }
                }
                if (path != "/" && Parent(path) != "/" && change is WatchChange.Created or WatchChange.Deleted
                    && _paths.TryGetValue(Parent(Parent(path)), out var grand) && grand.ChildStats.Count > 0)
                {
                    var n = new WatchNotification(_ensemble, grand.Path, WatchKind.ChildStats, path, change, null, count, at);
                    foreach (var s in grand.ChildStats)
                    {
                        posts.Add((s, n));
                    }
                }
                foreach (var p in SelfAndAncestors(path))
                {
                    if (_paths.TryGetValue(p, out var anc) && anc.Subtree.Count > 0)
                    {
                        var n = new WatchNotification(_ensemble, p, WatchKind.Subtree, path, change, stat, count, at);
                        foreach (var s in anc.Subtree)
                        {
                            posts.Add((s, n));
                        }
                    }
                }
            }
            if (children && self is not null)
            {
                var n = new WatchNotification(_ensemble, path, WatchKind.Children, path, WatchChange.ChildrenChanged, stat, count, at);
                foreach (var s in self.Children)
                {
                    posts.Add((s, n));
                }
                if (self.Registered == ServerWatchMode.OneShot)
                {
                    foreach (var s in self.Deep)
                    {
                        posts.Add((s, new WatchNotification(_ensemble, path, s.Kind, path, WatchChange.ChildrenChanged, stat, count, at)));
                    }
                }
            }
        }
        foreach (var (s, n) in posts)
        {
            s.Post(n);
        }
    }

    /// <summary>
    /// After a reconnect: re-read every watched path and notify what changed (a new session: notify every
    /// subscriber with <see cref="WatchChange.Resync"/>, since events may have been lost in between).
    /// </summary>
    private async Task ResyncAsync(ZooKeeperClient client, bool newSession)
    {
        string[] paths;
        lock (_gate)
        {
            paths = [.. _paths.Values.Where(p => !p.IsEmpty).Select(p => p.Path)];
        }
        using var gate = new SemaphoreSlim(Math.Max(1, _options.WatchReadConcurrency));
        await Task.WhenAll(paths.Select(async path =>
        {
            await gate.WaitAsync(_disposed.Token).ConfigureAwait(false);
            try
            {
                bool oneShot;
                lock (_gate)
                {
                    oneShot = _paths.TryGetValue(path, out var pw0) && pw0.Registered == ServerWatchMode.OneShot;
                }
                var (stat, _) = await ReadAndArmAsync(client, path, oneShot).ConfigureAwait(false);
                var now = DateTimeOffset.UtcNow;
                List<WatchSubscription> targets = [];
                lock (_gate)
                {
                    if (!_paths.TryGetValue(path, out var pw))
                    {
                        return;
                    }
                    var changed = newSession || !pw.LastStatKnown || !SameState(pw.LastStat, stat);
                    pw.LastStat = stat;
                    pw.LastStatKnown = true;
                    targets.AddRange(changed ? pw.All : pw.Deep);
                }
                foreach (var s in targets)
                {
                    s.Post(new WatchNotification(_ensemble, path, s.Kind, path, WatchChange.Resync, stat, 1, now));
                }
            }
            catch (Exception ex) when (ex is ZooKeeperException or OperationCanceledException or ObjectDisposedException)
            {
                _logger.LogDebug("Ensemble {Ensemble}: resync of {Path} failed: {Message}", _ensemble, path, ex.Message);
            }
            finally
            {
                gate.Release();
            }
        })).ConfigureAwait(false);
    }

    private static bool SameState(Stat? a, Stat? b)
        => (a, b) switch
        {
            (null, null) => true,
            (null, _) or (_, null) => false,
            _ => a.Mzxid == b.Mzxid && a.Pzxid == b.Pzxid && a.Czxid == b.Czxid,
        };
}
