using ZkDashboard.Core.Metrics;

namespace ZkDashboard.Web.Api;

public static class MetricsEndpoints
{
    /// <summary>Maps GET /metrics (Prometheus text format 0.0.4). Needs AddZkDashboardHealth (and AddZkDashboardMetrics, added when missing).</summary>
    public static IEndpointConventionBuilder MapZkMetrics(this IEndpointRouteBuilder endpoints, string pattern = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapGet(pattern, (HttpContext context) =>
        {
            var exporter = context.RequestServices.GetService<ZkMetricsExporter>()
                ?? ActivatorUtilities.CreateInstance<ZkMetricsExporter>(context.RequestServices);
            return Results.Text(exporter.Render(), PrometheusTextWriter.ContentType);
        }).WithName("ZkMetrics").ExcludeFromDescription();
    }
}
