namespace ZkDashboard.ZooKeeper.Internal;

/// <summary>
/// Client-side watch bookkeeping (like ZKWatchManager, for the single default watcher). Paths are
/// chroot-relative. A one-shot watch is registered in the same step that handles its read's reply,
/// and removed by the event that fires it.
/// </summary>
internal sealed class WatchManager
{
    private readonly object _lock = new();
    private readonly HashSet<string> _data = new(StringComparer.Ordinal);
    private readonly HashSet<string> _exist = new(StringComparer.Ordinal);
    private readonly HashSet<string> _child = new(StringComparer.Ordinal);
    private readonly HashSet<string> _persistent = new(StringComparer.Ordinal);
    private readonly HashSet<string> _recursive = new(StringComparer.Ordinal);

    /// <summary>Registers the watch of a read whose reply just arrived (exists registers an exist watch on NoNode).</summary>
    public void OnReply(WatchRegistration kind, string path, ErrorCode err)
    {
        lock (_lock)
        {
            switch (kind)
            {
                case WatchRegistration.Data when err == ErrorCode.Ok:
                    _data.Add(path);
                    break;
                case WatchRegistration.Exists when err == ErrorCode.Ok:
                    _data.Add(path);
                    break;
                case WatchRegistration.Exists when err == ErrorCode.NoNode:
                    _exist.Add(path);
                    break;
                case WatchRegistration.Child when err == ErrorCode.Ok:
                    _child.Add(path);
                    break;
                case WatchRegistration.Persistent when err == ErrorCode.Ok:
                    _persistent.Add(path);
                    break;
                case WatchRegistration.PersistentRecursive when err == ErrorCode.Ok:
                    _recursive.Add(path);
                    break;
            }
        }
    }

    public void AddPersistent(string path, AddWatchMode mode)
    {
        lock (_lock) (mode == AddWatchMode.PersistentRecursive ? _recursive : _persistent).Add(path);
    }

    /// <summary>
    /// Decides whether a server notification reaches the watcher, removing the one-shot watches it
    /// triggers (ZKWatchManager.materialize).
    /// </summary>
    public bool Materialize(EventType type, string path)
    {
        lock (_lock)
        {
            var hit = false;
            switch (type)
            {
                case EventType.NodeCreated:
                case EventType.NodeDataChanged:
                    hit |= _data.Remove(path);
                    hit |= _exist.Remove(path);
                    break;
                case EventType.NodeChildrenChanged:
                    hit |= _child.Remove(path);
                    break;
                case EventType.NodeDeleted:
                    hit |= _data.Remove(path);
                    hit |= _exist.Remove(path);
                    hit |= _child.Remove(path);
                    break;
                default:
                    return true;
            }
            if (_persistent.Contains(path)) hit = true;
            if (type != EventType.NodeChildrenChanged && _recursive.Count > 0)
            {
                var p = path;
                while (true)
                {
                    if (_recursive.Contains(p))
                    {
                        hit = true;
                        break;
                    }
                    if (p == "/") break;
                    p = PathUtils.Parent(p);
                }
            }
            return hit;
        }
    }

    /// <summary>True when a watch of the given kind is registered for the path.</summary>
    public bool Has(string path, WatcherType type)
    {
        lock (_lock)
        {
            var data = _data.Contains(path) || _exist.Contains(path);
            var child = _child.Contains(path);
            var pers = _persistent.Contains(path) || _recursive.Contains(path);
            return type switch
            {
                WatcherType.Data => data,
                WatcherType.Children => child,
                _ => data || child || pers,
            };
        }
    }

    /// <summary>Removes local watches of a kind; returns the removal events to deliver.</summary>
    public List<WatchedEvent> Remove(string path, WatcherType type, KeeperState state)
    {
        var events = new List<WatchedEvent>(2);
        lock (_lock)
        {
            if (type is WatcherType.Data or WatcherType.Any)
            {
                var d = _data.Remove(path);
                var e = _exist.Remove(path);
                if (d || e) events.Add(new WatchedEvent(EventType.DataWatchRemoved, state, path));
            }
            if (type is WatcherType.Children or WatcherType.Any && _child.Remove(path))
                events.Add(new WatchedEvent(EventType.ChildWatchRemoved, state, path));
            if (type == WatcherType.Any)
            {
                var a = _persistent.Remove(path);
                var b = _recursive.Remove(path);
                if (a || b) events.Add(new WatchedEvent(EventType.PersistentWatchRemoved, state, path));
            }
        }
        return events;
    }

    /// <summary>Snapshot of every watch, for SetWatches2 after a reconnect.</summary>
    public (List<string> Data, List<string> Exist, List<string> Child, List<string> Persistent, List<string> Recursive) Snapshot()
    {
        lock (_lock) return ([.. _data], [.. _exist], [.. _child], [.. _persistent], [.. _recursive]);
    }

    public int Count
    {
        get
        {
            lock (_lock) return _data.Count + _exist.Count + _child.Count + _persistent.Count + _recursive.Count;
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _data.Clear();
            _exist.Clear();
            _child.Clear();
            _persistent.Clear();
            _recursive.Clear();
        }
    }
}
