using Microsoft.AspNetCore.Mvc;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Changes;
using ZkDashboard.Web.Auth;

namespace ZkDashboard.Web.Api.V1;

/// <summary>
/// Four-eyes change requests over REST (<c>/api/v1/changes…</c>). Every call goes through <see cref="IChangeRequests"/> with
/// the caller as the acting user: access (read on the node; approveChanges to approve, reject or rebase someone else's),
/// the self-approval refusal and the audit are in Core. Errors are ProblemDetails: 400 bad input, 403 refused,
/// 404 unknown (or not visible), 409 wrong state or conflict (with the three-way data in <c>threeWay</c>).
/// A write through the API that needs approval is the API's to map (the boundary throws
/// <see cref="ChangeRequestSubmittedException"/>; answer 202 Accepted with <c>Location: /api/v1/changes/{id}</c>).
/// </summary>
public static class ChangesEndpoints
{
    /// <summary>The body of approve, reject and withdraw.</summary>
    public sealed record ChangeDecision(string? Comment);

    public static RouteGroupBuilder MapChanges(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var changes = api.MapGroup("/changes").WithTags("Changes");

        changes.MapGet("", (HttpContext http, IChangeRequests service, string? ensemble, string? path, string? state, int? limit, CancellationToken ct) => Run(async () =>
        {
            IReadOnlyCollection<ChangeRequestState>? states = state switch
            {
                null or "" or "all" => null,
                "open" => ChangeRequestStates.Open,
                _ when Enum.TryParse<ChangeRequestState>(state, ignoreCase: true, out var s) && Enum.IsDefined(s) => [s],
                _ => throw new ArgumentException($"Unknown state '{state}'; use open, all, or one of {string.Join(", ", Enum.GetNames<ChangeRequestState>()).ToLowerInvariant()}."),
            };
            return Results.Ok(await service.ListAsync(User(http), new ChangeRequestQuery
            {
                Ensemble = ensemble, Path = path, States = states, Limit = Math.Clamp(limit ?? 200, 1, 1000),
            }, ct).ConfigureAwait(false));
        })).WithName("ListChangeRequests").WithSummary("Change requests the caller may see, newest first (state: open, all, pending, conflict, applied…).");

        changes.MapGet("/{id:long}", async (HttpContext http, IChangeRequests service, long id, CancellationToken ct)
            => await service.GetAsync(User(http), id, ct).ConfigureAwait(false) is { } r ? Results.Ok(r) : NotFound(id))
            .WithName("GetChangeRequest");

        changes.MapGet("/{id:long}/three-way", (HttpContext http, IChangeRequests service, long id, CancellationToken ct)
            => Run(async () => Results.Ok(await service.GetThreeWayAsync(User(http), id, ct).ConfigureAwait(false))))
            .WithName("GetChangeRequestThreeWay").WithSummary("Base, the server's node now, and the proposal.");

        changes.MapPost("/{id:long}/approve", (HttpContext http, IChangeRequests service, long id, [FromBody] ChangeDecision? body, CancellationToken ct)
            => Run(async () => Results.Ok(await service.ApproveAsync(User(http), id, body?.Comment, ct).ConfigureAwait(false))))
            .WithName("ApproveChangeRequest").WithSummary("Approve and apply (a versioned write at the request's base version); never your own request.");

        changes.MapPost("/{id:long}/reject", (HttpContext http, IChangeRequests service, long id, [FromBody] ChangeDecision? body, CancellationToken ct)
            => Run(async () => Results.Ok(await service.RejectAsync(User(http), id, body?.Comment ?? "", ct).ConfigureAwait(false))))
            .WithName("RejectChangeRequest").WithSummary("Reject with a comment (required).");

        changes.MapPost("/{id:long}/withdraw", (HttpContext http, IChangeRequests service, long id, [FromBody] ChangeDecision? body, CancellationToken ct)
            => Run(async () => Results.Ok(await service.WithdrawAsync(User(http), id, body?.Comment, ct).ConfigureAwait(false))))
            .WithName("WithdrawChangeRequest").WithSummary("The author takes the request back.");

        changes.MapPost("/{id:long}/rebase", (HttpContext http, IChangeRequests service, long id, CancellationToken ct)
            => Run(async () =>
            {
                var next = await service.RebaseAsync(User(http), id, ct).ConfigureAwait(false);
                return Results.Created($"/api/v1/changes/{next.Id}", next);
            }))
            .WithName("RebaseChangeRequest").WithSummary("A new revision based on the server's current node (author or approver).");
        return api;
    }

    private static ActingUser User(HttpContext http) => ZkPrincipals.ToActingUser(http.User, http.Connection.RemoteIpAddress);

    private static IResult NotFound(long id)
        => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such change request", detail: $"There is no change request #{id} (or you may not see it).");

    private static async Task<IResult> Run(Func<Task<IResult>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (ChangeConflictException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The node moved on", detail: e.Message,
                extensions: new Dictionary<string, object?> { ["threeWay"] = e.ThreeWay });
        }
        catch (AccessDeniedException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Refused", detail: e.Reason);
        }
        catch (ChangeRequestStateException e)
        {
            return Results.Problem(statusCode: e.Message.StartsWith("There is no change request", StringComparison.Ordinal) ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict,
                title: "Change request", detail: e.Message);
        }
        catch (ArgumentException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad input", detail: e.Message);
        }
    }
}
