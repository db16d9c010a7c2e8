using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ZkDashboard.Core.Store;

namespace ZkDashboard.Core.Accounts;

internal sealed partial class AccountService
{
    private const int MaxRememberedUnknownNames = 10_000;

    private PasswordCheck CheckUnknown(string normalized, string? password, long now)
    {
        // Same work as for a real account, and the same lockout, so neither the time nor the message tells.
        _ = Hasher.VerifyHashedPassword(new AccountRecord(), DummyHash.Value, password ?? "");
        if (normalized.Length == 0)
        {
            return new PasswordCheck(PasswordCheckOutcome.Failed, null, TimeSpan.Zero, false);
        }
        var entry = _unknown.GetValueOrDefault(normalized);
        if (entry.LockedUntil > now)
        {
            return new PasswordCheck(PasswordCheckOutcome.LockedOut, null, TimeSpan.FromMilliseconds(entry.LockedUntil - now), false);
        }
        var count = entry.Count + 1;
        if (_unknown.Count >= MaxRememberedUnknownNames && !_unknown.ContainsKey(normalized))
        {
            // Bounded memory: forget expired entries first, then everything (a burst of random names costs nothing).
            foreach (var key in _unknown.Where(kv => kv.Value.LockedUntil <= now).Select(kv => kv.Key).ToList())
            {
                _unknown.TryRemove(key, out _);
            }
            if (_unknown.Count >= MaxRememberedUnknownNames)
            {
                _unknown.Clear();
            }
        }
        if (count >= Local.MaxFailedAttempts)
        {
            _unknown[normalized] = (0, now + (long)Local.LockoutDuration.TotalMilliseconds);
            return new PasswordCheck(PasswordCheckOutcome.LockedOut, null, Local.LockoutDuration, false);
        }
        _unknown[normalized] = (count, 0);
        return new PasswordCheck(PasswordCheckOutcome.Failed, null, TimeSpan.Zero, false);
    }

    private void CheckStrength(string? password)
    {
        if (string.IsNullOrEmpty(password) || password.Length < Local.MinPasswordLength)
        {
            throw new AccountException($"The password needs at least {Local.MinPasswordLength} characters.");
        }
        if (password.Length > 512)
        {
            throw new AccountException("The password has more than 512 characters: choose a shorter one.");
        }
    }

    private static async Task<AccountRecord> RequireAsync(ZkDashboardDbContext db, string name, CancellationToken ct)
    {
        var normalized = AccountNames.Normalize(name);
        return await db.Accounts.FirstOrDefaultAsync(a => a.NormalizedName == normalized, ct).ConfigureAwait(false)
            ?? throw new AccountException($"There is no user named '{name}' (it may have been deleted): reload the list.");
    }

    private static async Task RestampSessionAsync(ZkDashboardDbContext db, string sessionId, AccountRecord row, CancellationToken ct)
    {
        var session = await db.AuthSessions.FirstOrDefaultAsync(s => s.Id == sessionId && s.NormalizedUserName == row.NormalizedName, ct)
            .ConfigureAwait(false);
        if (session is not null)
        {
            session.SecurityStamp = row.SecurityStamp;
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
        }
    }

    private void Touch(AccountRecord row, string by)
    {
        row.UpdatedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
        row.UpdatedBy = by;
    }

    private static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static AccountInfo ToInfo(AccountRecord r) => new(r.Name, r.DisplayName, AccountNames.SplitGroups(r.Groups), r.Disabled,
        r.FailedAttempts, r.LockedUntil > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(r.LockedUntil) : null,
        DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt), r.SecurityStamp);
}
