namespace ZkDashboard.Web.Auth;

/// <summary>A person signed in by a provider other than local accounts (LDAP, OIDC, trusted proxy).</summary>
/// <param name="Provider">"ldap", "oidc" or "proxy".</param>
/// <param name="Name">The stable user name.</param>
/// <param name="Groups">Group names from the provider.</param>
/// <param name="DisplayName">A display name, when the provider gives one.</param>
public sealed record ExternalIdentity(string Provider, string Name, IReadOnlyList<string> Groups, string? DisplayName = null);

/// <summary>
/// Checks a user name and password against a directory (LDAP). The login form tries local accounts first, then each
/// registered authenticator.
/// </summary>
public interface IExternalPasswordAuthenticator
{
    /// <summary>Provider name, e.g. "ldap".</summary>
    string Provider { get; }

    /// <summary>The identity, or null when the user is unknown or the password is wrong (the caller never says which).
    /// Throws when the directory cannot be reached (the login page says so).</summary>
    Task<ExternalIdentity?> AuthenticateAsync(string userName, string password, CancellationToken ct);
}
