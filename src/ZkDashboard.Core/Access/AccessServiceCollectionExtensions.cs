using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ZkDashboard.Core.Access;

/// <summary>Registration of the access policy.</summary>
public static class AccessServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="AccessPolicy"/> as <see cref="IAccessPolicy"/> (replacing any earlier registration),
    /// <see cref="IAccessAdministration"/>, and a start-up check that fails the host with the bad entry's name when
    /// <c>ZkDashboard:Access</c> has an unknown role, a bad glob or a bad subject, and the poll that picks up stored
    /// bindings changed by another instance on the same store (<see cref="AccessOptions.ReloadInterval"/>).
    /// </summary>
    public static IServiceCollection AddZkDashboardAccess(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AccessOptions>().Bind(configuration.GetSection(AccessOptions.SectionName));
        services.TryAddSingleton<AccessPolicy>();
        services.RemoveAll<IAccessPolicy>();
        services.AddSingleton<IAccessPolicy>(sp => sp.GetRequiredService<AccessPolicy>());
        services.TryAddSingleton<IAccessAdministration, AccessAdministration>();
        services.AddHostedService<AccessStartupCheck>();
        services.AddHostedService<AccessReloadService>();
        return services;
    }

    private sealed class AccessStartupCheck(AccessPolicy policy) : IHostedService
    {
        // Resolving the policy compiled the settings (it throws AccessConfigurationException naming the entry).
        public Task StartAsync(CancellationToken cancellationToken) => Task.FromResult(policy.ConfigurationRules);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
