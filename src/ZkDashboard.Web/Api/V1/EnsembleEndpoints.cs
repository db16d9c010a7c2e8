using ZkDashboard.Core.Boundary;
using ZkDashboard.Core.Health;

namespace ZkDashboard.Web.Api.V1;

/// <summary>Ensembles, their health and alerts over HTTP, through <see cref="IUserEnsembles"/> and <see cref="IEnsembleHealthOperations"/>.</summary>
public static class EnsembleEndpoints
{
    internal static RouteGroupBuilder MapEnsembleEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/ensembles", async (HttpContext context, IUserEnsembles ensembles, CancellationToken ct) =>
            {
                var user = ApiV1.User(context);
                var list = await ensembles.ListAsync(user, ct).ConfigureAwait(false);
                var statuses = (await ensembles.GetStatusesAsync(user, ct).ConfigureAwait(false)).ToDictionary(s => s.Ensemble, StringComparer.OrdinalIgnoreCase);
                return TypedResults.Ok(list.Select(d => statuses.TryGetValue(d.Name, out var s)
                    ? new EnsembleResponse(d.Name, d.ReadOnly, s.State.ToString(), s.Error, s.ConnectedServer)
                    : new EnsembleResponse(d.Name, d.ReadOnly, "NotConnected", null, null)).ToList());
            })
            .WithName("ListEnsembles").WithTags("ensembles")
            .WithSummary("The ensembles you may read, with their session state")
            .ProducesProblem(401)
            .WithMetadata(new ApiExample("""[{"name":"sandbox","readOnly":false,"state":"Connected","error":null,"connectedServer":"127.0.0.1:33117"}]"""));
        api.MapGet("/ensembles/{e}/health", async (HttpContext context, string e, IUserEnsembles ensembles, IEnsembleHealthOperations health, CancellationToken ct) =>
            {
                var user = ApiV1.User(context);
                var snapshot = await health.GetHealthAsync(user, e, ct).ConfigureAwait(false);
                if (snapshot is null)
                {
                    await ensembles.RequireReadableAsync(user, e, ct).ConfigureAwait(false); // unknown: 404
                }
                return snapshot is null
                    ? ApiProblems.Problem(StatusCodes.Status503ServiceUnavailable, ApiProblems.EnsembleUnavailable, "No health snapshot yet.",
                        $"The health monitor has not polled '{e}' yet (every {health.PollInterval.TotalSeconds:0.#} s). Retry shortly.",
                        new Dictionary<string, object?> { ["ensemble"] = e })
                    : TypedResults.Ok(snapshot);
            })
            .WithName("GetEnsembleHealth").WithTags("ensembles")
            .WithSummary("The latest health snapshot: status and why, servers, leader, quorum, active alerts")
            .WithDescription("From the health monitor's four-letter-word polls (no ZooKeeper session). Needs read on the ensemble.")
            .Produces<EnsembleHealth>()
            .ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(503);
        api.MapGet("/ensembles/{e}/alerts", async (HttpContext context, string e, IEnsembleHealthOperations health, CancellationToken ct)
                => TypedResults.Ok(await health.GetAlertsAsync(ApiV1.User(context), e, ct).ConfigureAwait(false)))
            .WithName("GetEnsembleAlerts").WithTags("ensembles")
            .WithSummary("Active and resolved alerts, newest first")
            .Produces<IReadOnlyList<HealthAlert>>()
            .ProducesProblem(401).ProducesProblem(403).ProducesProblem(404)
            .WithMetadata(new ApiExample("""
                [{"id":7,"ensemble":"sandbox","server":"127.0.0.1:33117","kind":"ServerUnreachable","severity":"Critical",
                  "message":"127.0.0.1:33117 does not answer.","raisedAt":"2025-12-03T12:00:00+00:00","resolvedAt":null,
                  "lastSeenAt":"2025-12-03T12:00:05+00:00","isActive":true,"acknowledgedBy":null,"acknowledgedAt":null,"silencedUntil":null}]
                """));
        return api;
    }
}
