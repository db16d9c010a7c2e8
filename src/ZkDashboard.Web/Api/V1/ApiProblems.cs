using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Jobs;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Sessions;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Api.V1;

/// <summary>
/// The problem types of the REST API (RFC 9457 <c>type</c> URIs) and the mapping of the Core boundary's exceptions to
/// ProblemDetails. Every error of <c>/api/v1</c> is one of these; the OpenAPI document lists them.
/// </summary>
public static class ApiProblems
{
    /// <summary>Prefix of every problem type.</summary>
    public const string TypePrefix = "https://zkdashboard/problems/";

    /// <summary>401: no credentials, or an unknown, revoked or expired API token.</summary>
    public const string Unauthenticated = TypePrefix + "unauthenticated";
    /// <summary>403: the dashboard's access policy refused (names the action needed).</summary>
    public const string AccessDenied = TypePrefix + "access-denied";
    /// <summary>403: ZooKeeper refused the dashboard session's credentials (NoAuth), with the node's ACL.</summary>
    public const string ZooKeeperNoAuth = TypePrefix + "zookeeper-no-auth";
    /// <summary>403: writes to a read-only ensemble.</summary>
    public const string ReadOnlyEnsemble = TypePrefix + "read-only-ensemble";
    /// <summary>400: a cookie request that changes something came without a valid antiforgery token.</summary>
    public const string Antiforgery = TypePrefix + "antiforgery";
    /// <summary>400: bad input; <c>errors</c> names each field and what is allowed.</summary>
    public const string Validation = TypePrefix + "validation";
    /// <summary>413: node data over 1 MiB.</summary>
    public const string DataTooLarge = TypePrefix + "data-too-large";
    /// <summary>404: no such node.</summary>
    public const string NoNode = TypePrefix + "no-node";
    /// <summary>404: no such ensemble (or one the caller may not read).</summary>
    public const string UnknownEnsemble = TypePrefix + "unknown-ensemble";
    /// <summary>404: no such job (or forgotten).</summary>
    public const string UnknownJob = TypePrefix + "unknown-job";
    /// <summary>404: no such endpoint under /api/v1.</summary>
    public const string UnknownEndpoint = TypePrefix + "unknown-endpoint";
    /// <summary>403: a job of someone else.</summary>
    public const string JobAccessDenied = TypePrefix + "job-access-denied";
    /// <summary>412: the node is not at the version of <c>If-Match</c>; <c>currentVersion</c> says where it is.</summary>
    public const string VersionConflict = TypePrefix + "version-conflict";
    /// <summary>Applying a change request was refused: the node moved on since its base (rebase or reject).</summary>
    public const string ChangeConflict = TypePrefix + "change-conflict";
    /// <summary>A change request step that its state does not allow (self-approval, already decided…).</summary>
    public const string ChangeState = TypePrefix + "change-state";
    /// <summary>428: a write without <c>If-Match</c>.</summary>
    public const string PreconditionRequired = TypePrefix + "precondition-required";
    /// <summary>409: the node exists already.</summary>
    public const string NodeExists = TypePrefix + "node-exists";
    /// <summary>409: the node has children (delete with <c>?recursive=true</c>).</summary>
    public const string NotEmpty = TypePrefix + "not-empty";
    /// <summary>409: the paging cursor no longer finds its place (the children changed a lot); start again.</summary>
    public const string StaleCursor = TypePrefix + "stale-cursor";
    /// <summary>503 or 502: the connection was lost during a write and a re-read could not tell whether it was applied.</summary>
    public const string WriteOutcomeUnknown = TypePrefix + "write-outcome-unknown";
    /// <summary>503: the connection was lost during a write and a re-read shows it was NOT applied (nothing changed).</summary>
    public const string WriteNotApplied = TypePrefix + "write-not-applied";
    /// <summary>503: the ensemble cannot be reached (with the session's state and reason).</summary>
    public const string EnsembleUnavailable = TypePrefix + "ensemble-unavailable";
    /// <summary>429: too many requests for this token or user; see <c>Retry-After</c>.</summary>
    public const string RateLimited = TypePrefix + "rate-limited";
    /// <summary>429: too many bulk jobs running.</summary>
    public const string JobLimit = TypePrefix + "job-limit";
    /// <summary>502: any other ZooKeeper error, with its code.</summary>
    public const string ZooKeeperError = TypePrefix + "zookeeper-error";

    /// <summary>Every problem type with its status and meaning (for the OpenAPI description).</summary>
    public static IReadOnlyList<(string Type, int Status, string Meaning)> All { get; } =
    [
        (Unauthenticated, 401, "No credentials, or an unknown, revoked or expired API token. Send `Authorization: Bearer zkd_…`."),
        (AccessDenied, 403, "The access policy refused; `action` names the action needed, `detail` why and whom to ask."),
        (ZooKeeperNoAuth, 403, "ZooKeeper refused the dashboard session's credentials (NoAuth); `detail` names them and the node's ACL."),
        (ReadOnlyEnsemble, 403, "The ensemble is read-only (configured, or its server lost the quorum)."),
        (JobAccessDenied, 403, "Only the user who started a job and admins see and cancel it."),
        (Antiforgery, 400, "A browser (cookie) request that changes something needs the `RequestVerificationToken` header from `GET /api/v1/antiforgery`. Bearer requests need none."),
        (Validation, 400, "Bad input; `errors` maps each field to what is wrong and what is allowed."),
        (DataTooLarge, 413, "Node data over 1 MiB (ZooKeeper's jute.maxbuffer)."),
        (NoNode, 404, "No such node."),
        (UnknownEnsemble, 404, "No such ensemble, or one you may not read."),
        (UnknownJob, 404, "No such job (finished jobs are kept for a while only)."),
        (UnknownEndpoint, 404, "No such endpoint under /api/v1."),
        (VersionConflict, 412, "The node is not at the version of `If-Match`; `currentVersion` (and the ETag header) say where it is. Re-read, merge, retry."),
        (PreconditionRequired, 428, "Writes need `If-Match: \"<version>\"` (the ETag of GET) or `If-Match: *` for any version."),
        (NodeExists, 409, "The node exists already."),
        (NotEmpty, 409, "The node has children; delete with `?recursive=true` (a job)."),
        (StaleCursor, 409, "The children changed so much that the `after` cursor lost its place; start again without `after`."),
        (WriteOutcomeUnknown, 503, "The connection was lost during the write and a re-read could not tell whether it was applied (503: the ensemble is still unreachable; 502: the node changed in another way meanwhile). Re-read the node (GET) before retrying; never assume either outcome."),
        (WriteNotApplied, 503, "The connection was lost during the write; a re-read shows it was not applied. Nothing changed; retry."),
        (EnsembleUnavailable, 503, "The ensemble cannot be reached now; `state` and `detail` say why."),
        (RateLimited, 429, "Too many requests for this API token or user; wait `Retry-After` seconds."),
        (JobLimit, 429, "Too many bulk jobs are running; wait for one to finish or cancel one."),
        (ZooKeeperError, 502, "Another ZooKeeper error; `code` names it."),
    ];

    /// <summary>A problem result.</summary>
    public static IResult Problem(int status, string type, string title, string detail, IDictionary<string, object?>? extensions = null)
        => TypedResults.Problem(detail, null, status, title, type, extensions);

    /// <summary>A 400 naming <paramref name="field"/> and what is allowed.</summary>
    public static IResult Invalid(string field, string message)
        => TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Type = Validation,
            Title = "The request is not valid.",
            Status = StatusCodes.Status400BadRequest,
            Detail = $"{field}: {message}",
        });

    /// <summary>A 412 for a node not at the expected version, with the version it is at.</summary>
    public static IResult VersionConflictResult(HttpContext context, string path, int? expected, Stat? current)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (current is not null)
        {
            context.Response.Headers.ETag = NodeEndpoints.ETagFor(current.Version);
        }
        var detail = current is null
            ? $"{path} is not at version {expected} (and it could not be re-read). Re-read it with GET, then retry with its ETag."
            : $"{path} is at version {current.Version}, not {(expected is null ? "the expected one" : expected.ToString())}: someone changed it since you read it. Re-read it with GET, merge, and retry with If-Match: \"{current.Version}\".";
        return Problem(StatusCodes.Status412PreconditionFailed, VersionConflict, "The node changed since you read it.", detail,
            new Dictionary<string, object?> { ["path"] = path, ["expectedVersion"] = expected, ["currentVersion"] = current?.Version });
    }

    /// <summary>The problem for an exception of the Core boundary, or null for one that is a bug (rethrown: 500).</summary>
    public static IResult? FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            // Four-eyes: the write was not sent; it waits for someone else's approval (neither success nor failure).
            ZkDashboard.Core.Changes.ChangeRequestSubmittedException e => TypedResults.Json(
                new { status = "submittedForApproval", changeRequest = e.Request.Id, message = e.Message, location = $"/api/v1/changes/{e.Request.Id}" },
                statusCode: StatusCodes.Status202Accepted),
            ZkDashboard.Core.Changes.ChangeConflictException e => Problem(StatusCodes.Status409Conflict, ChangeConflict, "The node moved on since the request's base.", e.Message),
            ZkDashboard.Core.Changes.ChangeRequestStateException e => Problem(StatusCodes.Status409Conflict, ChangeState, "The change request cannot take this step.", e.Message),
            AccessDeniedException e => Problem(StatusCodes.Status403Forbidden, AccessDenied, "The access policy refused this.", e.Message,
                new Dictionary<string, object?>
                {
                    ["action"] = ActionFor(e.Operation.Kind),
                    ["ensemble"] = e.Operation.Ensemble,
                    ["path"] = e.Operation.Path,
                    ["reason"] = e.Reason,
                }),
            NodeAccessDeniedException e => Problem(StatusCodes.Status403Forbidden, ZooKeeperNoAuth, "ZooKeeper refused the dashboard's credentials.", e.Message,
                new Dictionary<string, object?> { ["path"] = e.Path, ["credentialsUsed"] = e.CredentialsUsed }),
            EnsembleReadOnlyException e => Problem(StatusCodes.Status403Forbidden, ReadOnlyEnsemble, "The ensemble is read-only.", e.Message,
                new Dictionary<string, object?> { ["ensemble"] = e.Ensemble }),
            UnknownEnsembleException e => Problem(StatusCodes.Status404NotFound, UnknownEnsemble, "No such ensemble.",
                $"There is no ensemble '{e.Ensemble}' that you may read. GET /api/v1/ensembles lists yours.",
                new Dictionary<string, object?> { ["ensemble"] = e.Ensemble }),
            NoNodeException e => Problem(StatusCodes.Status404NotFound, NoNode, "No such node.", e.Message,
                new Dictionary<string, object?> { ["path"] = e.Path }),
            NodeExistsException e => Problem(StatusCodes.Status409Conflict, NodeExists, "The node exists already.", e.Message,
                new Dictionary<string, object?> { ["path"] = e.Path }),
            NotEmptyException e => Problem(StatusCodes.Status409Conflict, NotEmpty, "The node has children.",
                $"{e.Path} has children. Delete them first, or delete the whole subtree with ?recursive=true (a job).",
                new Dictionary<string, object?> { ["path"] = e.Path }),
            WriteOutcomeUnknownException e => Problem(e.EnsembleUnreachable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status502BadGateway,
                WriteOutcomeUnknown, "The outcome of the write is unknown.", e.Message,
                new Dictionary<string, object?>
                {
                    ["path"] = e.Path,
                    ["ensembleUnreachable"] = e.EnsembleUnreachable,
                    ["whatToDo"] = "Re-read the node (GET) to see whether the write was applied before retrying; do not assume either outcome.",
                }),
            WriteNotAppliedException e => Problem(StatusCodes.Status503ServiceUnavailable, WriteNotApplied, "The write was not applied.", e.Message,
                new Dictionary<string, object?> { ["path"] = e.Path }),
            EnsembleUnavailableException e => Problem(StatusCodes.Status503ServiceUnavailable, EnsembleUnavailable, "The ensemble cannot be reached.", e.Message,
                new Dictionary<string, object?> { ["ensemble"] = e.Ensemble, ["state"] = e.State.ToString() }),
            BulkJobNotFoundException e => Problem(StatusCodes.Status404NotFound, UnknownJob, "No such job.", e.Message,
                new Dictionary<string, object?> { ["jobId"] = e.JobId }),
            BulkJobAccessDeniedException e => Problem(StatusCodes.Status403Forbidden, JobAccessDenied, "Not your job.", e.Message,
                new Dictionary<string, object?> { ["jobId"] = e.JobId }),
            BulkJobLimitException e => Problem(StatusCodes.Status429TooManyRequests, JobLimit, "Too many jobs are running.", e.Message),
            InvalidPathException e => Invalid("path", e.Message),
            DataTooLargeException e => Problem(StatusCodes.Status413PayloadTooLarge, DataTooLarge, "The data is too large.", e.Message,
                new Dictionary<string, object?> { ["field"] = "data", ["maxBytes"] = NodeEndpoints.MaxDataBytes }),
            BadVersionException e => Problem(StatusCodes.Status412PreconditionFailed, VersionConflict, "The node changed since you read it.", e.Message,
                new Dictionary<string, object?> { ["path"] = e.Path, ["expectedVersion"] = e.ExpectedVersion, ["currentVersion"] = e.ActualVersion }),
            InvalidAclException e => Invalid("acl", e.Message),
            AntiforgeryValidationException => AntiforgeryProblem(),
            ArgumentException e => Invalid(e.ParamName ?? "request", e.Message),
            ZooKeeperException e => Problem(StatusCodes.Status502BadGateway, ZooKeeperError, "ZooKeeper refused the request.", e.Message,
                new Dictionary<string, object?> { ["code"] = e.Code.ToString(), ["path"] = e.Path }),
            _ => null,
        };
    }

    /// <summary>The 400 for a cookie request without a valid antiforgery token.</summary>
    public static IResult AntiforgeryProblem()
        => Problem(StatusCodes.Status400BadRequest, Antiforgery, "Missing or invalid antiforgery token.",
            "A browser request (signed in by cookie) that changes something must carry the RequestVerificationToken header with the token "
            + "from GET /api/v1/antiforgery. Scripts should use an API token (Authorization: Bearer zkd_…) instead, which needs none.");

    /// <summary>The access action (as in the access settings) an operation kind needs.</summary>
    public static string ActionFor(ZkOperationKind kind) => kind switch
    {
        ZkOperationKind.Read => "read",
        ZkOperationKind.Create => "create",
        ZkOperationKind.SetData => "setData",
        ZkOperationKind.Delete => "delete",
        ZkOperationKind.DeleteRecursive => "deleteRecursive",
        ZkOperationKind.SetAcl => "setAcl",
        ZkOperationKind.Copy or ZkOperationKind.Move => "copyMove",
        ZkOperationKind.Watch => "watch",
        ZkOperationKind.FourLetterWord => "fourLetterWords",
        ZkOperationKind.Reconfig => "reconfig",
        ZkOperationKind.AcknowledgeAlert => "acknowledgeAlerts",
        ZkOperationKind.ManageEnsembles => "manageEnsembles",
        _ => "manageAccess",
    };
}
