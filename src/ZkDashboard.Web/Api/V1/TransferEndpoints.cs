using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Jobs;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Transfer;
using ZkDashboard.Web.Auth;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Api.V1;

/// <summary>
/// Export, import and compare over REST. Every call goes through <see cref="ITransferService"/> (access policy and audit
/// live there); these handlers only translate HTTP.
/// <list type="bullet">
/// <item><c>GET /api/v1/ensembles/{e}/export/{*path}?format=zkdashboard|zoonavigator&amp;stats=true&amp;zip=true</c>: the export, streamed.</item>
/// <item><c>POST /api/v1/ensembles/{e}/import/{*path}?mode=merge|mirror&amp;conflicts=auto|on|off&amp;overwrite=false&amp;dryRun=true&amp;limit=1000</c>:
/// the body is the file (JSON or gzip); a dry run returns the plan, <c>dryRun=false</c> plans again and starts the apply as a job (202, <c>Location: /api/v1/jobs/{id}</c>).</item>
/// <item><c>POST /api/v1/compare</c> with <c>{"left":{"ensemble","path"},"right":{"ensemble","path"},"limit":1000}</c>: the differences.</item>
/// <item><c>GET /api/v1/transfer/exports/{jobId}</c>: the file of a finished export job (its owner and admins).</item>
/// </list>
/// </summary>
public static class TransferEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Maps the transfer endpoints on the <c>/api/v1</c> group.</summary>
    public static RouteGroupBuilder MapTransfer(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/ensembles/{e}/export/{**path}", ExportAsync).WithName("ExportSubtree");
        api.MapGet("/ensembles/{e}/export", (HttpContext c, ITransferService t, string e, string? format, bool? stats, bool? zip, CancellationToken ct)
            => ExportAsync(c, t, e, null, format, stats, zip, ct)).WithName("ExportRoot");
        api.MapPost("/ensembles/{e}/import/{**path}", ImportAsync).WithName("ImportSubtree").DisableAntiforgery();
        api.MapPost("/compare", CompareAsync).WithName("CompareSubtrees").DisableAntiforgery();
        api.MapGet("/transfer/exports/{jobId}", DownloadAsync).WithName("DownloadExport");
        return api;
    }

    private static ActingUser User(HttpContext c) => ZkPrincipals.ToActingUser(c.User, c.Connection.RemoteIpAddress);

    private static string ZnodePath(string? path) => "/" + (path ?? "").Trim('/');

    private static async Task<IResult> ExportAsync(HttpContext context, ITransferService transfer, string e, string? path, string? format, bool? stats, bool? zip, CancellationToken ct)
    {
        var f = format?.ToLowerInvariant() switch
        {
            null or "" or "zkdashboard" => TransferFormat.ZkDashboard,
            "zoonavigator" => (TransferFormat?)TransferFormat.ZooNavigator,
            _ => null,
        };
        if (f is null)
        {
            return Problem(400, "Unknown format", $"format '{format}' is not known; use zkdashboard or zoonavigator.", "format");
        }
        var request = new ExportRequest(e, ZnodePath(path), f.Value, stats ?? false, zip ?? false);
        if (PathUtils.GetError(request.Path) is { } error)
        {
            return Problem(400, "Bad path", $"The path {request.Path} is not valid: {error}.", "path");
        }
        var user = User(context);
        // Nothing is sent before the first node is read: refusals and a missing root still become ProblemDetails.
        var response = context.Response;
        var body = new DeferredStartStream(response, () =>
        {
            response.ContentType = request.Gzip ? "application/gzip" : "application/json; charset=utf-8";
            response.Headers.ContentDisposition = $"attachment; filename=\"{request.FileName}\"";
        });
        try
        {
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await transfer.ExportAsync(user, request, body, null, ct).ConfigureAwait(false);
            return Results.Empty;
        }
        catch (Exception ex) when (!body.Started && Map(ex) is { } problem)
        {
            return problem;
        }
    }

    private static async Task<IResult> ImportAsync(HttpContext context, ITransferService transfer, string e, string? path, string? mode, string? conflicts,
        bool? overwrite, bool? dryRun, int? limit, string? reason, CancellationToken ct)
    {
        var m = mode?.ToLowerInvariant() switch { null or "" or "merge" => ImportMode.Merge, "mirror" => (ImportMode?)ImportMode.Mirror, _ => null };
        if (m is null)
        {
            return Problem(400, "Unknown mode", $"mode '{mode}' is not known; use merge or mirror.", "mode");
        }
        var c = conflicts?.ToLowerInvariant() switch { null or "" or "auto" => ConflictCheck.Auto, "on" => (ConflictCheck?)ConflictCheck.On, "off" => ConflictCheck.Off, _ => null };
        if (c is null)
        {
            return Problem(400, "Unknown conflicts setting", $"conflicts '{conflicts}' is not known; use auto, on or off.", "conflicts");
        }
        var user = User(context);
        try
        {
            var doc = await transfer.ReadFileAsync(context.Request.Body, "request body", ct).ConfigureAwait(false);
            var plan = await transfer.PlanImportAsync(user, new ImportRequest(e, ZnodePath(path), m.Value, c.Value, overwrite ?? false, reason), doc, null, ct).ConfigureAwait(false);
            if (dryRun ?? true)
            {
                return Results.Json(PlanDto.From(plan, Math.Clamp(limit ?? 1000, 0, 100_000)), Json);
            }
            var job = transfer.StartApply(user, plan);
            return new LocatedResult(Results.Json(new { job, plan = PlanDto.From(plan, 0) }, Json, statusCode: StatusCodes.Status202Accepted), $"/api/v1/jobs/{job.Id}");
        }
        catch (Exception ex) when (Map(ex) is { } problem)
        {
            return problem;
        }
    }

    /// <summary>The compare body.</summary>
    /// <param name="Left">Left side.</param>
    /// <param name="Right">Right side (apply writes here).</param>
    /// <param name="Limit">Entries returned at most (default 1,000).</param>
    public sealed record CompareBody(SideBody? Left, SideBody? Right, int? Limit);

    /// <summary>One side of a compare.</summary>
    public sealed record SideBody(string? Ensemble, string? Path);

    private static async Task<IResult> CompareAsync(HttpContext context, ITransferService transfer, [FromBody] CompareBody? body, CancellationToken ct)
    {
        if (body?.Left?.Ensemble is not { Length: > 0 } le || body.Right?.Ensemble is not { Length: > 0 } re)
        {
            return Problem(400, "Missing side", "Give both sides: {\"left\":{\"ensemble\":\"staging\",\"path\":\"/configs\"},\"right\":{\"ensemble\":\"prod\",\"path\":\"/configs\"}}.", body?.Left?.Ensemble is null ? "left.ensemble" : "right.ensemble");
        }
        try
        {
            var result = await transfer.CompareAsync(User(context), new CompareSide(le, body.Left.Path ?? "/"), new CompareSide(re, body.Right.Path ?? "/"), null, ct).ConfigureAwait(false);
            var limit = Math.Clamp(body.Limit ?? 1000, 0, 100_000);
            return Results.Json(new
            {
                summary = result.Summary,
                left = result.Left.Label,
                right = result.Right.Label,
                leftNodes = result.LeftNodes,
                rightNodes = result.RightNodes,
                onlyLeft = result.OnlyLeft,
                onlyRight = result.OnlyRight,
                different = result.Different,
                identical = result.Identical,
                seconds = result.Elapsed.TotalSeconds,
                entriesTotal = result.Entries.Count,
                entries = result.Entries.Take(limit).Select(x => new
                {
                    path = x.RelativePath.Length == 0 ? "/" : x.RelativePath,
                    kind = x.Kind,
                    dataDiffers = x.DataDiffers,
                    aclDiffers = x.AclDiffers,
                    left = x.Left is { } l ? NodeDto.From(l) : null,
                    right = x.Right is { } r ? NodeDto.From(r) : null,
                }),
            }, Json);
        }
        catch (Exception ex) when (Map(ex) is { } problem)
        {
            return problem;
        }
    }

    private static IResult DownloadAsync(HttpContext context, ITransferService transfer, string jobId)
    {
        try
        {
            var file = transfer.OpenExport(User(context), jobId);
            return Results.Stream(file.Content, file.ContentType, file.FileName);
        }
        catch (Exception ex) when (Map(ex) is { } problem)
        {
            return problem;
        }
    }

    /// <summary>ProblemDetails for what the boundary throws.</summary>
    internal static IResult? Map(Exception ex) => ex switch
    {
        TransferFormatException f => Results.Problem(new ProblemDetails
        {
            Status = 400,
            Title = "Malformed import file",
            Detail = f.Message,
            Type = "https://zkdashboard/problems/malformed-import",
            Extensions = { ["line"] = f.Line, ["position"] = f.Position, ["field"] = f.Field },
        }),
        AccessDeniedException a => Problem(403, "Access denied", a.Message, null),
        UnknownEnsembleException u => Problem(404, "Unknown ensemble", u.Message, "e"),
        NoNodeException n => Problem(404, "No such node", n.Message, "path"),
        BulkJobNotFoundException j => Problem(404, "No such job", j.Message, "jobId"),
        BulkJobAccessDeniedException j => Problem(403, "Not your job", j.Message, "jobId"),
        BulkJobLimitException l => Problem(429, "Too many jobs", l.Message, null),
        EnsembleReadOnlyException r => Problem(409, "Ensemble is read-only", r.Message, "e"),
        EnsembleUnavailableException u => Problem(503, "Ensemble unavailable", u.Message, "e"),
        ArgumentException a => Problem(400, "Bad request", a.Message, a.ParamName),
        _ => null,
    };

    private static IResult Problem(int status, string title, string detail, string? field)
    {
        var p = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (field is not null)
        {
            p.Extensions["field"] = field;
        }
        return Results.Problem(p);
    }

    private sealed record DataDto(string Encoding, string Data)
    {
        public static DataDto? From(byte[]? data) => data is null ? null
            : Utf8.IsValid(data) ? new DataDto("utf8", System.Text.Encoding.UTF8.GetString(data)) : new DataDto("base64", Convert.ToBase64String(data));
    }

    private sealed record NodeDto(DataDto? Data, string? Acl, string Mode, int? Version, bool? Masked, bool? Hidden)
    {
        public static NodeDto From(TransferNode n) => new(n.DataMasked || n.Hidden ? null : DataDto.From(n.Data), TransferAcl.Text(n.Acl), TransferModes.Name(n.Mode), n.Version,
            n.DataMasked ? true : null, n.Hidden ? true : null);
    }

    private sealed record PlanDto(string Summary, PlanCounts Counts, bool ConflictsChecked, int EntriesTotal, IEnumerable<object> Entries)
    {
        public static PlanDto From(ImportPlan plan, int limit) => new(plan.Summary, plan.Counts, plan.ConflictsChecked,
            plan.Entries.Count(e => e.Action != PlanAction.Unchanged),
            plan.Entries.Where(e => e.Action != PlanAction.Unchanged).Take(limit).Select(e => (object)new
            {
                path = e.Path,
                action = e.Action,
                note = e.Note,
                expectedVersion = e.ExpectedVersion,
                dataBefore = DataDto.From(e.DataBefore),
                dataAfter = DataDto.From(e.DataAfter),
                aclBefore = TransferAcl.Text(e.AclBefore),
                aclAfter = TransferAcl.Text(e.AclAfter),
                mode = e.Action == PlanAction.Create ? TransferModes.Name(e.Mode) : null,
            }));
    }

    /// <summary>Adds a Location header to a result.</summary>
    private sealed class LocatedResult(IResult inner, string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = location;
            return inner.ExecuteAsync(httpContext);
        }
    }

    /// <summary>Sets the response headers on the first write, so a failure before any byte can still be a ProblemDetails.</summary>
    private sealed class DeferredStartStream(HttpResponse response, Action start) : Stream
    {
        public bool Started { get; private set; }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override Task FlushAsync(CancellationToken cancellationToken) => Started ? response.Body.FlushAsync(cancellationToken) : Task.CompletedTask;
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The export writes asynchronously.");
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!Started)
            {
                Started = true;
                start();
            }
            await response.Body.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
