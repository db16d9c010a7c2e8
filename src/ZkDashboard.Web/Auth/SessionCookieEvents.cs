using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Accounts;

namespace ZkDashboard.Web.Auth;

/// <summary>
/// Ties the sign-in cookie to a server-side session. Every sign-in into the cookie scheme (local, LDAP, OIDC…) gets a
/// session row and the <c>zkd:sid</c> claim; every request checks that session (revoked, idle, expired, account
/// disabled or password changed), so a copy of a cookie replayed after logout is refused.
/// </summary>
public sealed class SessionCookieEvents(IAuthSessionStore sessions, IOptions<AuthOptions> options, TimeProvider clock, IAuditSink audit) : CookieAuthenticationEvents
{
    /// <inheritdoc />
    public override async Task SignedIn(CookieSignedInContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Every sign-in into the cookie scheme (local, LDAP, OIDC) is recorded here, once.
        await AuthAudit.RecordAsync(audit, clock, context.HttpContext, context.Principal, "Login", AuditOutcome.Succeeded,
            $"signed in ({context.Principal?.FindFirst(ZkClaimTypes.Provider)?.Value ?? AccountNames.LocalProvider})").ConfigureAwait(false);
        await base.SignedIn(context).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async Task SigningOut(CookieSigningOutContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.HttpContext.User.Identity is { IsAuthenticated: true })
        {
            await AuthAudit.RecordAsync(audit, clock, context.HttpContext, context.HttpContext.User, "Logout", AuditOutcome.Succeeded, "signed out").ConfigureAwait(false);
        }
        await base.SigningOut(context).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async Task SigningIn(CookieSigningInContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Principal?.Identity is not ClaimsIdentity identity || string.IsNullOrEmpty(identity.Name))
        {
            throw new InvalidOperationException("A sign-in into the cookie scheme needs a principal with a ClaimTypes.Name claim.");
        }
        foreach (var old in identity.FindAll(ZkClaimTypes.SessionId).ToList())
        {
            identity.RemoveClaim(old);
        }
        var provider = identity.FindFirst(ZkClaimTypes.Provider)?.Value;
        if (string.IsNullOrEmpty(provider))
        {
            provider = AccountNames.LocalProvider;
            identity.AddClaim(new Claim(ZkClaimTypes.Provider, provider));
        }
        var groups = identity.FindAll(ZkClaimTypes.Group).Select(c => c.Value);
        var address = context.HttpContext.Connection.RemoteIpAddress;
        var sid = await sessions.CreateAsync(identity.Name, provider, groups,
            address is null ? null : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString(),
            context.HttpContext.RequestAborted).ConfigureAwait(false);
        identity.AddClaim(new Claim(ZkClaimTypes.SessionId, sid));
        context.Properties.IsPersistent = false;
        context.Properties.IssuedUtc = clock.GetUtcNow();
        context.Properties.ExpiresUtc = clock.GetUtcNow() + options.Value.Cookie.AbsoluteLifetime;
        context.Properties.AllowRefresh = false;
        await base.SigningIn(context).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (IsOpenFile(context.HttpContext))
        {
            // Static files (scripts, styles, fonts) need nobody: no store round trip for each of them.
            return;
        }
        var sid = context.Principal?.FindFirst(ZkClaimTypes.SessionId)?.Value;
        var state = sid is null ? SessionState.Unknown
            : await sessions.ValidateAsync(sid, touch: true, context.HttpContext.RequestAborted).ConfigureAwait(false);
        if (state != SessionState.Valid)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
            return;
        }
        await base.ValidatePrincipal(context).ConfigureAwait(false);
    }

    private static bool IsOpenFile(HttpContext context) =>
        Path.HasExtension(context.Request.Path.Value)
        && context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null;

    /// <inheritdoc />
    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (AuthPaths.IsApiRequest(context.Request))
        {
            AuthPaths.KeepStatusCode(context.HttpContext);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Task.CompletedTask;
        }
        return base.RedirectToLogin(context);
    }

    /// <inheritdoc />
    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (AuthPaths.IsApiRequest(context.Request))
        {
            AuthPaths.KeepStatusCode(context.HttpContext);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }
        return base.RedirectToAccessDenied(context);
    }
}
