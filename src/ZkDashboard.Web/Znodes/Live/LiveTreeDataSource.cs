using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ZkDashboard.Core.Boundary;
using ZkDashboard.Core.Cache;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Web.Auth;
using ZkDashboard.Web.Znodes.Tree;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Znodes.Live;

/// <summary>
/// The explorer tree's <see cref="ITreeDataSource"/> over Core: every read goes through
/// <see cref="IZooKeeperOperations"/> (children pages come from the shared <see cref="INodeCache"/>) as the
/// circuit's user. Listed nodes are kept open in the cache (so watches keep them live) until disposal, and
/// cache changes for them are raised as <see cref="ChildrenChanged"/>, merged per path.
/// </summary>
public sealed class LiveTreeDataSource : ITreeDataSource, IDisposable
{
    /// <summary>How long change notifications for one path are merged before they are raised.</summary>
    public static readonly TimeSpan MergeWindow = TimeSpan.FromMilliseconds(120);

    private const int MaxPage = 10_000;
    private readonly IZooKeeperOperations _ops;
    private readonly IUserNodeCache _cache;
    private readonly IDisposable _changes;
    private readonly ICreatedNodeRegistry _created;
    private readonly ICurrentUser _user;
    private readonly ConcurrentDictionary<string, IDisposable> _leases = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _noAuth = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _pending = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposed = new();
    private readonly ILogger _logger;
    private int _flushScheduled;

    /// <summary>Creates a source for one ensemble and one circuit.</summary>
    public LiveTreeDataSource(string ensemble, IZooKeeperOperations ops, IUserNodeCache cache, ICreatedNodeRegistry created, ICurrentUser user, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(user);
        _logger = logger ?? NullLogger.Instance;
        Ensemble = ensemble;
        _ops = ops;
        _cache = cache;
        _created = created;
        _user = user;
        _changes = cache.SubscribeChanges(user.User, ensemble, OnCacheChanged);
    }

    /// <summary>The ensemble.</summary>
    public string Ensemble { get; }

    /// <summary>True when the last children page served was marked stale by the cache.</summary>
    public bool LastPageStale { get; private set; }

    /// <summary>Raised (thread pool) with the paths whose children (or a child's stat) changed; merged per path.</summary>
    public event Func<IReadOnlyCollection<string>, Task>? ChildrenChanged;

    /// <summary>True when the dashboard was refused reading <paramref name="path"/> (NoAuth).</summary>
    public bool IsNoAuth(string path) => _noAuth.ContainsKey(path);

    /// <summary>
    /// Records what the node panel learnt by reading <paramref name="path"/> (refused with NoAuth, or readable): the
    /// tree row gets or loses its lock, through the same merged refresh as a live change (exists, which the tree uses,
    /// needs no permission, so the tree cannot tell by itself for a node it never listed).
    /// </summary>
    public void SetNoAuth(string path, bool noAuth)
    {
        var changed = noAuth ? _noAuth.TryAdd(path, true) : _noAuth.TryRemove(path, out _);
        if (changed && !_disposed.IsCancellationRequested)
        {
            _pending[path] = 0;
            if (Interlocked.Exchange(ref _flushScheduled, 1) == 0)
            {
                _ = FlushAsync(); // never faults: FlushAsync catches and logs
            }
        }
    }

    /// <inheritdoc />
    public async Task<TreeNodeInfo?> GetNodeAsync(string path, CancellationToken ct)
    {
        try
        {
            var stat = await _ops.ExistsAsync(_user.User, Ensemble, path, ct).ConfigureAwait(false);
            return stat is null ? null : await ToInfoAsync(path, stat, ct).ConfigureAwait(false);
        }
        catch (NodeAccessDeniedException)
        {
            _noAuth[path] = true;
            return new TreeNodeInfo(NameOf(path), path, 0, 0, null, NoAuth: true);
        }
    }

    /// <inheritdoc />
    public async Task<ChildPage> GetChildrenAsync(ChildQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        try
        {
            var page = await ReadAsync(query, query.Skip, Math.Clamp(query.Take, 1, MaxPage), ct).ConfigureAwait(false);
            _noAuth.TryRemove(query.Path, out _);
            LastPageStale = page.Stale;
            var items = new List<TreeNodeInfo>(page.Items.Count);
            foreach (var child in page.Items)
            {
                items.Add(child.Stat is { } stat
                    ? await ToInfoAsync(child.Path, stat, ct).ConfigureAwait(false)
                    : new TreeNodeInfo(child.Name, child.Path, 0, 0, null, NoAuth: _noAuth.ContainsKey(child.Path)));
            }

            return new ChildPage(page.TotalChildren, page.MatchingChildren, items, Stale: page.Stale);
        }
        catch (NodeAccessDeniedException)
        {
            _noAuth[query.Path] = true;
            return ChildPage.Denied;
        }
        catch (NoNodeException)
        {
            return ChildPage.Failed($"{query.Path} no longer exists.");
        }
        catch (ArgumentException ex)
        {
            return ChildPage.Failed(ex.Message);
        }
        catch (EnsembleUnavailableException ex)
        {
            return ChildPage.Failed($"Cannot list children: {ex.Reason}");
        }
    }

    /// <inheritdoc />
    public async Task<int> IndexOfAsync(ChildQuery query, string childName, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var offset = 0;
        while (true)
        {
            ChildrenPage page;
            try
            {
                page = await ReadAsync(query, offset, MaxPage, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NodeAccessDeniedException or NoNodeException or ArgumentException or EnsembleUnavailableException)
            {
                return -1;
            }

            for (var i = 0; i < page.Items.Count; i++)
            {
                if (string.Equals(page.Items[i].Name, childName, StringComparison.Ordinal))
                {
                    return offset + i;
                }
            }

            offset += page.Items.Count;
            if (page.Items.Count == 0 || offset >= page.MatchingChildren)
            {
                return -1;
            }
        }
    }

    /// <summary>"container", "TTL 60 s"… for a node the dashboard created (null otherwise: never a guess).</summary>
    public static string? DescribeCreatedHere(CreatedNodeRecord? record) => record is null ? null : record.Mode switch
    {
        CreateMode.Container => "container",
        CreateMode.PersistentWithTtl or CreateMode.PersistentSequentialWithTtl => $"TTL {FormatTtl(record.TtlMs)}",
        _ => null,
    };

    /// <summary>A TTL in words ("90 s", "5 min", "2 h").</summary>
    public static string FormatTtl(long ms) => ms switch
    {
        < 1_000 => $"{ms} ms",
        < 120_000 => $"{ms / 1000.0:0.#} s",
        < 7_200_000 => $"{ms / 60_000.0:0.#} min",
        _ => $"{ms / 3_600_000.0:0.#} h",
    };

    private async Task<ChildrenPage> ReadAsync(ChildQuery query, int offset, int limit, CancellationToken ct)
    {
        await LeaseAsync(query.Path, ct).ConfigureAwait(false);
        var request = new ChildrenQuery(
            query.Sort,
            query.Descending,
            query.HasFilter && query.FilterMode == ChildFilterMode.Prefix ? query.Filter : null,
            query.HasFilter && query.FilterMode == ChildFilterMode.Regex ? query.Filter : null,
            offset,
            limit);
        return await _ops.GetChildrenAsync(_user.User, Ensemble, query.Path, request, ct).ConfigureAwait(false);
    }

    private async Task<TreeNodeInfo> ToInfoAsync(string path, Stat stat, CancellationToken ct)
    {
        var record = await _created.FindAsync(Ensemble, path, stat.Czxid, ct).ConfigureAwait(false);
        return TreeNodeInfo.FromStat(path, stat, _noAuth.ContainsKey(path), DescribeCreatedHere(record));
    }

    private async Task LeaseAsync(string path, CancellationToken ct)
    {
        if (!_disposed.IsCancellationRequested && !_leases.ContainsKey(path))
        {
            var lease = await _cache.OpenAsync(_user.User, Ensemble, path, ct).ConfigureAwait(false);
            if (_disposed.IsCancellationRequested || !_leases.TryAdd(path, lease))
            {
                lease.Dispose();
            }
        }
    }

    private void OnCacheChanged(NodeCacheChangedEventArgs e)
    {
        if (!e.ChildrenChanged || !_leases.ContainsKey(e.Path))
        {
            return;
        }

        _pending[e.Path] = 0;
        if (Interlocked.Exchange(ref _flushScheduled, 1) == 0)
        {
            _ = FlushAsync(); // never faults: FlushAsync catches and logs
        }
    }

    private async Task FlushAsync()
    {
        try
        {
            await Task.Delay(MergeWindow, _disposed.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        Volatile.Write(ref _flushScheduled, 0);
        var paths = new List<string>();
        foreach (var path in _pending.Keys)
        {
            if (_pending.TryRemove(path, out _))
            {
                paths.Add(path);
            }
        }

        if (paths.Count > 0 && ChildrenChanged is { } handler)
        {
            try
            {
                await handler(paths).ConfigureAwait(false);
            }
            catch (Exception) when (_disposed.IsCancellationRequested)
            {
                // The page went away meanwhile.
            }
            catch (Exception ex)
            {
                // The handler shows its own failures on the page; this only keeps one from being dropped.
                _logger.LogError(ex, "Tree of {Ensemble}: handling live changes under {Paths} failed", Ensemble, string.Join(", ", paths));
            }
        }
    }

    private static string NameOf(string path) => path == "/" ? string.Empty : path[(path.LastIndexOf('/') + 1)..];

    /// <inheritdoc />
    public void Dispose()
    {
        _changes.Dispose();
        _disposed.Cancel();
        foreach (var key in _leases.Keys)
        {
            if (_leases.TryRemove(key, out var lease))
            {
                lease.Dispose();
            }
        }

        _disposed.Dispose();
    }
}
