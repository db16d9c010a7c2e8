using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Accounts;

namespace ZkDashboard.Web.Auth;

/// <summary>
/// The circuit's user, re-checked every <see cref="SessionCookieOptions.RevalidationInterval"/> (at most a minute):
/// when the server-side session is revoked, idle, expired, or its account disabled or re-passworded, the circuit's
/// user becomes anonymous and the page shows that the person is signed out.
/// </summary>
public sealed class SessionRevalidatingAuthenticationStateProvider(ILoggerFactory loggerFactory, IAuthSessionStore sessions,
    IOptions<AuthOptions> options) : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    /// <inheritdoc />
    protected override TimeSpan RevalidationInterval => options.Value.Cookie.RevalidationInterval;

    /// <inheritdoc />
    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authenticationState);
        var user = authenticationState.User;
        if (user.Identity is not { IsAuthenticated: true })
        {
            return true;
        }
        var sid = user.FindFirst(ZkClaimTypes.SessionId)?.Value;
        if (sid is null)
        {
            // Per-request identities (trusted proxy headers) have no server-side session; their next request re-checks them.
            return user.Identity.AuthenticationType != Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationDefaults.AuthenticationScheme;
        }
        // The circuit counts as use of the session: a page left open keeps it from going idle.
        return await sessions.ValidateAsync(sid, touch: true, cancellationToken).ConfigureAwait(false) == SessionState.Valid;
    }
}

/// <summary>The circuit's user as a <see cref="ClaimsPrincipal"/>, read without blocking (null before it is known).</summary>
internal static class AuthenticationStates
{
    public static ClaimsPrincipal? TryGetUser(AuthenticationStateProvider provider)
    {
        try
        {
            var task = provider.GetAuthenticationStateAsync();
            return task.IsCompletedSuccessfully ? task.Result.User : null;
        }
        catch (InvalidOperationException)
        {
            // Not set yet (no request, no circuit): nobody.
            return null;
        }
    }
}
