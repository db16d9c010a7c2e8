using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ZkDashboard.Core.Accounts;

/// <summary>
/// Validated API tokens of this instance, keyed by the token's SHA-256 (never the token itself), so a request does not
/// read the store each time. An entry is trusted for <see cref="ApiTokenOptions.ValidationCacheTtl"/> at most, then the
/// token is checked against the store again (that is how a revoke or disable made by another instance arrives); it is
/// never trusted past its expiry. Revoke, disable and group changes on this instance drop the entries at once.
/// </summary>
internal sealed class ApiTokenCache(IOptions<AuthOptions> options)
{
    /// <summary>Upper bound on entries; when full, expired and stale entries go first, else nothing new is kept.</summary>
    internal const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _generation;

    internal sealed class Entry(ApiTokenIdentity identity, string userKey, long expiresAt, long checkedAt, long lastUseDay)
    {
        private readonly Lock _gate = new();

        public ApiTokenIdentity Identity { get; set; } = identity;

        /// <summary>The owner's normalized name.</summary>
        public string UserKey { get; set; } = userKey;

        public long ExpiresAt { get; set; } = expiresAt;

        /// <summary>When the store last confirmed the token (Unix ms).</summary>
        public long CheckedAt { get; set; } = checkedAt;

        /// <summary>The UTC day (days since the epoch) of the last use this instance saw or the store recorded.</summary>
        public long LastUseDay { get; private set; } = lastUseDay;

        /// <summary>True for exactly one caller per day: the first use of <paramref name="day"/>.</summary>
        public bool ClaimDay(long day)
        {
            lock (_gate)
            {
                if (LastUseDay >= day)
                {
                    return false;
                }
                LastUseDay = day;
                return true;
            }
        }

        public void SeenOn(long day)
        {
            lock (_gate)
            {
                LastUseDay = Math.Max(LastUseDay, day);
            }
        }
    }

    public long Ttl => (long)options.Value.Tokens.ValidationCacheTtl.TotalMilliseconds;

    /// <summary>Changes on every drop (revoke, disable, group change); a check that started before a drop must not store its (maybe stale) answer.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public Entry? Find(string hash) => _entries.TryGetValue(hash, out var entry) ? entry : null;

    /// <summary>Keeps (or refreshes) the entry of a token the store just confirmed; null when not kept (a drop
    /// happened since <paramref name="generation"/>, the cache is off or full).</summary>
    public Entry? Store(string hash, ApiTokenIdentity identity, string userKey, long expiresAt, long now, long storeLastUseDay, long generation)
    {
        if (Ttl <= 0)
        {
            return null;
        }
        if (_entries.TryGetValue(hash, out var entry))
        {
            entry.Identity = identity;
            entry.UserKey = userKey;
            entry.ExpiresAt = expiresAt;
            entry.CheckedAt = now;
            entry.SeenOn(storeLastUseDay);
        }
        else
        {
            if (_entries.Count >= MaxEntries && !Trim(now))
            {
                return null;
            }
            entry = _entries.GetOrAdd(hash, _ => new Entry(identity, userKey, expiresAt, now, storeLastUseDay));
        }
        if (Generation != generation)
        {
            _entries.TryRemove(hash, out _);
            return null;
        }
        return entry;
    }

    /// <summary>Removes the entry of a token the store (or its expiry) just refused.</summary>
    public void Forget(string hash) => _entries.TryRemove(hash, out _);

    public void DropToken(int tokenId) => DropWhere(e => e.Identity.TokenId == tokenId);

    /// <summary>Drops every token of a user (<paramref name="userName"/> in any case).</summary>
    public void DropUser(string userName)
    {
        var key = AccountNames.Normalize(userName);
        DropWhere(e => string.Equals(e.UserKey, key, StringComparison.Ordinal));
    }

    private void DropWhere(Func<Entry, bool> match)
    {
        Interlocked.Increment(ref _generation);
        foreach (var (hash, entry) in _entries)
        {
            if (match(entry))
            {
                _entries.TryRemove(hash, out _);
            }
        }
    }

    private bool Trim(long now)
    {
        var ttl = Ttl;
        foreach (var (hash, entry) in _entries)
        {
            if (entry.ExpiresAt <= now || now - entry.CheckedAt >= ttl)
            {
                _entries.TryRemove(hash, out _);
            }
        }
        return _entries.Count < MaxEntries;
    }
}
