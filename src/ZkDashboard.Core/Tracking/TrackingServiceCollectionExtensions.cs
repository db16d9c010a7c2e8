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
    /// ensemble registry. Uses <see cref="Audit.IAuditTrail"/> when one is registered.
    /// </summary>
    public static IServiceCollection AddZkDashboardTracking(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TrackingOptions>().Bind(configuration.GetSection(TrackingOptions.SectionName))
            .Validate(o => { SubtreeTracker.Validate(o); return o.ContentCapBytes >= 0; }, "ZkDashboard:Tracking:ContentCapBytes must be 0 or more.")
            .ValidateOnStart();
        services.TryAddSingleton<SubtreeTracker>();
        services.TryAddSingleton<ISubtreeTracker>(sp => sp.GetRequiredService<SubtreeTracker>());
        services.AddHostedService(sp => sp.GetRequiredService<SubtreeTracker>());
        services.TryAddSingleton<INodeHistory, NodeHistoryService>();
        return services;
    }
}
