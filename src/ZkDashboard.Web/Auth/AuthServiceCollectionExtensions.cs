using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Accounts;

namespace ZkDashboard.Web.Auth;

/// <summary>Which authentication scheme handles a request; other sign-in branches add selectors (e.g. trusted proxy).</summary>
public sealed class ZkAuthSchemeOptions
{
    /// <summary>Tried in order; the first non-null scheme name wins. Otherwise: API token when the request carries one,
    /// else the cookie.</summary>
    public IList<Func<HttpContext, string?>> Selectors { get; } = [];
}

/// <summary>Registration of sign-in: cookie + server-side sessions, API tokens, the circuit's user, authorization.</summary>
public static class AuthServiceCollectionExtensions
{
    /// <summary>The default (policy) scheme: forwards to the cookie, the API token or another registered scheme.</summary>
    public const string DefaultScheme = "ZkDashboard";

    /// <summary>Authorization policy for managing local accounts: the access policy's manageAccess on every ensemble (no API token).</summary>
    public const string ManageAccountsPolicy = "zkd:manage-accounts";

    /// <summary>The person may read the audit trail (readAudit on every ensemble; shows the Audit link).</summary>
    public const string ReadAuditPolicy = "zkd:read-audit";

    /// <summary>Adds authentication, authorization and the circuit's identity (needs AddZkDashboardCore).</summary>
    public static IServiceCollection AddZkDashboardAuth(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddZkDashboardAccounts(configuration);
        services.AddOptions<ZkAuthSchemeOptions>();
        services.AddOptions<HardeningOptions>().Bind(configuration.GetSection(HardeningOptions.Section));
        services.AddScoped<SessionCookieEvents>();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = DefaultScheme;
                o.DefaultChallengeScheme = DefaultScheme;
                o.DefaultForbidScheme = DefaultScheme;
                o.DefaultSignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultSignOutScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            })
            .AddPolicyScheme(DefaultScheme, "ZkDashboard", o => o.ForwardDefaultSelector = SelectScheme)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.LoginPath = AuthPaths.Login;
                o.LogoutPath = AuthPaths.Logout;
                o.AccessDeniedPath = AuthPaths.AccessDenied;
                o.ReturnUrlParameter = "returnUrl";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.SlidingExpiration = false;
                o.EventsType = typeof(SessionCookieEvents);
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((o, auth) =>
            {
                o.Cookie.Name = auth.Value.Cookie.Name;
                o.ExpireTimeSpan = auth.Value.Cookie.AbsoluteLifetime;
            });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(ManageAccountsPolicy, p => p.RequireAuthenticatedUser()
                .AddRequirements(new AccessActionRequirement(AccessAction.ManageAccess)))
            .AddPolicy(ReadAuditPolicy, p => p.RequireAuthenticatedUser()
                .AddRequirements(new AccessActionRequirement(AccessAction.ReadAudit)));
        services.AddScoped<IAuthorizationHandler, AccessActionRequirementHandler>();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, SessionRevalidatingAuthenticationStateProvider>();
        services.AddHttpContextAccessor();
        services.AddScoped<CircuitRemoteAddress>();
        services.AddScoped<ICurrentUser, CurrentUser>();
        services.AddScoped<CircuitHandler, RemoteAddressCircuitHandler>();
        services.AddScoped<LoginService>();
        services.AddZkLoginRateLimiter();
        services.AddZkDataProtectionAtRest(configuration);
        return services;
    }

    private static string SelectScheme(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<ZkAuthSchemeOptions>>().Value;
        foreach (var selector in options.Selectors)
        {
            if (selector(context) is { Length: > 0 } scheme)
            {
                return scheme;
            }
        }
        return ApiTokenAuthenticationHandler.FindToken(context.Request) is not null
            ? ApiTokenAuthenticationHandler.SchemeName
            : CookieAuthenticationDefaults.AuthenticationScheme;
    }
}
