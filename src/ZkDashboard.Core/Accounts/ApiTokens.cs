using ZkDashboard.Core.Access;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Store;

namespace ZkDashboard.Core.Accounts;

/// <summary>A personal API token as listed (never its secret).</summary>
public sealed record ApiTokenInfo(int Id, string UserName, string Name, string Prefix, IReadOnlyList<string> Roles,
    DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    public bool IsActive(DateTimeOffset now) => RevokedAt is null && ExpiresAt > now;
}

/// <summary>A freshly created token: <see cref="Secret"/> is shown once and never stored.</summary>
public sealed record CreatedApiToken(ApiTokenInfo Token, string Secret);

/// <summary>Who a presented token stands for.</summary>
public sealed record ApiTokenIdentity(int TokenId, string UserName, string OwnerProvider, IReadOnlyList<string> Groups, IReadOnlyList<string> Roles)
{
    /// <summary>The token's name (for the audit log).</summary>
    public string? TokenName { get; init; }

    /// <summary>True on the token's first use of the (UTC) day: the caller records it in the audit trail (token use is
    /// recorded once per day, not per request).</summary>
    public bool FirstUseToday { get; init; }
}

/// <summary>Personal API tokens: <c>zkd_</c> + 43 base64url characters (32 random bytes); the store keeps only the SHA-256.</summary>
public interface IApiTokenService
{
    /// <summary>Creates a token for a user (of any provider) limited to <paramref name="roles"/> (empty: no limit).</summary>
    Task<CreatedApiToken> CreateAsync(string userName, string provider, IEnumerable<string> groups, string name,
        IEnumerable<string> roles, TimeSpan? lifetime, CancellationToken ct = default);

    /// <summary>The identity behind <paramref name="token"/>, or null (unknown, revoked, expired, owner disabled).</summary>
    Task<ApiTokenIdentity?> ValidateAsync(string token, CancellationToken ct = default);

    Task<IReadOnlyList<ApiTokenInfo>> ListAsync(string userName, CancellationToken ct = default);

    /// <summary>Revokes one of <paramref name="userName"/>'s tokens; false when it has no such token.</summary>
    Task<bool> RevokeAsync(string userName, int tokenId, CancellationToken ct = default);

    /// <summary>Revokes every token of a user (sign out everywhere).</summary>
    Task<int> RevokeAllAsync(string userName, CancellationToken ct = default);
}

internal sealed class ApiTokenService(IDashboardStore store, IOptions<AuthOptions> options, TimeProvider clock,
    ILogger<ApiTokenService> logger, IAuditSink audit, ApiTokenCache cache) : IApiTokenService
{
    public const string Prefix = "zkd_";
    private const long LastUsedGranularityMs = 60_000;

    public async Task<CreatedApiToken> CreateAsync(string userName, string provider, IEnumerable<string> groups, string name,
        IEnumerable<string> roles, TimeSpan? lifetime, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 128)
        {
            throw new AccountException("Give the token a name of 1 to 128 characters (e.g. 'ci-deploy').");
        }
        var max = options.Value.Tokens.MaxLifetime;
        var life = lifetime ?? options.Value.Tokens.DefaultLifetime;
        if (life <= TimeSpan.Zero || life > max)
        {
            throw new AccountException($"A token lives at most {max.TotalDays:0} days: choose a lifetime from 1 to {max.TotalDays:0} days.");
        }
        var secret = Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var row = new ApiTokenRecord
        {
            UserName = userName,
            NormalizedUserName = AccountNames.Normalize(userName),
            Provider = provider,
            Groups = AccountNames.JoinGroups(groups),
            Name = name.Trim(),
            Prefix = secret[..8],
            Hash = HashOf(secret),
            Roles = AccountNames.JoinGroups(roles),
            CreatedAt = now,
            ExpiresAt = now + (long)life.TotalMilliseconds,
        };
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        db.ApiTokens.Add(row);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        logger.LogInformation("API token {Token} ({Prefix}…) created for {User}, roles {Roles}", row.Name, row.Prefix, userName,
            row.Roles.Length == 0 ? "(all of the user's)" : string.Join(", ", AccountNames.SplitGroups(row.Roles)));
        await AuditAsync(userName, $"created API token '{row.Name}' ({row.Prefix}…), roles {(row.Roles.Length == 0 ? "(all of the user's)" : string.Join(", ", AccountNames.SplitGroups(row.Roles)))}, expires {DateTimeOffset.FromUnixTimeMilliseconds(row.ExpiresAt):u}")
            .ConfigureAwait(false);
        return new CreatedApiToken(ToInfo(row), secret);
    }

    public async Task<ApiTokenIdentity?> ValidateAsync(string token, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || !token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 128)
        {
            return null;
        }
        var hash = HashOf(token);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var today = DayOf(now);
        if (cache.Find(hash) is { } cached)
        {
            if (cached.ExpiresAt <= now)
            {
                cache.Forget(hash);
                return null;
            }
            // A fresh entry answers alone, except on the day's first use: that one goes to the store so LastUsedAt
            // (which the next day's first use is judged by, also after a restart) is written.
            if (now - cached.CheckedAt < cache.Ttl && cached.LastUseDay >= today)
            {
                return cached.Identity with { FirstUseToday = false };
            }
        }
        return await ValidateInStoreAsync(hash, now, today, ct).ConfigureAwait(false);
    }

    private async Task<ApiTokenIdentity?> ValidateInStoreAsync(string hash, long now, long today, CancellationToken ct)
    {
        var generation = cache.Generation;
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        var row = await db.ApiTokens.FirstOrDefaultAsync(t => t.Hash == hash, ct).ConfigureAwait(false);
        if (row is null || row.RevokedAt is not null || row.ExpiresAt <= now)
        {
            cache.Forget(hash);
            return null;
        }
        var groups = AccountNames.SplitGroups(row.Groups);
        if (row.Provider == AccountNames.LocalProvider)
        {
            var account = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.NormalizedName == row.NormalizedUserName, ct).ConfigureAwait(false);
            if (account is null || account.Disabled)
            {
                cache.Forget(hash);
                return null;
            }
            groups = AccountNames.SplitGroups(account.Groups);
        }
        var storeLastUseDay = row.LastUsedAt is { } last ? DayOf(last) : long.MinValue;
        // At most once a minute, and on the day's first use (the next day's first use, also after a restart, is judged by it).
        if (row.LastUsedAt is not { } used || now - used >= LastUsedGranularityMs || storeLastUseDay < today)
        {
            row.LastUsedAt = now;
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
        }
        var identity = new ApiTokenIdentity(row.Id, row.UserName, row.Provider, groups, AccountNames.SplitGroups(row.Roles)) { TokenName = row.Name };
        var entry = cache.Store(hash, identity, row.NormalizedUserName, row.ExpiresAt, now, storeLastUseDay, generation);
        var firstToday = entry?.ClaimDay(today) ?? storeLastUseDay < today;
        return identity with { FirstUseToday = firstToday };
    }

    private static long DayOf(long unixMs) => Math.DivRem(unixMs, 86_400_000L, out var rem) - (rem < 0 ? 1 : 0);

    public async Task<IReadOnlyList<ApiTokenInfo>> ListAsync(string userName, CancellationToken ct = default)
    {
        var normalized = AccountNames.Normalize(userName);
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        var rows = await db.ApiTokens.AsNoTracking().Where(t => t.NormalizedUserName == normalized).ToListAsync(ct).ConfigureAwait(false);
        return rows.OrderByDescending(t => t.CreatedAt).Select(ToInfo).ToList();
    }

    public async Task<bool> RevokeAsync(string userName, int tokenId, CancellationToken ct = default)
    {
        var normalized = AccountNames.Normalize(userName);
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        var row = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == tokenId && t.NormalizedUserName == normalized, ct).ConfigureAwait(false);
        if (row is null)
        {
            return false;
        }
        if (row.RevokedAt is null)
        {
            row.RevokedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            logger.LogInformation("API token {Token} ({Prefix}…) of {User} revoked", row.Name, row.Prefix, row.UserName);
            await AuditAsync(row.UserName, $"revoked API token '{row.Name}' ({row.Prefix}…)").ConfigureAwait(false);
        }
        cache.DropToken(row.Id);
        return true;
    }

    public async Task<int> RevokeAllAsync(string userName, CancellationToken ct = default)
    {
        var normalized = AccountNames.Normalize(userName);
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        var rows = await db.ApiTokens.Where(t => t.NormalizedUserName == normalized && t.RevokedAt == null).ToListAsync(ct).ConfigureAwait(false);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var row in rows)
        {
            row.RevokedAt = now;
        }
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        cache.DropUser(userName);
        if (rows.Count > 0)
        {
            await AuditAsync(userName, $"revoked all {rows.Count} API token(s) of {userName}").ConfigureAwait(false);
        }
        return rows.Count;
    }

    private async Task AuditAsync(string user, string detail)
        => await audit.RecordAsync(new AuditRecord(clock.GetUtcNow(), new OperationContext(AccountAudit.Actor(user), "*", ZkOperationKind.ManageAccess, "/"),
            AuditOutcome.Succeeded, detail) { OperationName = "Token" }, CancellationToken.None).ConfigureAwait(false);

    internal static string HashOf(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static ApiTokenInfo ToInfo(ApiTokenRecord r) => new(r.Id, r.UserName, r.Name, r.Prefix, AccountNames.SplitGroups(r.Roles),
        DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(r.ExpiresAt),
        r.LastUsedAt is { } u ? DateTimeOffset.FromUnixTimeMilliseconds(u) : null,
        r.RevokedAt is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null);
}
