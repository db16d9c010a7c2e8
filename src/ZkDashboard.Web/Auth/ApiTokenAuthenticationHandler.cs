using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Accounts;
using ZkDashboard.Web.Hubs;

namespace ZkDashboard.Web.Auth;

/// <summary>
/// <c>Authorization: Bearer zkd_…</c> (personal API tokens) for the REST API and the hub; on the hub path only,
/// also the <c>access_token</c> query parameter (browsers' WebSocket API cannot set headers).
/// </summary>
public sealed class ApiTokenAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
    UrlEncoder encoder, IApiTokenService tokens, IAuditSink audit, TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme's name.</summary>
    public const string SchemeName = "ApiToken";

    /// <summary>The token in the request, or null.</summary>
    public static string? FindToken(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }
        if (request.Path.StartsWithSegments(ZkHub.Route, StringComparison.OrdinalIgnoreCase)
            && request.Query.TryGetValue("access_token", out var q) && q.ToString() is { Length: > 0 } token)
        {
            return token;
        }
        return null;
    }

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = FindToken(Request);
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }
        var identity = await tokens.ValidateAsync(token, Context.RequestAborted).ConfigureAwait(false);
        if (identity is null)
        {
            return AuthenticateResult.Fail("The API token is unknown, revoked or expired.");
        }
        // The owner's provider stays on the principal so bindings restricted to a provider apply to the owner's tokens;
        // the role scope (always present on a token) marks it as a token and limits it.
        var principal = ZkPrincipals.ForSignIn(identity.UserName, identity.OwnerProvider, identity.Groups, null, SchemeName);
        var claims = (ClaimsIdentity)principal.Identity!;
        claims.AddClaims(identity.Roles.Select(r => new Claim(ZkClaimTypes.RoleScope, r)));
        claims.AddClaim(new Claim("zkd:token-id", identity.TokenId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (identity.FirstUseToday)
        {
            await AuthAudit.RecordAsync(audit, clock, Context, principal, "TokenUsed", AuditOutcome.Succeeded,
                $"API token '{identity.TokenName}' (id {identity.TokenId}) used (first use today)").ConfigureAwait(false);
        }
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <inheritdoc />
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        AuthPaths.KeepStatusCode(Context);
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
