using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Store;

namespace ZkDashboard.Core.Accounts;

/// <summary>Why a session is no longer valid.</summary>
public enum SessionState
{
    /// <summary>Still valid.</summary>
    Valid,
    /// <summary>No such session (never existed, or purged).</summary>
    Unknown,
    /// <summary>Logged out, signed out everywhere, or revoked by a password change.</summary>
    Revoked,
    /// <summary>Unused for longer than the idle timeout.</summary>
    IdleExpired,
    /// <summary>Older than the absolute lifetime.</summary>
    Expired,
    /// <summary>The local account is disabled, gone, or its password changed since sign-in.</summary>
    AccountChanged,
}

/// <summary>A live session, as listed for its user.</summary>
public sealed record AuthSessionInfo(string Id, string UserName, string Provider, IReadOnlyList<string> Groups,
    string? RemoteAddress, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, DateTimeOffset ExpiresAt);

/// <summary>Server-side sessions behind the sign-in cookie: created at every sign-in, checked on every request and
/// by open circuits, revoked by logout, password change, disable and "sign out everywhere".</summary>
public interface IAuthSessionStore
{
    /// <summary>Creates a session and returns its id (the <c>zkd:sid</c> claim).</summary>
    Task<string> CreateAsync(string userName, string provider, IEnumerable<string> groups, string? remoteAddress, CancellationToken ct = default);

    /// <summary>Checks a session (and, for local accounts, the account) and records its use.</summary>
    Task<SessionState> ValidateAsync(string sessionId, bool touch, CancellationToken ct = default);

    Task RevokeAsync(string sessionId, string reason, CancellationToken ct = default);

    /// <summary>Revokes every live session of <paramref name="userName"/> except <paramref name="exceptId"/>; returns how many.</summary>
    Task<int> RevokeAllAsync(string userName, string reason, string? exceptId = null, CancellationToken ct = default);

    Task<IReadOnlyList<AuthSessionInfo>> ListAsync(string userName, CancellationToken ct = default);
}

internal sealed class AuthSessionStore(IDashboardStore store, IOptions<AuthOptions> options, TimeProvider clock,
    ILogger<AuthSessionStore> logger) : IAuthSessionStore
{
    // Writing LastSeenAt on every request would make every page view a write; a minute's precision is enough
    // for an idle timeout measured in minutes or hours.
    private static readonly long TouchGranularityMs = 30_000;

    public async Task<string> CreateAsync(string userName, string provider, IEnumerable<string> groups, string? remoteAddress, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        string? stamp = null;
        if (provider == AccountNames.LocalProvider)
        {
            var normalized = AccountNames.Normalize(userName);
            stamp = await db.Accounts.Where(a => a.NormalizedName == normalized).Select(a => a.SecurityStamp)
                .FirstOrDefaultAsync(ct).ConfigureAwait(false);
        }
        db.AuthSessions.Add(new AuthSessionRecord
        {
            Id = id,
            UserName = userName,
            NormalizedUserName = AccountNames.Normalize(userName),
            Provider = provider,
            Groups = AccountNames.JoinGroups(groups),
            SecurityStamp = stamp,
            RemoteAddress = remoteAddress,
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now + (long)options.Value.Cookie.AbsoluteLifetime.TotalMilliseconds,
        });
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        logger.LogInformation("Signed in {User} ({Provider}) from {Address}", userName, provider, remoteAddress);
        return id;
    }

    public async Task<SessionState> ValidateAsync(string sessionId, bool touch, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(sessionId))
        {
            return SessionState.Unknown;
        }
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        var session = await db.AuthSessions.FirstOrDefaultAsync(s => s.Id == sessionId, ct).ConfigureAwait(false);
        if (session is null)
        {
            return SessionState.Unknown;
        }
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var state = session.RevokedAt is not null ? SessionState.Revoked
            : now >= session.ExpiresAt ? SessionState.Expired
            : now - session.LastSeenAt > (long)options.Value.Cookie.IdleTimeout.TotalMilliseconds ? SessionState.IdleExpired
            : SessionState.Valid;
        if (state == SessionState.Valid && session.Provider == AccountNames.LocalProvider)
        {
            var account = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.NormalizedName == session.NormalizedUserName, ct).ConfigureAwait(false);
            if (account is null || account.Disabled || account.SecurityStamp != session.SecurityStamp)
            {
                state = SessionState.AccountChanged;
            }
        }
        if (state != SessionState.Valid)
        {
            if (session.RevokedAt is null)
            {
                session.RevokedAt = now;
                session.RevokedReason = state.ToString();
                await db.SaveChangesAsync(ct).ConfigureAwait(false);
            }
            return state;
        }
        if (touch && now - session.LastSeenAt >= TouchGranularityMs)
        {
            session.LastSeenAt = now;
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
        }
        return SessionState.Valid;
    }

    public async Task RevokeAsync(string sessionId, string reason, CancellationToken ct = default)
    {
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        var session = await db.AuthSessions.FirstOrDefaultAsync(s => s.Id == sessionId, ct).ConfigureAwait(false);
        if (session is { RevokedAt: null })
        {
            session.RevokedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
            session.RevokedReason = reason;
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            logger.LogInformation("Session of {User} ended: {Reason}", session.UserName, reason);
        }
    }

    public async Task<int> RevokeAllAsync(string userName, string reason, string? exceptId = null, CancellationToken ct = default)
    {
        var normalized = AccountNames.Normalize(userName);
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        var live = await db.AuthSessions.Where(s => s.NormalizedUserName == normalized && s.RevokedAt == null && s.Id != exceptId)
            .ToListAsync(ct).ConfigureAwait(false);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var s in live)
        {
            s.RevokedAt = now;
            s.RevokedReason = reason;
        }
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        if (live.Count > 0)
        {
            logger.LogInformation("Ended {Count} session(s) of {User}: {Reason}", live.Count, userName, reason);
        }
        return live.Count;
    }

    public async Task<IReadOnlyList<AuthSessionInfo>> ListAsync(string userName, CancellationToken ct = default)
    {
        var normalized = AccountNames.Normalize(userName);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        var rows = await db.AuthSessions.AsNoTracking()
            .Where(s => s.NormalizedUserName == normalized && s.RevokedAt == null && s.ExpiresAt > now)
            .ToListAsync(ct).ConfigureAwait(false);
        return rows.OrderByDescending(s => s.LastSeenAt)
            .Select(s => new AuthSessionInfo(s.Id, s.UserName, s.Provider, AccountNames.SplitGroups(s.Groups), s.RemoteAddress,
                DateTimeOffset.FromUnixTimeMilliseconds(s.CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(s.LastSeenAt),
                DateTimeOffset.FromUnixTimeMilliseconds(s.ExpiresAt)))
            .ToList();
    }
}
