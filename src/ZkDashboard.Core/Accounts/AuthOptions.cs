namespace ZkDashboard.Core.Accounts;

/// <summary>"ZkDashboard:Auth": local accounts, sessions, tokens (LDAP/OIDC/proxy have their own sub-sections).</summary>
public sealed class AuthOptions
{
    public const string Section = "ZkDashboard:Auth";

    public LocalAccountOptions Local { get; set; } = new();

    public SessionCookieOptions Cookie { get; set; } = new();

    public ApiTokenOptions Tokens { get; set; } = new();

    /// <summary>Checks the values; returns the problems, each naming its setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Local.MaxFailedAttempts < 1)
        {
            problems.Add($"{Section}:Local:MaxFailedAttempts must be at least 1.");
        }
        if (Local.LockoutDuration <= TimeSpan.Zero)
        {
            problems.Add($"{Section}:Local:LockoutDuration must be positive (e.g. 00:15:00).");
        }
        if (Local.MinPasswordLength < 8)
        {
            problems.Add($"{Section}:Local:MinPasswordLength must be at least 8.");
        }
        if (Cookie.IdleTimeout <= TimeSpan.Zero || Cookie.AbsoluteLifetime <= TimeSpan.Zero)
        {
            problems.Add($"{Section}:Cookie:IdleTimeout and AbsoluteLifetime must be positive.");
        }
        if (Cookie.RevalidationInterval <= TimeSpan.Zero || Cookie.RevalidationInterval > TimeSpan.FromMinutes(1))
        {
            problems.Add($"{Section}:Cookie:RevalidationInterval must be more than 0 and at most 00:01:00.");
        }
        if (Tokens.DefaultLifetime <= TimeSpan.Zero || Tokens.MaxLifetime < Tokens.DefaultLifetime)
        {
            problems.Add($"{Section}:Tokens:DefaultLifetime must be positive and not above MaxLifetime.");
        }
        if (Tokens.ValidationCacheTtl < TimeSpan.Zero || Tokens.ValidationCacheTtl > TimeSpan.FromMinutes(1))
        {
            problems.Add($"{Section}:Tokens:ValidationCacheTtl must be from 00:00:00 (off) to 00:01:00 (e.g. 00:00:10).");
        }
        return problems;
    }
}

/// <summary>"ZkDashboard:Auth:Local".</summary>
public sealed class LocalAccountOptions
{
    /// <summary>Failed sign-ins in a row before the account is locked.</summary>
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>How long a locked account refuses sign-in.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    public int MinPasswordLength { get; set; } = 10;

    /// <summary>Sign-in attempts (POST /login) per client address per minute (the framework's rate limiter).</summary>
    public int LoginAttemptsPerMinute { get; set; } = 20;
}

/// <summary>"ZkDashboard:Auth:Cookie": the sign-in cookie and its server-side session.</summary>
public sealed class SessionCookieOptions
{
    /// <summary>A session unused for this long is over.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A session is over this long after sign-in, used or not.</summary>
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How often open pages (circuits) re-check their session (at most one minute).</summary>
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The cookie's name.</summary>
    public string Name { get; set; } = "zkd.auth";
}

/// <summary>"ZkDashboard:Auth:Tokens": personal API tokens.</summary>
public sealed class ApiTokenOptions
{
    public TimeSpan DefaultLifetime { get; set; } = TimeSpan.FromDays(90);

    public TimeSpan MaxLifetime { get; set; } = TimeSpan.FromDays(366);

    /// <summary>How long a validated token is trusted without reading the store again (0 turns the cache off). A revoke,
    /// disable or group change made on another instance takes effect here within this time.</summary>
    public TimeSpan ValidationCacheTtl { get; set; } = TimeSpan.FromSeconds(10);
}
