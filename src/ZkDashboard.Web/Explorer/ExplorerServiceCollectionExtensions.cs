using ZkDashboard.Web.Auth;
using ZkDashboard.Web.Components.Shared;

namespace ZkDashboard.Web.Explorer;

/// <summary>Registers the explorer: the circuit's user, (the live ensemble switcher is the shell's default EnsembleSwitcher).</summary>
public static class ExplorerServiceCollectionExtensions
{
    /// <summary>Adds the explorer's services (called from <c>AddZkDashboardWeb</c>).</summary>
    public static IServiceCollection AddZkDashboardExplorer(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<ICurrentUser, CurrentUser>();
        services.AddScoped<UnsavedEditsSignals>();
        return services;
    }
}
