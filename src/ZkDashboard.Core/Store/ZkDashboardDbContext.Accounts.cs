using Microsoft.EntityFrameworkCore;
using ZkDashboard.Core.Accounts;

namespace ZkDashboard.Core.Store;

public partial class ZkDashboardDbContext
{
    /// <summary>Local accounts (sign-in with a password).</summary>
    public DbSet<AccountRecord> Accounts => Set<AccountRecord>();

    /// <summary>Server-side sign-in sessions (revocable).</summary>
    public DbSet<AuthSessionRecord> AuthSessions => Set<AuthSessionRecord>();

    /// <summary>Personal API tokens (hashed).</summary>
    public DbSet<ApiTokenRecord> ApiTokens => Set<ApiTokenRecord>();
}
