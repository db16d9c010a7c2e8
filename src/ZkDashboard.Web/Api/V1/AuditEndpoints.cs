using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CsvHelper;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Audit;
using ZkDashboard.Web.Auth;

namespace ZkDashboard.Web.Api.V1;

/// <summary>
/// The audit trail over REST: <c>GET /api/v1/audit</c> (the page's filters as query parameters, keyset paging),
/// <c>GET /api/v1/audit/{id}</c>, <c>GET /api/v1/audit/verify</c> (admin) and the streamed exports
/// <c>/api/v1/audit/export.csv</c> and <c>/api/v1/audit/export.json</c>. Cookie or bearer token; readAudit (verify: admin)
/// is checked and refusals are audited by <see cref="IAuditTrail"/> in Core.
/// </summary>
public static class AuditEndpoints
{
    /// <summary>JSON for audit entries: camelCase, outcomes as names.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The CSV columns of an export, in order.</summary>
    public static IReadOnlyList<string> CsvColumns { get; } =
    [
        "id", "at", "user", "provider", "clientIp", "userAgent", "requestId", "ensemble", "operation", "path", "targetEnsemble", "targetPath",
        "expectedVersion", "resultVersion", "resultMzxid", "sizeBefore", "sizeAfter", "sha256Before", "sha256After", "dataBefore", "dataAfter",
        "aclBefore", "aclAfter", "reason", "outcome", "detail", "done", "total", "linkedId", "hash",
    ];

    /// <summary>Maps the audit endpoints on <paramref name="api"/> (the <c>/api/v1</c> group).</summary>
    public static RouteGroupBuilder MapAudit(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var audit = api.MapGroup("/audit");
        audit.MapGet("", ListAsync).WithName("ZkAuditList");
        audit.MapGet("/{id:long}", GetAsync).WithName("ZkAuditGet");
        audit.MapGet("/verify", VerifyAsync).WithName("ZkAuditVerify");
        audit.MapGet("/export.csv", ExportCsvAsync).WithName("ZkAuditExportCsv");
        audit.MapGet("/export.json", ExportJsonAsync).WithName("ZkAuditExportJson");
        return api;
    }

    /// <summary>Reads the filters from the query string: user, ensemble, path (glob), operation, outcome, from, to (ISO 8601),
    /// before (id), limit (1–1000, default 100), intents (true: also intent records). Returns an error naming the bad parameter.</summary>
    public static (AuditQuery? Query, string? Error) ParseQuery(IQueryCollection q, int defaultLimit = 100, int maxLimit = 1000)
    {
        ArgumentNullException.ThrowIfNull(q);
        static string? S(IQueryCollection q, string k) => q.TryGetValue(k, out var v) && v.ToString() is { Length: > 0 } s ? s.Trim() : null;
        AuditOutcome? outcome = null;
        if (S(q, "outcome") is { } o)
        {
            if (!Enum.TryParse<AuditOutcome>(o, ignoreCase: true, out var parsed) || int.TryParse(o, out _))
            {
                return (null, $"outcome '{o}' is unknown; use one of {string.Join(", ", Enum.GetNames<AuditOutcome>())}.");
            }
            outcome = parsed;
        }
        DateTimeOffset? Time(string key, out string? error)
        {
            error = null;
            if (S(q, key) is not { } t)
            {
                return null;
            }
            if (DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                return at;
            }
            error = $"{key} '{t}' is not a time; use ISO 8601, e.g. 2026-12-03T10:00:00Z.";
            return null;
        }
        var from = Time("from", out var fromError);
        var to = Time("to", out var toError);
        if ((fromError ?? toError) is { } timeError)
        {
            return (null, timeError);
        }
        long? before = null;
        if (S(q, "before") is { } b)
        {
            if (!long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return (null, $"before '{b}' is not a record id (a positive whole number).");
            }
            before = id;
        }
        var limit = defaultLimit;
        if (S(q, "limit") is { } l && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > maxLimit))
        {
            return (null, $"limit '{l}' must be a whole number from 1 to {maxLimit}.");
        }
        var path = S(q, "path");
        if (path is not null && path.IndexOfAny(['*', '?']) >= 0)
        {
            try
            {
                PathGlob.Parse(path);
            }
            catch (AccessConfigurationException ex)
            {
                return (null, "path: " + ex.Message);
            }
        }
        return (new AuditQuery
        {
            User = S(q, "user"),
            Ensemble = S(q, "ensemble"),
            PathGlob = path,
            Operation = S(q, "operation"),
            Outcome = outcome,
            From = from,
            To = to,
            BeforeId = before,
            Limit = limit,
            IncludeIntents = string.Equals(S(q, "intents"), "true", StringComparison.OrdinalIgnoreCase),
        }, null);
    }

    private static IResult BadQuery(string error) => Results.Problem(error, statusCode: StatusCodes.Status400BadRequest, title: "Bad audit query");

    private static IResult Denied(AccessDeniedException ex) => Results.Problem(ex.Reason, statusCode: StatusCodes.Status403Forbidden, title: "Not allowed");

    private static async Task<IResult> ListAsync(HttpContext http, IAuditTrail trail, CancellationToken ct)
    {
        var (query, error) = ParseQuery(http.Request.Query);
        if (query is null)
        {
            return BadQuery(error!);
        }
        try
        {
            var items = new List<AuditEntry>(query.Limit);
            await foreach (var e in trail.QueryAsync(ZkPrincipals.ToActingUser(http), query, ct).ConfigureAwait(false))
            {
                items.Add(e);
            }
            var next = items.Count == query.Limit ? items[^1].Id : (long?)null;
            return Results.Json(new AuditPage(items, next), Json);
        }
        catch (AccessDeniedException ex)
        {
            return Denied(ex);
        }
    }

    private static async Task<IResult> GetAsync(HttpContext http, long id, IAuditTrail trail, CancellationToken ct)
    {
        try
        {
            return await trail.GetAsync(ZkPrincipals.ToActingUser(http), id, ct).ConfigureAwait(false) is { } entry
                ? Results.Json(entry, Json)
                : Results.Problem($"There is no audit record {id} (it may have been purged by retention).", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        }
        catch (AccessDeniedException ex)
        {
            return Denied(ex);
        }
    }

    private static async Task<IResult> VerifyAsync(HttpContext http, IAuditTrail trail, CancellationToken ct)
    {
        try
        {
            var v = await trail.VerifyAsync(ZkPrincipals.ToActingUser(http), ct).ConfigureAwait(false);
            return Results.Json(new { ok = v.Ok, @checked = v.Checked, firstBadId = v.FirstBadId }); // firstBadId: null when ok, not left out
        }
        catch (AccessDeniedException ex)
        {
            return Denied(ex);
        }
    }

    /// <summary>Starts the query (the access check happens on the first record), so a refusal is still a 403, not a broken stream.</summary>
    private static async Task<(IAsyncEnumerator<AuditEntry>? Rows, bool HasFirst, IResult? Error)> OpenExportAsync(HttpContext http, IAuditTrail trail, CancellationToken ct)
    {
        var (query, error) = ParseQuery(http.Request.Query, defaultLimit: int.MaxValue, maxLimit: int.MaxValue);
        if (query is null)
        {
            return (null, false, BadQuery(error!));
        }
        var rows = trail.QueryAsync(ZkPrincipals.ToActingUser(http), query with { Limit = query.Limit == int.MaxValue ? 0 : query.Limit }, ct).GetAsyncEnumerator(ct);
        try
        {
            return (rows, await rows.MoveNextAsync().ConfigureAwait(false), null);
        }
        catch (AccessDeniedException ex)
        {
            await rows.DisposeAsync().ConfigureAwait(false);
            return (null, false, Denied(ex));
        }
    }

    private static async Task ExportCsvAsync(HttpContext http, IAuditTrail trail, CancellationToken ct)
    {
        var (rows, hasFirst, error) = await OpenExportAsync(http, trail, ct).ConfigureAwait(false);
        if (rows is null)
        {
            await error!.ExecuteAsync(http).ConfigureAwait(false);
            return;
        }
        await using (rows.ConfigureAwait(false))
        {
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"zkdashboard-audit-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv\"";
            var csv = CsvWriter.Create(http.Response.Body, null, true);
            await using (csv.ConfigureAwait(false))
            {
                await csv.WriteRecordAsync([.. CsvColumns], ct).ConfigureAwait(false);
                for (var more = hasFirst; more; more = await rows.MoveNextAsync().ConfigureAwait(false))
                {
                    await csv.WriteRecordAsync(CsvRow(rows.Current), ct).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>One entry as CSV fields (content as base64, times as ISO 8601 UTC).</summary>
    public static string[] CsvRow(AuditEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        static string N(long? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "";
        return
        [
            N(e.Id), e.At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), e.User, e.Provider ?? "", e.ClientIp ?? "", e.UserAgent ?? "", e.RequestId ?? "",
            e.Ensemble ?? "", e.Operation, e.Path ?? "", e.TargetEnsemble ?? "", e.TargetPath ?? "", N(e.ExpectedVersion), N(e.ResultVersion), N(e.ResultMzxid),
            N(e.SizeBefore), N(e.SizeAfter), e.Sha256Before ?? "", e.Sha256After ?? "",
            e.DataBefore is { } db ? Convert.ToBase64String(db) : "", e.DataAfter is { } da ? Convert.ToBase64String(da) : "",
            e.AclBefore ?? "", e.AclAfter ?? "", e.Reason ?? "", e.Outcome.ToString(), e.Detail ?? "", N(e.Done), N(e.Total), N(e.LinkedId), e.Hash ?? "",
        ];
    }

    private static async Task ExportJsonAsync(HttpContext http, IAuditTrail trail, CancellationToken ct)
    {
        var (rows, hasFirst, error) = await OpenExportAsync(http, trail, ct).ConfigureAwait(false);
        if (rows is null)
        {
            await error!.ExecuteAsync(http).ConfigureAwait(false);
            return;
        }
        await using (rows.ConfigureAwait(false))
        {
            http.Response.ContentType = "application/json; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"zkdashboard-audit-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json\"";
            // Into the response's pipe (no synchronous I/O), flushed every 200 records.
            var body = http.Response.BodyWriter;
            var json = new Utf8JsonWriter(body);
            await using (json.ConfigureAwait(false))
            {
                json.WriteStartArray();
                var n = 0;
                for (var more = hasFirst; more; more = await rows.MoveNextAsync().ConfigureAwait(false))
                {
                    JsonSerializer.Serialize(json, rows.Current, Json);
                    if (++n % 200 == 0)
                    {
                        json.Flush();
                        await body.FlushAsync(ct).ConfigureAwait(false);
                    }
                }
                json.WriteEndArray();
                json.Flush();
                await body.FlushAsync(ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A page of <c>GET /api/v1/audit</c>: the records and the <c>before</c> value for the next page (null: last page).</summary>
    public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, long? NextBefore);
}
