using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ZkDashboard.Web.Auth.External;

/// <summary>Registers LDAP sign-in.</summary>
public static class LdapServiceCollectionExtensions
{
    /// <summary>
    /// When <c>ZkDashboard:Auth:Ldap:Url</c> is set, adds <see cref="LdapPasswordAuthenticator"/> as an
    /// <see cref="IExternalPasswordAuthenticator"/> (the login form tries it after local accounts). Bad settings fail
    /// start-up with a message naming the setting. Without a Url it does nothing.
    /// </summary>
    public static IServiceCollection AddZkLdap(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(LdapOptions.Section);
        if (!section.Get<LdapOptions>()?.IsConfigured ?? true)
        {
            return services;
        }

        services.AddOptions<LdapOptions>()
            .Bind(section)
            .ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<LdapOptions>, LdapOptionsValidator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExternalPasswordAuthenticator, LdapPasswordAuthenticator>());
        return services;
    }

    private sealed class LdapOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<LdapOptions>
    {
        public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, LdapOptions options)
        {
            var errors = options.Validate();
            return errors.Count == 0
                ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
                : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(errors);
        }
    }
}
