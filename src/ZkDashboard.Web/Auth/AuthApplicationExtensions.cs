namespace ZkDashboard.Web.Auth;

/// <summary>The sign-in middleware, in order.</summary>
public static class AuthApplicationExtensions
{
    /// <summary>Security headers and Origin check, authentication, the rate limiter (login by address, the REST API by token
    /// or user: it needs the caller, so it runs after authentication), authorization (before antiforgery).</summary>
    public static WebApplication UseZkDashboardAuth(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseZkSecurity();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        return app;
    }
}
