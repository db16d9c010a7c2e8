namespace ZkDashboard.Web.Auth;

/// <summary>The sign-in pages and which requests are API calls (401/403 instead of a redirect to the login page).</summary>
public static class AuthPaths
{
    public const string Login = "/login";
    public const string Logout = "/logout";
    public const string Setup = "/setup";
    public const string AccessDenied = "/access-denied";

    /// <summary>True for the REST API, the hub and /metrics: they answer 401/403, never a login page.</summary>
    public static bool IsApiRequest(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.Path;
        return path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/hubs", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/_blazor", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>An API's 401/403 stays as it is (the status-code page re-execution would turn it into a login redirect).</summary>
    public static void KeepStatusCode(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages)
        {
            pages.Enabled = false;
        }
    }

    /// <summary>A local return URL ("/e/x/"), or "/" for anything that could leave the site.</summary>
    public static string SafeReturnUrl(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || !returnUrl.StartsWith('/') || returnUrl.StartsWith("//", StringComparison.Ordinal)
            || returnUrl.StartsWith("/\\", StringComparison.Ordinal) || returnUrl.Contains("://", StringComparison.Ordinal))
        {
            return "/";
        }
        return returnUrl;
    }
}
