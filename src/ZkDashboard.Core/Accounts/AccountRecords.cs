using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ZkDashboard.Core.Accounts;

/// <summary>A local account (table <c>Accounts</c>). Times are Unix milliseconds (comparable in SQLite and PostgreSQL).</summary>
public sealed class AccountRecord
{
    public int Id { get; set; }

    /// <summary>The login name as typed at creation.</summary>
    public string Name { get; set; } = "";

    /// <summary>Upper-invariant <see cref="Name"/> (unique; logins are case-insensitive).</summary>
    public string NormalizedName { get; set; } = "";

    public string DisplayName { get; set; } = "";

    /// <summary>Group names, one per line.</summary>
    public string Groups { get; set; } = "";

    /// <summary><see cref="Microsoft.AspNetCore.Identity.PasswordHasher{TUser}"/> output (never the password).</summary>
    public string PasswordHash { get; set; } = "";

    public bool Disabled { get; set; }

    public int FailedAttempts { get; set; }

    /// <summary>Unix ms until which sign-in is refused (0: not locked).</summary>
    public long LockedUntil { get; set; }

    /// <summary>Changes on password change, reset and disable: sessions created under another stamp are invalid.</summary>
    public string SecurityStamp { get; set; } = "";

    public long CreatedAt { get; set; }

    public long UpdatedAt { get; set; }

    public string UpdatedBy { get; set; } = "";
}

/// <summary>A server-side sign-in session (table <c>AuthSessions</c>); the cookie carries only its id.</summary>
public sealed class AuthSessionRecord
{
    /// <summary>Random 128-bit id (hex), the <c>zkd:sid</c> claim.</summary>
    public string Id { get; set; } = "";

    public string UserName { get; set; } = "";

    /// <summary>Upper-invariant user name (to revoke every session of a user).</summary>
    public string NormalizedUserName { get; set; } = "";

    public string Provider { get; set; } = "";

    /// <summary>Groups at sign-in, one per line.</summary>
    public string Groups { get; set; } = "";

    /// <summary>For local accounts: the account's security stamp at sign-in.</summary>
    public string? SecurityStamp { get; set; }

    public string? RemoteAddress { get; set; }

    public long CreatedAt { get; set; }

    public long LastSeenAt { get; set; }

    /// <summary>Absolute end of the session (Unix ms).</summary>
    public long ExpiresAt { get; set; }

    /// <summary>Unix ms when revoked (null: live).</summary>
    public long? RevokedAt { get; set; }

    public string? RevokedReason { get; set; }
}

/// <summary>A personal API token (table <c>ApiTokens</c>). Only the SHA-256 of the secret is stored.</summary>
public sealed class ApiTokenRecord
{
    public int Id { get; set; }

    public string UserName { get; set; } = "";

    public string NormalizedUserName { get; set; } = "";

    public string Provider { get; set; } = "";

    /// <summary>Groups of the owner when created (non-local owners; local owners use the account's current groups).</summary>
    public string Groups { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>The first characters of the token (e.g. <c>zkd_AbC1</c>), to recognise it in lists.</summary>
    public string Prefix { get; set; } = "";

    /// <summary>Lower-case hex SHA-256 of the whole token string.</summary>
    public string Hash { get; set; } = "";

    /// <summary>Roles the token is limited to, one per line (empty: the owner's full rights).</summary>
    public string Roles { get; set; } = "";

    public long CreatedAt { get; set; }

    public long ExpiresAt { get; set; }

    public long? LastUsedAt { get; set; }

    public long? RevokedAt { get; set; }
}

internal sealed class AccountRecordConfiguration : IEntityTypeConfiguration<AccountRecord>
{
    public void Configure(EntityTypeBuilder<AccountRecord> builder)
    {
        builder.ToTable("Accounts");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Name).HasMaxLength(128).IsRequired();
        builder.Property(e => e.NormalizedName).HasMaxLength(128).IsRequired();
        builder.HasIndex(e => e.NormalizedName).IsUnique();
        builder.Property(e => e.DisplayName).HasMaxLength(256);
        builder.Property(e => e.Groups).HasMaxLength(4096);
        builder.Property(e => e.PasswordHash).HasMaxLength(512);
        builder.Property(e => e.SecurityStamp).HasMaxLength(64);
        builder.Property(e => e.UpdatedBy).HasMaxLength(256);
    }
}

internal sealed class AuthSessionRecordConfiguration : IEntityTypeConfiguration<AuthSessionRecord>
{
    public void Configure(EntityTypeBuilder<AuthSessionRecord> builder)
    {
        builder.ToTable("AuthSessions");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).HasMaxLength(64);
        builder.Property(e => e.UserName).HasMaxLength(256).IsRequired();
        builder.Property(e => e.NormalizedUserName).HasMaxLength(256).IsRequired();
        builder.HasIndex(e => e.NormalizedUserName);
        builder.Property(e => e.Provider).HasMaxLength(32);
        builder.Property(e => e.Groups).HasMaxLength(8192);
        builder.Property(e => e.SecurityStamp).HasMaxLength(64);
        builder.Property(e => e.RemoteAddress).HasMaxLength(64);
        builder.Property(e => e.RevokedReason).HasMaxLength(64);
    }
}

internal sealed class ApiTokenRecordConfiguration : IEntityTypeConfiguration<ApiTokenRecord>
{
    public void Configure(EntityTypeBuilder<ApiTokenRecord> builder)
    {
        builder.ToTable("ApiTokens");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.UserName).HasMaxLength(256).IsRequired();
        builder.Property(e => e.NormalizedUserName).HasMaxLength(256).IsRequired();
        builder.HasIndex(e => e.NormalizedUserName);
        builder.Property(e => e.Provider).HasMaxLength(32);
        builder.Property(e => e.Groups).HasMaxLength(8192);
        builder.Property(e => e.Name).HasMaxLength(128).IsRequired();
        builder.Property(e => e.Prefix).HasMaxLength(16);
        builder.Property(e => e.Hash).HasMaxLength(64).IsRequired();
        builder.HasIndex(e => e.Hash).IsUnique();
        builder.Property(e => e.Roles).HasMaxLength(1024);
    }
}
