namespace ZkDashboard.Core.Cache;

/// <summary>
/// The lease count and idle time of a cache entry, with the retire protocol the idle sweep needs: a caller
/// acquires an entry under the entry's own lock, the sweep retires it under the same lock only when nobody
/// holds it, and an acquire on a retired entry fails so the caller looks the key up again (and gets a new
/// entry). So the sweep never disposes an entry between a caller's lookup and its use.
/// </summary>
internal abstract class CacheEntry
{
    private readonly Lock _leaseGate = new();
    private int _leases;
    private bool _retired;
    private long _lastUsedTicks = Environment.TickCount64;

    /// <summary>Holders right now (reads in progress and open views).</summary>
    public int Leases { get { lock (_leaseGate) { return _leases; } } }

    /// <summary>True once the sweep (or an invalidation) took the entry out of the cache.</summary>
    public bool Retired { get { lock (_leaseGate) { return _retired; } } }

    /// <summary>Takes a lease; false when the entry was retired (look the key up again).</summary>
    public bool TryAcquire()
    {
        lock (_leaseGate)
        {
            if (_retired)
            {
                return false;
            }
            _leases++;
            return true;
        }
    }

    /// <summary>Returns a lease taken with <see cref="TryAcquire"/>.</summary>
    public void Release()
    {
        lock (_leaseGate)
        {
            _leases--;
            _lastUsedTicks = Environment.TickCount64;
        }
    }

    /// <summary>Retires the entry when nobody holds it and it was idle longer than <paramref name="idleMs"/>.</summary>
    public bool TryRetireIdle(long nowTicks, long idleMs)
    {
        lock (_leaseGate)
        {
            if (_retired || _leases > 0 || nowTicks - _lastUsedTicks <= idleMs)
            {
                return false;
            }
            _retired = true;
            return true;
        }
    }

    /// <summary>Retires the entry whoever holds it (invalidation, disposal). False when it was retired already.</summary>
    public bool Retire()
    {
        lock (_leaseGate)
        {
            if (_retired)
            {
                return false;
            }
            _retired = true;
            return true;
        }
    }
}
