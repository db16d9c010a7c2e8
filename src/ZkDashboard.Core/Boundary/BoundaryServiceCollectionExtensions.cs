using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ZkDashboard.Core.Boundary;

/// <summary>Registration of the per-person forms of watches, cache, ensemble list and status.</summary>
public static class BoundaryServiceCollectionExtensions
{
    /// <summary>Registers <see cref="IUserWatches"/>, <see cref="IUserNodeCache"/> and <see cref="IUserEnsembles"/> (needs
    /// <c>AddZkDashboardSessions</c>; part of <c>AddZkDashboardSessions</c> itself).</summary>
    public static IServiceCollection AddZkDashboardBoundary(this IServiceCollection services)
    {
        services.TryAddSingleton<BoundaryGuard>();
        services.TryAddSingleton<IUserWatches, UserWatches>();
        services.TryAddSingleton<IUserNodeCache, UserNodeCache>();
        services.TryAddSingleton<IUserEnsembles, UserEnsembles>();
        return services;
    }
}
