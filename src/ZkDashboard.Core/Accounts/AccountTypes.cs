namespace ZkDashboard.Core.Accounts;

/// <summary>A local account as pages and sign-in see it (no password hash).</summary>
public sealed record AccountInfo(string Name, string DisplayName, IReadOnlyList<string> Groups, bool Disabled,
    int FailedAttempts, DateTimeOffset? LockedUntil, DateTimeOffset CreatedAt, string SecurityStamp)
{
    /// <summary>True while sign-in is refused because of failed attempts.</summary>
    public bool IsLockedOut(DateTimeOffset now) => LockedUntil is { } until && until > now;
}

/// <summary>What a password check found. The login page shows the same text for <see cref="Failed"/> whether or
/// not the account exists.</summary>
public enum PasswordCheckOutcome
{
    /// <summary>Name and password match an enabled, unlocked account.</summary>
    Succeeded,
    /// <summary>Unknown user or wrong password (never says which).</summary>
    Failed,
    /// <summary>Too many failed attempts (for known and unknown names alike).</summary>
    LockedOut,
    /// <summary>The password is right but the account is disabled.</summary>
    Disabled,
}

/// <summary>The outcome of <see cref="IAccountService.CheckPasswordAsync"/>.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Account">The account, for <see cref="PasswordCheckOutcome.Succeeded"/> only.</param>
/// <param name="RetryAfter">For <see cref="PasswordCheckOutcome.LockedOut"/>: how long until the next try.</param>
/// <param name="AccountExists">Whether a local account has that name (for the caller's decision to try other
/// providers; never shown).</param>
public sealed record PasswordCheck(PasswordCheckOutcome Outcome, AccountInfo? Account, TimeSpan RetryAfter, bool AccountExists);

/// <summary>A request that cannot be done as asked (the message says what to change).</summary>
public sealed class AccountException(string message) : Exception(message);

/// <summary>Local accounts: create, check passwords (with lockout), change and reset passwords, disable, unlock.</summary>
public interface IAccountService
{
    /// <summary>How many local accounts exist.</summary>
    Task<int> CountAsync(CancellationToken ct = default);

    Task<AccountInfo?> FindAsync(string name, CancellationToken ct = default);

    Task<IReadOnlyList<AccountInfo>> ListAsync(CancellationToken ct = default);

    /// <summary>Creates an account; throws <see cref="AccountException"/> for a taken or invalid name or a weak password.</summary>
    Task<AccountInfo> CreateAsync(string name, string? displayName, IEnumerable<string> groups, string password, string by, CancellationToken ct = default);

    /// <summary>Checks a sign-in attempt and counts failures (lockout after the configured number).</summary>
    Task<PasswordCheck> CheckPasswordAsync(string name, string password, CancellationToken ct = default);

    /// <summary>Changes the password after checking the current one; revokes the user's other sessions.</summary>
    Task ChangePasswordAsync(string name, string currentPassword, string newPassword, string? keepSessionId, CancellationToken ct = default);

    /// <summary>Sets a generated password and returns it (shown once); revokes every session of the user.</summary>
    Task<string> ResetPasswordAsync(string name, string by, CancellationToken ct = default);

    /// <summary>Disables (revoking every session) or enables an account.</summary>
    Task SetDisabledAsync(string name, bool disabled, string by, CancellationToken ct = default);

    /// <summary>Clears failed attempts and the lockout.</summary>
    Task UnlockAsync(string name, string by, CancellationToken ct = default);

    /// <summary>Replaces the account's groups (its sessions are revoked so the new groups apply at the next sign-in).</summary>
    Task SetGroupsAsync(string name, IEnumerable<string> groups, string by, CancellationToken ct = default);
}
