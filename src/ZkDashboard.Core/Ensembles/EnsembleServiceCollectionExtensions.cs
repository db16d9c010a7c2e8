using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Health;
using ZkDashboard.Core.Store;

namespace ZkDashboard.Core.Ensembles;

public static class EnsembleServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IEnsembleRegistry"/> bound to "ZkDashboard:Ensembles" (and "ZkDashboard:Registry"), plus the store
    /// when it is not registered yet. Digest passwords may come from environment variables
    /// (ZkDashboard__Ensembles__0__Digest__Password) or user secrets.
    /// </summary>
    public static IServiceCollection AddZkDashboardEnsembles(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!services.Any(s => s.ServiceType == typeof(IDashboardStore)))
        {
            services.AddZkDashboardStore(configuration);
        }
        services.AddOptions<EnsembleRegistryOptions>()
            .Bind(configuration.GetSection(EnsembleRegistryOptions.RegistrySection))
            .Configure(o => o.Ensembles = configuration.GetSection(EnsembleRegistryOptions.EnsemblesSection).Get<List<EnsembleConfigEntry>>() ?? []);
        services.TryAddSingleton<IFourLetterWordTransport, AdminFourLetterWordTransport>();
        services.TryAddSingleton(TimeProvider.System);
        // Defaults for hosts without AddZkDashboardAccess (tests of other parts); AddZkDashboardCore registers the real policy.
        services.TryAddSingleton<IAccessPolicy, AllowAllAccessPolicy>();
        services.TryAddSingleton<IAuditSink, LoggingAuditSink>();
        services.TryAddSingleton<IEnsembleRegistry, EnsembleRegistry>();
        services.AddHostedService<EnsembleRegistryInitializer>();
        return services;
    }
}

/// <summary>
/// Loads the ensemble registry (configuration and stored ensembles) asynchronously when the app starts, before the
/// first request, so no page render ever waits for the database.
/// </summary>
internal sealed class EnsembleRegistryInitializer(IEnsembleRegistry registry) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
        => registry is EnsembleRegistry r ? r.EnsureLoadedAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
