using ZkDashboard.Core.Access;
using ZkDashboard.Core.Jobs;

namespace ZkDashboard.Web.Api.V1;

/// <summary>Jobs (recursive deletes, copies, moves) over HTTP, through <see cref="IBulkJobs"/>: only their owner and admins see and cancel them.</summary>
public static class JobEndpoints
{
    /// <summary>The URL of a job.</summary>
    public static string LocationOf(string id) => $"{ApiV1.Prefix}/jobs/{Uri.EscapeDataString(id)}";

    internal static RouteGroupBuilder MapJobEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/jobs", (HttpContext context, IBulkJobs jobs) => TypedResults.Ok(jobs.List(ApiV1.User(context)).Select(JobResponse.From).ToList()))
            .WithName("ListJobs").WithTags("jobs")
            .WithSummary("Your jobs (all of them for admins): running first, then finished, newest first")
            .ProducesProblem(401);
        api.MapGet("/jobs/{id}", (HttpContext context, string id, IBulkJobs jobs) => TypedResults.Ok(JobResponse.From(jobs.Get(ApiV1.User(context), id))))
            .WithName("GetJob").WithTags("jobs")
            .WithSummary("A job's state, progress and truthful result")
            .WithDescription("`state`: Running, Succeeded, Cancelled, Incomplete (some nodes failed; `result.failures`), Failed (`error`). `done` and `counted` say how far it got.")
            .ProducesProblem(401).ProducesProblem(403).ProducesProblem(404)
            .WithMetadata(new ApiExample("""
                {"id":"k3J9x","kind":"Delete","state":"Succeeded","owner":"admin","ensemble":"sandbox","path":"/demo/big","targetEnsemble":null,"targetPath":null,
                 "counted":10001,"done":10001,"failed":0,"cancelRequested":false,"summary":"Deleted 10,001 node(s) under and including /demo/big.",
                 "progress":{"phase":"deleting","done":10001,"total":10001,"currentPath":"/demo/big"},"error":null,
                 "startedAt":"2025-12-03T12:00:00+00:00","finishedAt":"2025-12-03T12:00:02+00:00","location":"/api/v1/jobs/k3J9x"}
                """));
        api.MapDelete("/jobs/{id}", (HttpContext context, string id, IBulkJobs jobs) =>
            {
                var job = jobs.Cancel(ApiV1.User(context), id);
                return job.IsRunning ? Results.Accepted(LocationOf(id), JobResponse.From(job)) : Results.Ok(JobResponse.From(job));
            })
            .WithName("CancelJob").WithTags("jobs")
            .WithSummary("Cancel a running job (it stops between batches)")
            .WithDescription("202 while it is stopping (`cancelRequested: true`; poll GET for the final result), 200 when it had finished already.")
            .Produces<JobResponse>(StatusCodes.Status202Accepted).Produces<JobResponse>()
            .ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    /// <summary>
    /// 202 with the job's Location once it has passed the boundary's checks (its first progress report), or the problem it
    /// was refused with (access policy, read-only ensemble, bad path: the job is recorded as failed, the refusal audited in Core).
    /// </summary>
    internal static async Task<IResult> StartedAsync(HttpContext context, IBulkJobs jobs, ActingUser user, BulkJobSnapshot started, CancellationToken ct)
    {
        var settled = new TaskCompletionSource<BulkJobSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (jobs.Subscribe(user, s =>
        {
            if (s.Id == started.Id && (s.Progress is not null || !s.IsRunning))
            {
                settled.TrySetResult(s);
            }
        }))
        {
            var now = jobs.Get(user, started.Id);
            if (now.Progress is not null || !now.IsRunning)
            {
                settled.TrySetResult(now);
            }
            var job = await settled.Task.WaitAsync(ct).ConfigureAwait(false);
            if (job.State == BulkJobState.Failed && job.Result is null && job.Exception is { } refused && ApiProblems.FromException(refused) is { } problem)
            {
                return problem;
            }
            context.Response.Headers.Location = LocationOf(job.Id);
            return TypedResults.Json(JobResponse.From(job), statusCode: StatusCodes.Status202Accepted);
        }
    }
}
