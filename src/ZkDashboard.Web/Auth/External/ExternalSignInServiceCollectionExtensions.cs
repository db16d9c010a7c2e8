namespace ZkDashboard.Web.Auth.External;

/// <summary>Registers the external sign-in providers that are configured (each does nothing when its section is empty).</summary>
public static class ExternalSignInServiceCollectionExtensions
{
    /// <summary>LDAP bind (<c>ZkDashboard:Auth:Ldap</c>), OpenID Connect (<c>ZkDashboard:Auth:Oidc</c>) and trusted proxy
    /// headers (<c>ZkDashboard:Auth:Proxy</c>).</summary>
    public static IServiceCollection AddZkExternalSignIn(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddZkLdap(configuration);
        services.AddZkOidc(configuration);
        services.AddZkProxyHeaders(configuration);
        return services;
    }

    /// <summary>The endpoints of the configured providers (the OpenID Connect challenge, <c>/login/oidc</c>).</summary>
    public static IEndpointRouteBuilder MapZkExternalSignIn(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapZkOidc();
        return endpoints;
    }
}
