using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ZkDashboard.Core.Tracking;

/// <summary>Registration of tracked subtrees and node history.</summary>
public static class TrackingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ISubtreeTracker"/> (a hosted service) and <see cref="INodeHistory"/>, with settings from
    /// <c>ZkDashboard:Tracking</c> (a bad glob there fails start-up naming it). Needs the store, the sessions and the
    /// ensemble registry. Uses <see cref="Audit.IAuditTrail"/> when one is registered. Also the retention sweep of the
    /// <c>NodeVersions</c> table (<see cref="TrackingOptions.RetentionDays"/>, a hosted service, audited through <see cref="Access.IAuditSink"/>).
    /// </summary>
    public static IServiceCollection AddZkDashboardTracking(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TrackingOptions>().Bind(configuration.GetSection(TrackingOptions.SectionName))
            .Validate(o => { SubtreeTracker.Validate(o); return o.ContentCapBytes >= 0; }, "ZkDashboard:Tracking:ContentCapBytes must be 0 or more.")
            .Validate(o => o.RetentionDays is null or >= 0 && o.RetentionRowsPerNode is null or >= 0 && o.RetentionInterval >= TimeSpan.Zero,
                "ZkDashboard:Tracking: RetentionDays and RetentionRowsPerNode must be 0 (no limit) or more, and RetentionInterval not negative (e.g. 01:00:00).")
            .ValidateOnStart();
        services.TryAddSingleton<SubtreeTracker>();
        services.TryAddSingleton<ISubtreeTracker>(sp => sp.GetRequiredService<SubtreeTracker>());
        services.AddHostedService(sp => sp.GetRequiredService<SubtreeTracker>());
        services.TryAddSingleton<INodeHistory, NodeHistoryService>();
        services.TryAddSingleton<NodeVersionRetention>();
        services.AddHostedService<NodeVersionRetentionService>();
        return services;
    }
}
