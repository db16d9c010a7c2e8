using ZkDashboard.Core.Access;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Store;

namespace ZkDashboard.Core.Accounts;

internal sealed partial class AccountService(IDashboardStore store, IAuthSessionStore sessions, IOptions<AuthOptions> options,
    TimeProvider clock, ILogger<AccountService> logger, IAuditSink audit, ApiTokenCache tokenCache) : IAccountService
{
    private static readonly PasswordHasher<AccountRecord> Hasher = new();

    // Hashed once: unknown names are checked against it so they cost the same time as known ones.
    private static readonly Lazy<string> DummyHash = new(() => Hasher.HashPassword(new AccountRecord(), Guid.NewGuid().ToString("N")));

    // Failed attempts for names that have no account, so lockout looks the same for them (bounded; see Remember).
    private readonly ConcurrentDictionary<string, (int Count, long LockedUntil)> _unknown = new(StringComparer.Ordinal);

    private LocalAccountOptions Local => options.Value.Local;

    public async Task<int> CountAsync(CancellationToken ct = default)
    {
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        return await db.Accounts.CountAsync(ct).ConfigureAwait(false);
    }

    public async Task<AccountInfo?> FindAsync(string name, CancellationToken ct = default)
    {
        var normalized = AccountNames.Normalize(name);
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        var row = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.NormalizedName == normalized, ct).ConfigureAwait(false);
        return row is null ? null : ToInfo(row);
    }

    public async Task<IReadOnlyList<AccountInfo>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        var rows = await db.Accounts.AsNoTracking().ToListAsync(ct).ConfigureAwait(false);
        return rows.OrderBy(r => r.NormalizedName, StringComparer.Ordinal).Select(ToInfo).ToList();
    }

    public async Task<AccountInfo> CreateAsync(string name, string? displayName, IEnumerable<string> groups, string password, string by, CancellationToken ct = default)
    {
        if (AccountNames.ValidateName(name) is { } nameProblem)
        {
            throw new AccountException(nameProblem);
        }
        CheckStrength(password);
        name = name.Trim();
        var normalized = AccountNames.Normalize(name);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var row = new AccountRecord
        {
            Name = name,
            NormalizedName = normalized,
            DisplayName = string.IsNullOrWhiteSpace(displayName) ? name : displayName.Trim(),
            Groups = AccountNames.JoinGroups(groups),
            SecurityStamp = NewStamp(),
            CreatedAt = now,
            UpdatedAt = now,
            UpdatedBy = by,
        };
        row.PasswordHash = Hasher.HashPassword(row, password);
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        if (await db.Accounts.AnyAsync(a => a.NormalizedName == normalized, ct).ConfigureAwait(false))
        {
            throw new AccountException($"A user named '{name}' already exists: choose another name.");
        }
        db.Accounts.Add(row);
        try
        {
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
        }
        catch (DbUpdateException)
        {
            throw new AccountException($"A user named '{name}' already exists: choose another name.");
        }
        _unknown.TryRemove(normalized, out _);
        logger.LogInformation("Account {User} created by {By} with groups {Groups}", name, by, string.Join(", ", AccountNames.SplitGroups(row.Groups)));
        await AuditAsync(by, $"created account {name} (groups: {string.Join(", ", AccountNames.SplitGroups(row.Groups))})").ConfigureAwait(false);
        return ToInfo(row);
    }

    public async Task<PasswordCheck> CheckPasswordAsync(string name, string password, CancellationToken ct = default)
    {
        var normalized = AccountNames.Normalize(name ?? "");
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        var row = normalized.Length == 0 ? null
            : await db.Accounts.FirstOrDefaultAsync(a => a.NormalizedName == normalized, ct).ConfigureAwait(false);
        if (row is null)
        {
            return CheckUnknown(normalized, password, now);
        }
        if (row.LockedUntil > now)
        {
            return new PasswordCheck(PasswordCheckOutcome.LockedOut, null, TimeSpan.FromMilliseconds(row.LockedUntil - now), true);
        }
        var verdict = Hasher.VerifyHashedPassword(row, row.PasswordHash, password ?? "");
        if (verdict == PasswordVerificationResult.Failed)
        {
            row.FailedAttempts++;
            var locked = row.FailedAttempts >= Local.MaxFailedAttempts;
            if (locked)
            {
                row.LockedUntil = now + (long)Local.LockoutDuration.TotalMilliseconds;
                row.FailedAttempts = 0;
                logger.LogWarning("Account {User} locked for {Minutes} min after {Count} failed sign-ins", row.Name,
                    Local.LockoutDuration.TotalMinutes, Local.MaxFailedAttempts);
            }
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return locked
                ? new PasswordCheck(PasswordCheckOutcome.LockedOut, null, Local.LockoutDuration, true)
                : new PasswordCheck(PasswordCheckOutcome.Failed, null, TimeSpan.Zero, true);
        }
        if (row.Disabled)
        {
            return new PasswordCheck(PasswordCheckOutcome.Disabled, null, TimeSpan.Zero, true);
        }
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            row.PasswordHash = Hasher.HashPassword(row, password!);
        }
        row.FailedAttempts = 0;
        row.LockedUntil = 0;
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return new PasswordCheck(PasswordCheckOutcome.Succeeded, ToInfo(row), TimeSpan.Zero, true);
    }

    public async Task ChangePasswordAsync(string name, string currentPassword, string newPassword, string? keepSessionId, CancellationToken ct = default)
    {
        CheckStrength(newPassword);
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        var row = await RequireAsync(db, name, ct).ConfigureAwait(false);
        if (Hasher.VerifyHashedPassword(row, row.PasswordHash, currentPassword ?? "") == PasswordVerificationResult.Failed)
        {
            throw new AccountException("The current password is wrong: type it again.");
        }
        if (newPassword == currentPassword)
        {
            throw new AccountException("The new password is the same as the current one: choose a different one.");
        }
        row.PasswordHash = Hasher.HashPassword(row, newPassword);
        row.SecurityStamp = NewStamp();
        Touch(row, row.Name);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        // The session that changed the password stays valid with the new stamp; every other one ends.
        if (keepSessionId is not null)
        {
            await RestampSessionAsync(db, keepSessionId, row, ct).ConfigureAwait(false);
        }
        await sessions.RevokeAllAsync(row.Name, "password changed", keepSessionId, ct).ConfigureAwait(false);
        logger.LogInformation("Account {User} changed its password", row.Name);
        await AuditAsync(row.Name, $"account {row.Name} changed its password").ConfigureAwait(false);
    }

    public async Task<string> ResetPasswordAsync(string name, string by, CancellationToken ct = default)
    {
        var password = AccountNames.GeneratePassword();
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        var row = await RequireAsync(db, name, ct).ConfigureAwait(false);
        row.PasswordHash = Hasher.HashPassword(row, password);
        row.SecurityStamp = NewStamp();
        row.FailedAttempts = 0;
        row.LockedUntil = 0;
        Touch(row, by);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        await sessions.RevokeAllAsync(row.Name, "password reset", null, ct).ConfigureAwait(false);
        logger.LogInformation("Password of {User} reset by {By}", row.Name, by);
        await AuditAsync(by, $"reset the password of {row.Name}").ConfigureAwait(false);
        return password;
    }

    public async Task SetDisabledAsync(string name, bool disabled, string by, CancellationToken ct = default)
    {
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        var row = await RequireAsync(db, name, ct).ConfigureAwait(false);
        row.Disabled = disabled;
        if (disabled)
        {
            row.SecurityStamp = NewStamp();
        }
        Touch(row, by);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        tokenCache.DropUser(row.Name);
        if (disabled)
        {
            await sessions.RevokeAllAsync(row.Name, "account disabled", null, ct).ConfigureAwait(false);
        }
        logger.LogInformation("Account {User} {State} by {By}", row.Name, disabled ? "disabled" : "enabled", by);
        await AuditAsync(by, $"{(disabled ? "disabled" : "enabled")} account {row.Name}").ConfigureAwait(false);
    }

    public async Task UnlockAsync(string name, string by, CancellationToken ct = default)
    {
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        var row = await RequireAsync(db, name, ct).ConfigureAwait(false);
        row.FailedAttempts = 0;
        row.LockedUntil = 0;
        Touch(row, by);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        logger.LogInformation("Account {User} unlocked by {By}", row.Name, by);
        await AuditAsync(by, $"unlocked account {row.Name}").ConfigureAwait(false);
    }

    public async Task SetGroupsAsync(string name, IEnumerable<string> groups, string by, CancellationToken ct = default)
    {
        await using var db = await store.CreateContextAsync(ct).ConfigureAwait(false);
        var row = await RequireAsync(db, name, ct).ConfigureAwait(false);
        row.Groups = AccountNames.JoinGroups(groups);
        row.SecurityStamp = NewStamp();
        Touch(row, by);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        tokenCache.DropUser(row.Name);
        await sessions.RevokeAllAsync(row.Name, "groups changed", null, ct).ConfigureAwait(false);
        logger.LogInformation("Groups of {User} set to {Groups} by {By}", row.Name, string.Join(", ", AccountNames.SplitGroups(row.Groups)), by);
        await AuditAsync(by, $"set the groups of {row.Name} to {string.Join(", ", AccountNames.SplitGroups(row.Groups))}").ConfigureAwait(false);
    }

    private async Task AuditAsync(string by, string detail)
        => await audit.RecordAsync(new AuditRecord(clock.GetUtcNow(), new OperationContext(AccountAudit.Actor(by), "*", ZkOperationKind.ManageAccess, "/"),
            AuditOutcome.Succeeded, detail) { OperationName = "Account" }, CancellationToken.None).ConfigureAwait(false);
}
