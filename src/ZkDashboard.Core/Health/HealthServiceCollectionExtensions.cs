using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Metrics;

namespace ZkDashboard.Core.Health;

public static class HealthServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IHealthMonitor"/> (a hosted poller) bound to "ZkDashboard:Health", the /metrics exporter
    /// (<see cref="ZkMetricsExporter"/>; map it with <c>app.MapZkMetrics()</c>), plus the ensemble registry and store when missing.
    /// </summary>
    public static IServiceCollection AddZkDashboardHealth(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!services.Any(s => s.ServiceType == typeof(IEnsembleRegistry)))
        {
            services.AddZkDashboardEnsembles(configuration);
        }
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.Section));
        services.TryAddSingleton<IFourLetterWordTransport, AdminFourLetterWordTransport>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<HealthMonitor>();
        services.TryAddSingleton<IHealthMonitor>(sp => sp.GetRequiredService<HealthMonitor>());
        services.AddHostedService(sp => sp.GetRequiredService<HealthMonitor>());
        services.TryAddSingleton<HealthSeriesStore>();
        services.TryAddSingleton<IHealthSeriesStore>(sp => sp.GetRequiredService<HealthSeriesStore>());
        services.AddHostedService(sp => sp.GetRequiredService<HealthSeriesStore>());
        services.AddZkDashboardMetrics();
        return services;
    }

    /// <summary>Registers <see cref="IEnsembleHealthOperations"/>, the boundary pages use (needs the health monitor and the shared sessions).</summary>
    public static IServiceCollection AddZkDashboardHealthOperations(this IServiceCollection services)
    {
        services.TryAddSingleton<EnsembleHealthOperations>();
        services.TryAddSingleton<IEnsembleHealthOperations>(sp => sp.GetRequiredService<EnsembleHealthOperations>());
        return services;
    }
}
