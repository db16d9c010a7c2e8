using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Boundary;
using ZkDashboard.Core.Cache;
using ZkDashboard.Core.Diagnostics;
using ZkDashboard.Core.Metrics;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Watches;

namespace ZkDashboard.Core.Sessions;

/// <summary>Registration of the sessions, watch fan-out, node cache and operations boundary.</summary>
public static class SessionsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IEnsembleSessions"/>, <see cref="IWatchFanout"/>, <see cref="INodeCache"/>,
    /// <see cref="IZooKeeperOperations"/> and <see cref="DashboardMetrics"/>, with settings from
    /// <c>ZkDashboard:Sessions</c>. Defaults that later issues replace (register yours before or after; the
    /// last registration wins for these): <see cref="IAccessPolicy"/> (allow all), <see cref="IAuditSink"/>
    /// (log), <see cref="ICreatedNodeRegistry"/> (in memory). Needs <c>IEnsembleRegistry</c>
    /// (<c>AddZkDashboardEnsembles</c>).
    /// </summary>
    public static IServiceCollection AddZkDashboardSessions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SessionOptions>().Bind(configuration.GetSection(SessionOptions.SectionName));
        services.AddLogging();
        services.TryAddSingleton<DashboardMetrics>();
        services.TryAddSingleton<EnsembleSessions>();
        services.TryAddSingleton<IEnsembleSessions>(sp => sp.GetRequiredService<EnsembleSessions>());
        services.TryAddSingleton<WatchFanout>();
        services.TryAddSingleton<IWatchFanout>(sp => sp.GetRequiredService<WatchFanout>());
        services.TryAddSingleton<NodeCache>();
        services.TryAddSingleton<INodeCache>(sp => sp.GetRequiredService<NodeCache>());
        services.TryAddSingleton<IZooKeeperOperations, ZooKeeperOperations>();
        services.TryAddSingleton<IAccessPolicy, AllowAllAccessPolicy>();
        services.TryAddSingleton<IAuditSink, LoggingAuditSink>();
        services.TryAddSingleton<ICreatedNodeRegistry, InMemoryCreatedNodeRegistry>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMetricsContributor, DashboardMetricsContributor>());
        services.AddZkDashboardBoundary();
        return services;
    }
}
