using ZkDashboard.Core.Health;
using ZkDashboard.Web.Auth;

namespace ZkDashboard.Web.Api;

public static class AlertRulesEndpoints
{
    /// <summary>The path of the Prometheus alerting rules file.</summary>
    public const string PrometheusRulesPath = "/api/v1/alerts/prometheus-rules.yaml";

    /// <summary>
    /// Maps GET <see cref="PrometheusRulesPath"/>: the dashboard's alert rules with each ensemble's thresholds as a Prometheus rules
    /// file, for the ensembles the requesting user may read (checked and audited in Core by <see cref="PrometheusRulesExporter"/>).
    /// </summary>
    public static IEndpointConventionBuilder MapZkAlertRules(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapGet(PrometheusRulesPath, async (HttpContext context, PrometheusRulesExporter exporter, CancellationToken ct) =>
        {
            var yaml = await exporter.RenderAsync(ZkPrincipals.ToActingUser(context.User, context.Connection.RemoteIpAddress), ct).ConfigureAwait(false);
            context.Response.Headers.ContentDisposition = "inline; filename=\"zkdashboard-rules.yaml\"";
            return Results.Text(yaml, PrometheusRulesExporter.ContentType);
        }).WithName("ZkPrometheusRules").ExcludeFromDescription();
    }
}
