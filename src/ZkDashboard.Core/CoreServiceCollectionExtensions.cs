using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Audit;
using ZkDashboard.Core.Changes;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Health;
using ZkDashboard.Core.Jobs;
using ZkDashboard.Core.Health.Notifications;
using ZkDashboard.Core.Insights;
using ZkDashboard.Core.Metrics;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Store;
using ZkDashboard.Core.Transfer;
using ZkDashboard.Core.Tracking;

namespace ZkDashboard.Core;

/// <summary>The whole backend in one call: store, access policy, ensemble registry, shared sessions and watch fan-out, health monitor, metrics.</summary>
public static class CoreServiceCollectionExtensions
{
    /// <summary>Registers every Core service from the <c>ZkDashboard</c> configuration section.</summary>
    public static IServiceCollection AddZkDashboardCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddZkDashboardStore(configuration);
        services.AddZkDashboardAccess(configuration);
        services.AddZkDashboardEnsembles(configuration);
        services.AddZkDashboardSessions(configuration);
        services.AddZkDashboardChanges(configuration);
        services.AddZkDashboardUserSessions();
        services.AddZkDashboardJobs(configuration);
        services.AddZkDashboardTransfer(configuration);
        services.AddZkDashboardHealth(configuration);
        services.AddZkDashboardHealthOperations();
        services.AddZkDashboardNotifications(configuration);
        services.AddZkDashboardInsights();
        services.AddZkDashboardMetrics();
        services.AddZkDashboardAudit(configuration);
        services.AddZkDashboardTracking(configuration);
        return services;
    }
}
