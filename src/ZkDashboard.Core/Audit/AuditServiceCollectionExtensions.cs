using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Access;

namespace ZkDashboard.Core.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>
    /// Registers the durable audit trail (<see cref="DbAuditTrail"/>) as <see cref="IAuditSink"/> and <see cref="IAuditTrail"/>
    /// (replacing the logging sink), bound to <c>ZkDashboard:Audit</c>, and the retention purge.
    /// </summary>
    public static IServiceCollection AddZkDashboardAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuditOptions>().Bind(configuration.GetSection(AuditOptions.Section)).Validate(o => o.ContentCapBytes >= 0 && o.ReadSampleEvery >= 1,
            "ZkDashboard:Audit: ContentCapBytes must be 0 or more and ReadSampleEvery 1 or more.");
        services.TryAddSingleton<DbAuditTrail>();
        services.RemoveAll<IAuditSink>();
        services.AddSingleton<IAuditSink>(sp => sp.GetRequiredService<DbAuditTrail>());
        services.TryAddSingleton<IAuditTrail>(sp => sp.GetRequiredService<DbAuditTrail>());
        services.AddHostedService<AuditRetentionService>();
        return services;
    }
}

/// <summary>Runs the retention purge every <see cref="AuditOptions.RetentionInterval"/> when a retention is configured.</summary>
internal sealed partial class AuditRetentionService(DbAuditTrail trail, IOptions<AuditOptions> options, ILogger<AuditRetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (o.RetentionDays is null && o.RetentionRows is null)
        {
            return;
        }
        using var timer = new PeriodicTimer(o.RetentionInterval > TimeSpan.Zero ? o.RetentionInterval : TimeSpan.FromHours(1));
        do
        {
            try
            {
                var purged = await trail.PurgeAsync(stoppingToken).ConfigureAwait(false);
                if (purged > 0)
                {
                    LogPurged(purged);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPurgeFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit retention purged {Count} record(s)")]
    private partial void LogPurged(long count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit retention failed; it runs again at the next interval")]
    private partial void LogPurgeFailed(Exception ex);
}
