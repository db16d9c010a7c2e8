using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ZkDashboard.Core.Insights;

public static class InsightsServiceCollectionExtensions
{
    /// <summary>Registers <see cref="ISessionInsights"/> (sessions and their ephemerals) and <see cref="Recipes.IRecipeInsights"/> (recipe layouts). Needs AddZkDashboardSessions and AddZkDashboardHealth.</summary>
    public static IServiceCollection AddZkDashboardInsights(this IServiceCollection services)
    {
        services.TryAddSingleton<ISessionInsights, SessionInsights>();
        services.TryAddSingleton<Recipes.IRecipeInsights, Recipes.RecipeInsights>();
        return services;
    }
}
