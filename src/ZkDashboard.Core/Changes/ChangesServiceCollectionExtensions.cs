using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ZkDashboard.Core.Changes;

/// <summary>Registration of four-eyes change requests.</summary>
public static class ChangesServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IChangeRequests"/> and its store (needs the dashboard store). With it, the operations boundary
    /// turns writes that need approval into change requests; without it, they are refused.
    /// </summary>
    public static IServiceCollection AddZkDashboardChanges(this IServiceCollection services)
    {
        services.TryAddSingleton<ChangeRequestStore>();
        services.TryAddSingleton<IChangeRequests, ChangeRequests>();
        return services;
    }
}
