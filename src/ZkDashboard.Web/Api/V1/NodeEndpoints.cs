using System.Globalization;
using ZkDashboard.Core.Jobs;
using ZkDashboard.Core.Operations;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Api.V1;

/// <summary>
/// Nodes over HTTP: read (data, stat, ACL; or a page of children), setData with If-Match, create, delete (recursive: a job),
/// setAcl, copy and move (jobs). Every call goes through <see cref="IZooKeeperOperations"/> / <see cref="IBulkJobs"/> with the
/// acting user: the access policy and the audit log are there.
/// </summary>
public static partial class NodeEndpoints
{
    /// <summary>Most bytes of node data (ZooKeeper's jute.maxbuffer default, 1 MiB).</summary>
    public const int MaxDataBytes = 1024 * 1024;

    /// <summary>URL segments before <c>{path}</c> in <c>/api/v1/ensembles/{e}/nodes/{path}</c> (and <c>acl/</c>, <c>events/</c>).</summary>
    internal const int SegmentsBeforePath = 5;

    private const string NodeRoute = "/ensembles/{e}/nodes/{**path}";

    /// <summary>The strong ETag of a data version: <c>"3"</c>.</summary>
    public static string ETagFor(int version) => "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"";

    internal static RouteGroupBuilder MapNodeEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet(NodeRoute, GetAsync).WithName("GetNode").WithTags("nodes")
            .WithSummary("Read a node (data, stat, ACL) or a page of its children")
            .WithDescription("""
                Returns the node's data (`encoding`: `utf8` when the bytes are valid UTF-8, else `base64`; force base64 with `?encoding=base64`),
                its stat, its ACL and, when the dashboard created it, its mode. `ETag: "<dataVersion>"`; `If-None-Match` with it answers 304.
                With `?children=true`: a page of children instead (`limit` 1–10000, default 100; `sort` name|sequence|mtime|size|childCount;
                `desc=true`; `after` = the `next` of the previous page). Needs read (data: readData).
                """)
            .Produces<NodeResponse>().Produces<ChildrenResponse>()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(503)
            .WithMetadata(new ApiExample("""
                {"ensemble":"sandbox","path":"/configs/checkout","data":"{\"retries\":3}","encoding":"utf8","dataHidden":null,
                 "stat":{"czxid":4294967310,"mzxid":4294967310,"pzxid":4294967311,"ctime":1764763200000,"mtime":1764763200000,
                 "created":"2025-12-03T12:00:00+00:00","modified":"2025-12-03T12:00:00+00:00","version":0,"cversion":1,"aversion":0,
                 "ephemeralOwner":0,"dataLength":13,"numChildren":1},
                 "acl":[{"scheme":"world","id":"anyone","perms":"cdrwa"}],"aclError":null,"mode":null,"ttlMs":null}
                """));
        api.MapPut(NodeRoute, SetDataAsync).WithName("SetNodeData").WithTags("nodes")
            .WithSummary("Set a node's data (If-Match required)")
            .WithDescription("""
                The body is the new data: raw bytes for any content type but JSON, or `{"data": "...", "encoding": "utf8|base64"}` as
                `application/json`. At most 1 MiB. `If-Match: "<version>"` (the ETag of GET) or `If-Match: *`; without it 428. A node at another
                version: 412 with `currentVersion`. Needs setData.
                """)
            .Produces<WriteResponse>()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(412).ProducesProblem(413)
            .ProducesProblem(428).ProducesProblem(502).ProducesProblem(503)
            .WithMetadata(new ApiExample("""{"path":"/configs/checkout","stat":{"version":1,"dataLength":13},"confirmedAfterConnectionLoss":false}""",
                """{"data":"{\"retries\":4}","encoding":"utf8"}""") { RequestType = typeof(SetDataRequest), RawBody = true });
        api.MapPost(NodeRoute, CreateAsync).WithName("CreateNode").WithTags("nodes")
            .WithSummary("Create a node")
            .WithDescription("""
                `mode`: `persistent` (default), `persistentSequential`, `container`, `ttl` (needs `ttlMs` and TTL nodes enabled on the servers),
                `persistentSequentialTtl`. Ephemeral modes are refused over HTTP: the node would belong to the dashboard's shared session, not to your
                request, and vanish when that session ends — use a TTL node. `acl` defaults to world:anyone:cdrwa; `makeParents` creates missing
                parents (persistent, empty, with the ACL of the nearest existing ancestor; each one audited). 201 with Location (the actual name for sequential modes). Needs create.
                """)
            .Produces<WriteResponse>(StatusCodes.Status201Created)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413)
            .ProducesProblem(502).ProducesProblem(503)
            .WithMetadata(new ApiExample("""{"path":"/demo/queue/orders/item-0000000042","stat":{"version":0},"confirmedAfterConnectionLoss":false}""",
                """{"data":"hello","encoding":"utf8","mode":"persistentSequential","acl":[{"scheme":"world","id":"anyone","perms":"cdrwa"}],"makeParents":true}""") { RequestType = typeof(CreateNodeBody) });
        api.MapDelete(NodeRoute, DeleteAsync).WithName("DeleteNode").WithTags("nodes")
            .WithSummary("Delete a node, or a subtree as a job (If-Match required)")
            .WithDescription("""
                `If-Match: "<version>"` or `*`. 204 when deleted. `?recursive=true` deletes the subtree as a server-side job (counted, in multi batches,
                cancellable): 202 with `Location: /api/v1/jobs/{id}`; its If-Match is checked against the root before the job starts. Needs delete
                (recursive: deleteRecursive).
                """)
            .Produces(StatusCodes.Status204NoContent).Produces<JobResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(412)
            .ProducesProblem(428).ProducesProblem(429).ProducesProblem(502).ProducesProblem(503);
        api.MapPut("/ensembles/{e}/acl/{**path}", SetAclAsync).WithName("SetNodeAcl").WithTags("nodes")
            .WithSummary("Set a node's ACL")
            .WithDescription("`aclVersion` is the stat's `aversion` the new ACL replaces (-1: any version, explicitly); another version: 412 with `currentVersion`. Needs setAcl.")
            .Produces<WriteResponse>()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(412).ProducesProblem(502).ProducesProblem(503)
            .WithMetadata(new ApiExample("""{"path":"/configs/checkout","stat":{"aversion":1},"confirmedAfterConnectionLoss":false}""",
                """{"acl":[{"scheme":"world","id":"anyone","perms":"r"},{"scheme":"digest","id":"admin:x1nq8J1b4ZHK0Ck0wYbpKAsCnCA=","perms":"cdrwa"}],"aclVersion":0}""") { RequestType = typeof(SetAclBody) });
        api.MapPost("/ensembles/{e}/copy", (HttpContext c, string e, IZooKeeperOperations o, IBulkJobs j, CancellationToken ct) => CopyAsync(c, e, false, o, j, ct))
            .WithName("CopySubtree").WithTags("nodes")
            .WithSummary("Copy a subtree (within or across ensembles) as a job")
            .WithDescription("Copies `from` (with data and ACLs) to `to` on `targetEnsemble` (default: this one). `dryRun: true` only counts and checks and answers at once (200 with the result); otherwise 202 with the job's Location. Needs copyMove at the source and create at the target.")
            .Produces<BulkResult>().Produces<JobResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(429).ProducesProblem(503)
            .WithMetadata(new ApiExample("""{"id":"k3J9x","kind":"Copy","state":"Running","location":"/api/v1/jobs/k3J9x"}""",
                """{"from":"/configs","to":"/configs-backup","targetEnsemble":null,"dryRun":false}""") { RequestType = typeof(CopyBody) });
        api.MapPost("/ensembles/{e}/move", (HttpContext c, string e, IZooKeeperOperations o, IBulkJobs j, CancellationToken ct) => CopyAsync(c, e, true, o, j, ct))
            .WithName("MoveSubtree").WithTags("nodes")
            .WithSummary("Move (rename) a subtree within an ensemble as a job")
            .WithDescription("Copies `from` to `to`, then deletes the source once the copy is complete. `dryRun` as for copy. Needs copyMove.")
            .Produces<BulkResult>().Produces<JobResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(429).ProducesProblem(503)
            .WithMetadata(new ApiExample("""{"id":"k3J9y","kind":"Move","state":"Running","location":"/api/v1/jobs/k3J9y"}""",
                """{"from":"/configs/old-name","to":"/configs/new-name"}""") { RequestType = typeof(CopyBody) });
        return api;
    }

    private static async Task<IResult> GetAsync(HttpContext context, string e, string? path, IZooKeeperOperations ops, CancellationToken ct)
    {
        var (nodePath, pathError) = ApiInput.NodePath(context, SegmentsBeforePath, path);
        if (pathError is not null)
        {
            return pathError;
        }
        var request = context.Request;
        var (children, childrenError) = ApiInput.Bool(request, "children");
        if (childrenError is not null)
        {
            return childrenError;
        }
        var user = ApiV1.User(context);
        if (children)
        {
            return await ChildrenAsync(context, e, nodePath!, ops, ct).ConfigureAwait(false);
        }
        var encoding = request.Query["encoding"].ToString();
        if (encoding is not ("" or DataEncoding.Utf8 or DataEncoding.Base64))
        {
            return ApiProblems.Invalid("encoding", $"unknown encoding '{encoding}'; allowed: utf8, base64 (default: utf8 when the data is valid UTF-8).");
        }
        var node = await ops.GetNodeAsync(user, e, nodePath!, ct).ConfigureAwait(false);
        var etag = ETagFor(node.Stat.Version);
        context.Response.Headers.ETag = etag;
        if (request.Headers.IfNoneMatch.ToString() == etag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }
        var (data, declared) = DataEncoding.Encode(node.Data, encoding.Length == 0 ? null : encoding);
        return TypedResults.Json(new NodeResponse(node.Ensemble, node.Path, data, declared, node.DataHiddenReason, StatResponse.From(node.Stat)!,
            node.Acl?.Select(AclEntryDto.From).ToList(), node.AclError, node.CreatedHere is { } c ? ModeName(c.Mode) : null,
            node.CreatedHere is { TtlMs: > 0 } t ? t.TtlMs : null), ApiJsonContext.Default.NodeResponse);
    }

    private static async Task<IResult> SetDataAsync(HttpContext context, string e, string? path, IZooKeeperOperations ops, CancellationToken ct)
    {
        var (nodePath, pathError) = ApiInput.NodePath(context, SegmentsBeforePath, path);
        if (pathError is not null)
        {
            return pathError;
        }
        var (version, versionError) = ApiInput.IfMatch(context.Request);
        if (versionError is not null)
        {
            return versionError;
        }
        var (data, dataError) = await ReadDataAsync(context, ct).ConfigureAwait(false);
        if (dataError is not null)
        {
            return dataError;
        }
        var user = ApiV1.User(context);
        try
        {
            var result = await ops.SetDataAsync(user, e, nodePath!, data, version, ct).ConfigureAwait(false);
            if (result.Stat is { } stat)
            {
                context.Response.Headers.ETag = ETagFor(stat.Version);
            }
            return TypedResults.Json(WriteResponse.From(result), ApiJsonContext.Default.WriteResponse);
        }
        catch (BadVersionException)
        {
            return await ConflictAsync(context, ops, e, nodePath!, version, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The 412 with the node's current version (re-read through the boundary; a read, so audited as one).</summary>
    private static async Task<IResult> ConflictAsync(HttpContext context, IZooKeeperOperations ops, string e, string path, int expected, CancellationToken ct)
    {
        var current = await ops.ExistsAsync(ApiV1.User(context), e, path, ct).ConfigureAwait(false);
        if (current is null)
        {
            return ApiProblems.FromException(new NoNodeException(path, $"{path} does not exist (it was deleted meanwhile)."))!;
        }
        return ApiProblems.VersionConflictResult(context, path, expected, current);
    }

    private static async Task<(byte[] Data, IResult? Error)> ReadDataAsync(HttpContext context, CancellationToken ct)
    {
        var request = context.Request;
        if (request.HasJsonContentType())
        {
            var (body, error) = await ApiInput.JsonBodyAsync<SetDataRequest>(context, MaxDataBytes * 2 + 4096, ct).ConfigureAwait(false);
            if (error is not null)
            {
                return ([], error);
            }
            var (bytes, decodeError) = DataEncoding.Decode(body?.Data, body?.Encoding);
            if (decodeError is not null)
            {
                return ([], decodeError);
            }
            return bytes!.Length > MaxDataBytes ? ([], ApiInput.TooLarge("data", bytes.Length, MaxDataBytes)) : (bytes, null);
        }
        var (raw, rawError) = await ApiInput.ReadBodyAsync(request, MaxDataBytes, "data", ct).ConfigureAwait(false);
        return rawError is not null ? ([], rawError) : (raw!, null);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, string e, string? path, IZooKeeperOperations ops, IBulkJobs jobs, CancellationToken ct)
    {
        var (nodePath, pathError) = ApiInput.NodePath(context, SegmentsBeforePath, path);
        if (pathError is not null)
        {
            return pathError;
        }
        var (recursive, recursiveError) = ApiInput.Bool(context.Request, "recursive");
        if (recursiveError is not null)
        {
            return recursiveError;
        }
        var (version, versionError) = ApiInput.IfMatch(context.Request);
        if (versionError is not null)
        {
            return versionError;
        }
        var user = ApiV1.User(context);
        if (recursive)
        {
            if (version >= 0)
            {
                var stat = await ops.ExistsAsync(user, e, nodePath!, ct).ConfigureAwait(false)
                    ?? throw new NoNodeException(nodePath, $"{nodePath} does not exist.");
                if (stat.Version != version)
                {
                    return ApiProblems.VersionConflictResult(context, nodePath!, version, stat);
                }
            }
            return await JobEndpoints.StartedAsync(context, jobs, user, jobs.StartDeleteRecursive(user, e, nodePath!), ct).ConfigureAwait(false);
        }
        try
        {
            await ops.DeleteAsync(user, e, nodePath!, version, ct).ConfigureAwait(false);
            return TypedResults.NoContent();
        }
        catch (BadVersionException)
        {
            return await ConflictAsync(context, ops, e, nodePath!, version, ct).ConfigureAwait(false);
        }
    }

    private static async Task<IResult> SetAclAsync(HttpContext context, string e, string? path, IZooKeeperOperations ops, CancellationToken ct)
    {
        var (nodePath, pathError) = ApiInput.NodePath(context, SegmentsBeforePath, path);
        if (pathError is not null)
        {
            return pathError;
        }
        var (body, bodyError) = await ApiInput.JsonBodyAsync<SetAclBody>(context, 256 * 1024, ct).ConfigureAwait(false);
        if (bodyError is not null)
        {
            return bodyError;
        }
        if (body?.AclVersion is not { } aclVersion)
        {
            return ApiProblems.Invalid("aclVersion", "required: the stat's aversion that this ACL replaces (from GET), or -1 for any version.");
        }
        if (aclVersion < -1)
        {
            return ApiProblems.Invalid("aclVersion", $"{aclVersion} is not a version; allowed: -1 (any) or 0 and up.");
        }
        var (acl, aclError) = ApiInput.Acl(body.Acl, "acl", required: true);
        if (aclError is not null)
        {
            return aclError;
        }
        var user = ApiV1.User(context);
        try
        {
            return TypedResults.Ok(WriteResponse.From(await ops.SetAclAsync(user, e, nodePath!, acl!, aclVersion, ct).ConfigureAwait(false)));
        }
        catch (BadVersionException)
        {
            var current = await ops.ExistsAsync(user, e, nodePath!, ct).ConfigureAwait(false);
            return ApiProblems.Problem(StatusCodes.Status412PreconditionFailed, ApiProblems.VersionConflict, "The ACL changed since you read it.",
                current is null ? $"{nodePath} does not exist any more."
                    : $"The ACL of {nodePath} is at version {current.Aversion}, not {aclVersion}: someone changed it since you read it. Re-read it and retry with aclVersion {current.Aversion}.",
                new Dictionary<string, object?> { ["path"] = nodePath, ["field"] = "aclVersion", ["expectedVersion"] = aclVersion, ["currentVersion"] = current?.Aversion });
        }
    }

    private static async Task<IResult> CopyAsync(HttpContext context, string e, bool move, IZooKeeperOperations ops, IBulkJobs jobs, CancellationToken ct)
    {
        var (body, bodyError) = await ApiInput.JsonBodyAsync<CopyBody>(context, 64 * 1024, ct).ConfigureAwait(false);
        if (bodyError is not null)
        {
            return bodyError;
        }
        if (body is null)
        {
            return ApiProblems.Invalid("body", "a JSON body is needed: {\"from\": \"/a\", \"to\": \"/b\"}.");
        }
        foreach (var (field, value) in new[] { ("from", body.From), ("to", body.To) })
        {
            if (PathUtils.GetError(value) is { } error)
            {
                return ApiProblems.Invalid(field, $"{error} (a znode path starting with /).");
            }
        }
        if (move && body.TargetEnsemble is { Length: > 0 } t && !string.Equals(t, e, StringComparison.OrdinalIgnoreCase))
        {
            return ApiProblems.Invalid("targetEnsemble", "a move stays within one ensemble; copy to another ensemble instead, then delete the source.");
        }
        var user = ApiV1.User(context);
        var request = new CopyRequest(e, body.From!, body.TargetEnsemble is { Length: > 0 } target ? target : e, body.To!, move, body.DryRun);
        if (body.DryRun)
        {
            return TypedResults.Ok(await ops.CopySubtreeAsync(user, request, null, ct).ConfigureAwait(false));
        }
        return await JobEndpoints.StartedAsync(context, jobs, user, jobs.StartCopy(user, request), ct).ConfigureAwait(false);
    }
}
