using Radzen;
using ZkDashboard.Web.Auth.External;
using ZkDashboard.Web.Components.Layout;
using ZkDashboard.Web.Components.Shared;

namespace ZkDashboard.Web.Hosting;

/// <summary>Registers the web shell: Blazor (interactive server), Radzen, health checks, shell options.</summary>
public static class ZkDashboardWebServiceCollectionExtensions
{
    /// <summary>Adds everything the Blazor Server host itself needs. Feature areas add their own Add… call next to this one.</summary>
    public static IServiceCollection AddZkDashboardWeb(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddRazorComponents()
            .AddInteractiveServerComponents(options =>
            {
                options.DetailedErrors = configuration.GetValue("DetailedErrors", false);
            })
            .AddHubOptions(hub =>
            {
                // The data editor sends a znode's whole text back to the server. SignalR's default of 32 KB would
                // drop the circuit on any node over about 32 KB; ZooKeeper allows 1 MiB (jute.maxbuffer), which
                // is up to ~4 MB once escaped into JSON.
                hub.MaximumReceiveMessageSize = configuration.GetValue("ZkDashboard:Web:MaxReceiveMessageBytes", 4L * 1024 * 1024);
            });
        services.AddRadzenComponents();
        services.AddHealthChecks();
        services.AddOptions<ShellOptions>().Configure(o =>
        {
            o.HeaderActions.Insert(0, typeof(Components.Layout.AlertBadge));
            o.HeaderActions.Add(typeof(JobsIndicator));
            o.HeaderActions.Add(typeof(Components.Layout.ChangesLink));
            o.HeaderActions.Insert(0, typeof(Components.Layout.TransferNav));
        });
        services.AddScoped<UnsavedEditsSignals>();
        services.AddZkExternalSignIn(configuration);
        services.AddOptions<ReconnectOptions>()
            .Bind(configuration.GetSection(ReconnectOptions.Section))
            .Validate(o => o.MaxRetries > 0 && o.RetryIntervalMilliseconds is null or >= 0,
                $"{ReconnectOptions.Section}: MaxRetries must be at least 1 and RetryIntervalMilliseconds 0 or more.")
            .ValidateOnStart();
        return services;
    }
}
