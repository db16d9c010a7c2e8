using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ZkDashboard.Core.Jobs;

/// <summary>Registration of the bulk job service.</summary>
public static class JobsServiceCollectionExtensions
{
    /// <summary>Registers <see cref="IBulkJobs"/> with settings from <c>ZkDashboard:Jobs</c>. Needs <c>AddZkDashboardSessions</c>.</summary>
    public static IServiceCollection AddZkDashboardJobs(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<BulkJobOptions>().Bind(configuration.GetSection(BulkJobOptions.SectionName));
        services.AddLogging();
        services.TryAddSingleton<BulkJobs>(sp => new BulkJobs(
            sp.GetRequiredService<Operations.IZooKeeperOperations>(),
            sp.GetRequiredService<Access.IAccessPolicy>(),
            sp.GetRequiredService<Access.IAuditSink>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<BulkJobOptions>>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<BulkJobs>>()));
        services.TryAddSingleton<IBulkJobs>(sp => sp.GetRequiredService<BulkJobs>());
        return services;
    }
}
