using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace ZkDashboard.Web.Auth.External;

/// <summary>Names of the OpenID Connect sign-in.</summary>
public static class OidcDefaults
{
    /// <summary>The authentication scheme.</summary>
    public const string Scheme = "oidc";

    /// <summary>The <c>zkd:provider</c> value.</summary>
    public const string Provider = "oidc";

    /// <summary>The endpoint the login page's "Sign in with …" button links to (<c>?returnUrl=/local/path</c>).</summary>
    public const string ChallengePath = "/login/oidc";

    /// <summary>Where a failed sign-in at the provider lands, with <c>?error=message</c>.</summary>
    public const string FailurePath = "/login";
}

/// <summary>Registers OpenID Connect sign-in and maps its challenge endpoint.</summary>
public static partial class OidcSignIn
{
    /// <summary>
    /// When <c>ZkDashboard:Auth:Oidc:Authority</c> is set: the "oidc" scheme (code flow with PKCE, query response mode,
    /// signs into the "Cookies" scheme). Its principal carries <see cref="ClaimTypes.Name"/> from the configured claim,
    /// one <see cref="ZkClaimTypes.Group"/> per value of the groups claim and <c>zkd:provider=oidc</c>.
    /// Bad settings fail start-up naming the setting.
    /// </summary>
    public static IServiceCollection AddZkOidc(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(OidcOptions.Section);
        var settings = section.Get<OidcOptions>();
        if (settings is null || !settings.IsConfigured)
        {
            return services;
        }

        services.AddOptions<OidcOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OidcOptions>, Validator>();
        services.AddAuthentication().AddOpenIdConnect(OidcDefaults.Scheme, settings.DisplayName, _ => { });
        services.AddOptions<OpenIdConnectOptions>(OidcDefaults.Scheme).Configure<IOptions<OidcOptions>>((o, oidc) => Configure(o, oidc.Value));
        return services;
    }

    /// <summary>Maps <see cref="OidcDefaults.ChallengePath"/> when OpenID Connect is configured.</summary>
    public static IEndpointRouteBuilder MapZkOidc(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<IOptions<OidcOptions>>()?.Value is not { IsConfigured: true })
        {
            return endpoints;
        }

        endpoints.MapGet(OidcDefaults.ChallengePath, (string? returnUrl) =>
            Results.Challenge(new AuthenticationProperties { RedirectUri = LocalReturnUrl(returnUrl) }, [OidcDefaults.Scheme]))
            .AllowAnonymous()
            .DisableAntiforgery();
        return endpoints;
    }

    /// <summary>A return URL that stays on this site: a path starting with a single '/', else "/".</summary>
    public static string LocalReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal)
            && !url.StartsWith("/\\", StringComparison.Ordinal) && !url.Any(char.IsControl)
            ? url
            : "/";

    private static void Configure(OpenIdConnectOptions o, OidcOptions settings)
    {
        o.Authority = settings.Authority;
        o.ClientId = settings.ClientId;
        o.ClientSecret = string.IsNullOrEmpty(settings.ClientSecret) ? null : settings.ClientSecret;
        o.RequireHttpsMetadata = settings.RequireHttpsMetadata;
        o.CallbackPath = settings.CallbackPath;
        o.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
        o.ResponseType = OpenIdConnectResponseType.Code;
        o.UsePkce = true;
        // The code comes back as a top-level GET: SameSite=Lax correlation and nonce cookies reach the callback whether
        // or not the provider is on the same site, and without https on loopback.
        o.ResponseMode = OpenIdConnectResponseMode.Query;
        o.CorrelationCookie.SameSite = SameSiteMode.Lax;
        o.NonceCookie.SameSite = SameSiteMode.Lax;
        o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.MapInboundClaims = false;
        o.SaveTokens = false;
        o.GetClaimsFromUserInfoEndpoint = false;
        o.Scope.Clear();
        foreach (var scope in settings.EffectiveScopes)
        {
            o.Scope.Add(scope);
        }

        o.TokenValidationParameters.NameClaimType = ClaimTypes.Name;
        o.Events = new OpenIdConnectEvents
        {
            OnTokenValidated = context =>
            {
                var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcSignIn));
                var principal = ToDashboardPrincipal(context.Principal!, settings, out var error);
                if (principal is null)
                {
                    LogRejected(logger, error!);
                    context.Fail(error!);
                    return Task.CompletedTask;
                }

                context.Principal = principal;
                return Task.CompletedTask;
            },
            OnRemoteFailure = context =>
            {
                var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcSignIn));
                LogFailed(logger, context.Failure, settings.DisplayName);
                var message = $"Sign-in with {settings.DisplayName} did not complete; try again or sign in with a local account.";
                context.Response.Redirect($"{OidcDefaults.FailurePath}?error={Uri.EscapeDataString(message)}");
                context.HandleResponse();
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>The dashboard's principal for a validated id token's claims, or null with the reason.</summary>
    public static ClaimsPrincipal? ToDashboardPrincipal(ClaimsPrincipal token, OidcOptions settings, out string? error)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(settings);
        var name = token.FindFirst(settings.NameClaim)?.Value;
        if (string.IsNullOrWhiteSpace(name))
        {
            error = $"The provider's token has no \"{settings.NameClaim}\" claim; set {OidcOptions.Section}:NameClaim to one it sends (preferred_username, email or sub).";
            return null;
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, name),
            new(ZkClaimTypes.Provider, OidcDefaults.Provider),
        };
        if (token.FindFirst("sub")?.Value is { Length: > 0 } subject)
        {
            claims.Add(new Claim(ClaimTypes.NameIdentifier, subject));
        }

        if (token.FindFirst("name")?.Value is { Length: > 0 } display)
        {
            claims.Add(new Claim(ClaimTypes.GivenName, display));
        }

        if (token.FindFirst("email")?.Value is { Length: > 0 } email)
        {
            claims.Add(new Claim(ClaimTypes.Email, email));
        }

        claims.AddRange(token.FindAll(settings.GroupsClaim)
            .Select(c => c.Value.Trim())
            .Where(g => g.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .Select(g => new Claim(ZkClaimTypes.Group, g)));
        error = null;
        return new ClaimsPrincipal(new ClaimsIdentity(claims, OidcDefaults.Scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "OpenID Connect sign-in refused: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OpenID Connect sign-in with {Provider} failed.")]
    private static partial void LogFailed(ILogger logger, Exception? exception, string provider);

    private sealed class Validator : IValidateOptions<OidcOptions>
    {
        public ValidateOptionsResult Validate(string? name, OidcOptions options)
        {
            var errors = options.Validate();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
