namespace ZkDashboard.Web.Auth.External;

/// <summary>Settings <c>ZkDashboard:Auth:Oidc</c>: sign-in with an OpenID Connect provider (authorization code + PKCE).</summary>
public sealed class OidcOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ZkDashboard:Auth:Oidc";

    /// <summary>The issuer, e.g. <c>https://login.example.org/realms/ops</c> (its <c>/.well-known/openid-configuration</c> is read).
    /// Setting it turns OpenID Connect sign-in on.</summary>
    public string? Authority { get; set; }

    /// <summary>The client id registered at the provider.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret (keep it out of appsettings.json: environment or a secret store); empty for a public client.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Scopes asked for; <c>openid</c> is always added.</summary>
    public IList<string> Scopes { get; } = [];

    /// <summary>The claim that holds the groups (or roles): e.g. <c>groups</c> (Keycloak, Okta, Dex), <c>roles</c> (Entra ID app roles).</summary>
    public string GroupsClaim { get; set; } = "groups";

    /// <summary>The claim that becomes the dashboard user name: <c>preferred_username</c>, <c>email</c> or <c>sub</c>.</summary>
    public string NameClaim { get; set; } = "preferred_username";

    /// <summary>The button text on the login page: "Sign in with {DisplayName}".</summary>
    public string DisplayName { get; set; } = "OpenID Connect";

    /// <summary>Require an https Authority (turn off only for a provider on loopback in tests or development).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The redirect URI's path registered at the provider.</summary>
    public string CallbackPath { get; set; } = "/signin-oidc";

    /// <summary>True when <see cref="Authority"/> is set.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Authority);

    /// <summary>The scopes actually requested (default <c>openid profile email</c>, with <c>openid</c> first).</summary>
    public IReadOnlyList<string> EffectiveScopes =>
        ["openid", .. (Scopes.Count == 0 ? ["profile", "email"] : Scopes).Where(s => !string.IsNullOrWhiteSpace(s) && s != "openid").Distinct(StringComparer.Ordinal)];

    /// <summary>What is wrong with these settings, one message per problem.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
        {
            errors.Add($"{Section}:Authority \"{Authority}\" is not an http(s) address; write the provider's issuer, e.g. https://login.example.org/realms/ops.");
        }
        else if (authority.Scheme == "http" && RequireHttpsMetadata)
        {
            errors.Add($"{Section}:Authority is http; use https, or set {Section}:RequireHttpsMetadata to false for a provider on loopback (tests, development).");
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            errors.Add($"{Section}:ClientId is empty; set the client id registered at the provider.");
        }

        if (string.IsNullOrWhiteSpace(GroupsClaim))
        {
            errors.Add($"{Section}:GroupsClaim is empty; name the claim that carries the groups (e.g. groups or roles).");
        }

        if (string.IsNullOrWhiteSpace(NameClaim))
        {
            errors.Add($"{Section}:NameClaim is empty; use preferred_username, email or sub.");
        }

        if (!CallbackPath.StartsWith('/'))
        {
            errors.Add($"{Section}:CallbackPath \"{CallbackPath}\" must start with '/'.");
        }

        return errors;
    }
}
