namespace ZkDashboard.Web.Auth;

/// <summary>
/// Claim types every sign-in (local account, LDAP, OIDC, trusted proxy, API token) puts on the principal, so that
/// one mapping turns any of them into Core's <see cref="ZkDashboard.Core.Access.ActingUser"/>. The user name is
/// <see cref="System.Security.Claims.ClaimTypes.Name"/>.
/// </summary>
public static class ZkClaimTypes
{
    /// <summary>One claim per group the user is in.</summary>
    public const string Group = "zkd:group";

    /// <summary>Who vouched for the identity: local, ldap, oidc, proxy or token.</summary>
    public const string Provider = "zkd:provider";

    /// <summary>For an API token: one claim per role the token is limited to.</summary>
    public const string RoleScope = "zkd:role-scope";

    /// <summary>The server-side session id (revocable sessions).</summary>
    public const string SessionId = "zkd:sid";
}
