namespace ZkDashboard.Web.Auth;

/// <summary>The sign-in middleware, in order.</summary>
public static class AuthApplicationExtensions
{
    /// <summary>Security headers and Origin check, the login rate limiter, authentication, authorization (before antiforgery).</summary>
    public static WebApplication UseZkDashboardAuth(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseZkSecurity();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
