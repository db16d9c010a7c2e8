using ZkDashboard.Core.Watches;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Cache;

/// <summary>The data and stat of one open node, invalidated by its data watch.</summary>
internal sealed class DataEntry(NodeCache owner, string ensemble, string path) : CacheEntry, IWatchSubscriber
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _read = new(1, 1);
    private IWatchSubscription? _subscription;
    private (byte[] Data, Stat Stat)? _value;
    private bool _exists;
    private bool _valid;
    private DateTimeOffset _asOf;

    public string Ensemble { get; } = ensemble;
    public string Path { get; } = path;

    public async Task<CachedNodeData?> GetAsync(bool sessionLive, DateTimeOffset? freshSince, CancellationToken ct)
    {
        if (_subscription is null)
        {
            IWatchSubscription sub;
            lock (_gate)
            {
                sub = _subscription ??= owner.Hub.Subscribe(Ensemble, Path, WatchKind.Data, this);
            }
            try
            {
                await sub.Ready.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // Unwatched for now (ensemble unreachable): the read below fails with the reason or is marked stale.
            }
        }
        lock (_gate)
        {
            var stale = !sessionLive || (freshSince is { } fs && _asOf < fs);
            if (_valid && !stale)
            {
                return Snapshot(false);
            }
        }
        await _read.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            lock (_gate)
            {
                if (_valid && !(freshSince is { } fs && _asOf < fs) && sessionLive)
                {
                    return Snapshot(false);
                }
            }
            var client = await owner.Sessions.GetClientAsync(Ensemble, ct).ConfigureAwait(false);
            var started = DateTimeOffset.UtcNow;
            try
            {
                var r = await client.GetDataAsync(Path, watch: false, ct).ConfigureAwait(false);
                lock (_gate)
                {
                    _value = (r.Data, r.Stat);
                    _exists = true;
                    _valid = true;
                    _asOf = started;
                    return Snapshot(false);
                }
            }
            catch (NoNodeException)
            {
                lock (_gate)
                {
                    _value = null;
                    _exists = false;
                    _valid = true;
                    _asOf = started;
                }
                return null;
            }
        }
        finally
        {
            _read.Release();
        }
    }

    private CachedNodeData? Snapshot(bool stale)
        => _exists && _value is { } v ? new CachedNodeData(Ensemble, Path, v.Data, v.Stat, _asOf, stale) : null;

    public ValueTask OnWatchEventAsync(WatchNotification notification, CancellationToken ct)
    {
        lock (_gate)
        {
            _valid = false;
        }
        owner.RaiseChanged(Ensemble, Path, children: false, data: true);
        return ValueTask.CompletedTask;
    }

    public void Invalidate()
    {
        lock (_gate)
        {
            _valid = false;
        }
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
