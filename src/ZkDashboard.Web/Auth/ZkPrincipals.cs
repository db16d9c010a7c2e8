using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Accounts;

namespace ZkDashboard.Web.Auth;

/// <summary>Builds sign-in principals and maps any principal (cookie, token, proxy) to Core's <see cref="ActingUser"/>.</summary>
public static class ZkPrincipals
{
    /// <summary>A principal for the cookie scheme: name, display name, provider and one claim per group.</summary>
    public static ClaimsPrincipal ForSignIn(string name, string provider, IEnumerable<string> groups, string? displayName = null,
        string authenticationType = CookieAuthenticationDefaults.AuthenticationScheme)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, name),
            new(ZkClaimTypes.Provider, provider),
        };
        if (!string.IsNullOrWhiteSpace(displayName) && displayName != name)
        {
            claims.Add(new Claim(ClaimTypes.GivenName, displayName));
        }
        claims.AddRange(groups.Distinct(StringComparer.OrdinalIgnoreCase).Select(g => new Claim(ZkClaimTypes.Group, g)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>
    /// The acting user for <paramref name="principal"/>: <see cref="ActingUser.Anonymous"/> (no rights) unless it is
    /// authenticated with a name. Groups from <c>zkd:group</c>, provider from <c>zkd:provider</c> (default local),
    /// token role scope from <c>zkd:role-scope</c>.
    /// </summary>
    public static ActingUser ToActingUser(ClaimsPrincipal? principal, IPAddress? remoteAddress) => ToActingUser(principal, remoteAddress, null, null);

    /// <summary>The acting user with the client's User-Agent and the request (or circuit) id, for the audit trail.</summary>
    public static ActingUser ToActingUser(ClaimsPrincipal? principal, IPAddress? remoteAddress, string? userAgent, string? requestId)
    {
        var address = remoteAddress is null ? null : (remoteAddress.IsIPv4MappedToIPv6 ? remoteAddress.MapToIPv4() : remoteAddress).ToString();
        var name = principal?.Identity is { IsAuthenticated: true } identity ? identity.Name : null;
        if (principal is null || string.IsNullOrEmpty(name))
        {
            return ActingUser.Anonymous;
        }
        var groups = principal.FindAll(ZkClaimTypes.Group).Select(c => c.Value).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        var provider = principal.FindFirst(ZkClaimTypes.Provider)?.Value is { Length: > 0 } p ? p : AccountNames.LocalProvider;
        var scope = principal.FindAll(ZkClaimTypes.RoleScope).Select(c => c.Value).ToArray();
        return new ActingUser(name, groups, address)
        {
            Provider = provider,
            RoleScope = scope.Length == 0 ? null : scope,
            UserAgent = string.IsNullOrEmpty(userAgent) ? null : userAgent,
            RequestId = string.IsNullOrEmpty(requestId) ? null : requestId,
        };
    }

    /// <summary>The acting user of an HTTP request (address, User-Agent and trace identifier included).</summary>
    public static ActingUser ToActingUser(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ToActingUser(context.User, context.Connection.RemoteIpAddress, context.Request.Headers.UserAgent.ToString(), context.TraceIdentifier);
    }

    /// <summary>The display name claim, or the user name.</summary>
    public static string DisplayName(ClaimsPrincipal principal) =>
        principal.FindFirst(ClaimTypes.GivenName)?.Value ?? principal.Identity?.Name ?? "";
}
