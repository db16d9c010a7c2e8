using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ZkDashboard.Core.Metrics;

public static class MetricsServiceCollectionExtensions
{
    /// <summary>Registers <see cref="ZkMetricsExporter"/> (needs the health monitor: AddZkDashboardHealth). The dashboard's own figures come from the sessions registration (Diagnostics.DashboardMetricsContributor). Contributors: services.AddSingleton&lt;IMetricsContributor, X&gt;().</summary>
    public static IServiceCollection AddZkDashboardMetrics(this IServiceCollection services)
    {
        services.TryAddSingleton<ZkMetricsExporter>();
        return services;
    }
}
