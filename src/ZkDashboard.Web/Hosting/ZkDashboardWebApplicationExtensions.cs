using Microsoft.Extensions.Options;
using ZkDashboard.Web.Auth;
using ZkDashboard.Web.Auth.External;
using ZkDashboard.Web.Components;

namespace ZkDashboard.Web.Hosting;

/// <summary>The web shell's middleware and endpoints.</summary>
public static class ZkDashboardWebApplicationExtensions
{
    /// <summary>Health endpoint path: 200 "Healthy" while the host runs (used by Docker's HEALTHCHECK).</summary>
    public const string HealthPath = "/healthz";

    /// <summary>Error handling, status code pages and antiforgery. Call before the Map… calls.</summary>
    public static WebApplication UseZkDashboardWeb(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }

        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        // Headers, Origin check, rate limiter, authentication and authorization come before antiforgery.
        app.UseZkDashboardAuth();
        app.UseAntiforgery();
        return app;
    }

    /// <summary>Maps /healthz, static assets (root wwwroot/, Radzen, blazor.web.js) and the Blazor components.</summary>
    public static WebApplication MapZkDashboardWeb(this WebApplication app)
    {
        app.MapHealthChecks(HealthPath).AllowAnonymous();
        app.MapStaticAssets().AllowAnonymous();
        app.MapZkExternalSignIn();
        var components = app.MapRazorComponents<App>()
            // Auth/SecurityMiddleware.cs sends the whole CSP, with frame-ancestors 'none' (stricter than Blazor's 'self').
            .AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
        if (app.Services.GetRequiredService<IOptions<ComponentAssemblyOptions>>().Value.Additional is { Count: > 0 } extra)
        {
            components.AddAdditionalAssemblies([.. extra]);
        }
        return app;
    }
}
