using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Metrics;

namespace ZkDashboard.Core.Health.Notifications;

public static class NotificationServiceCollectionExtensions
{
    /// <summary>
    /// Registers the alert notifier (<see cref="IAlertNotifications"/>, a hosted service) bound to "ZkDashboard:Health:Notifications",
    /// its /metrics counters, and <see cref="PrometheusRulesExporter"/>. Needs AddZkDashboardHealth.
    /// </summary>
    public static IServiceCollection AddZkDashboardNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection(NotificationOptions.Section));
        services.TryAddSingleton<IAccessPolicy, AllowAllAccessPolicy>();
        services.TryAddSingleton<IAuditSink, LoggingAuditSink>();
        if (!services.Any(s => s.ServiceType == typeof(AlertNotifier)))
        {
            services.AddSingleton<AlertNotifier>();
            services.AddSingleton<IAlertNotifications>(sp => sp.GetRequiredService<AlertNotifier>());
            services.AddHostedService(sp => sp.GetRequiredService<AlertNotifier>());
            services.AddSingleton<IMetricsContributor, NotificationMetricsContributor>();
        }
        services.TryAddSingleton<PrometheusRulesExporter>();
        return services;
    }
}
