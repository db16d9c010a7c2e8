using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ZkDashboard.Core.Changes;

/// <summary>Registration of four-eyes change requests.</summary>
public static class ChangesServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IChangeRequests"/> and its store (needs the dashboard store). With it, the operations boundary
    /// turns writes that need approval into change requests; without it, they are refused. Also the recovery of requests
    /// stuck in <see cref="ChangeRequestState.Applying"/> (a hosted service), with settings from <c>ZkDashboard:Changes</c>
    /// (defaults when <paramref name="configuration"/> is null).
    /// </summary>
    public static IServiceCollection AddZkDashboardChanges(this IServiceCollection services, IConfiguration? configuration = null)
    {
        var options = services.AddOptions<ChangesOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(ChangesOptions.Section));
        }
        options.Validate(o => o.StuckApplyingAfter > TimeSpan.Zero && o.RecoveryInterval > TimeSpan.Zero,
            "ZkDashboard:Changes: StuckApplyingAfter and RecoveryInterval must be positive durations (e.g. 00:10:00 and 00:05:00).").ValidateOnStart();
        services.TryAddSingleton<ChangeRequestStore>();
        services.TryAddSingleton<IChangeRequests, ChangeRequests>();
        services.TryAddSingleton<ChangeRequestRecovery>();
        services.AddHostedService<ChangeRequestRecoveryService>();
        return services;
    }
}
