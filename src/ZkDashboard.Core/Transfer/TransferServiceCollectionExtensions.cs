using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ZkDashboard.Core.Transfer;

/// <summary>Registration of export, import and compare.</summary>
public static class TransferServiceCollectionExtensions
{
    /// <summary>Registers <see cref="ITransferService"/> (settings from <c>ZkDashboard:Transfer</c>). Needs sessions, access, audit and jobs.</summary>
    public static IServiceCollection AddZkDashboardTransfer(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TransferOptions>().Bind(configuration.GetSection(TransferOptions.SectionName));
        services.TryAddSingleton<ITransferService, TransferService>();
        services.AddOptions<BackupOptions>().Bind(configuration.GetSection(BackupOptions.SectionName));
        services.TryAddSingleton<ScheduledBackups>();
        services.AddHostedService(sp => sp.GetRequiredService<ScheduledBackups>());
        return services;
    }
}
