using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Api.V1;

/// <summary>Parsing of the API's input (paths, query values, If-Match, ACLs, bodies) into values or ProblemDetails naming the field.</summary>
internal static class ApiInput
{
    /// <summary>
    /// The znode path after <paramref name="segmentsBefore"/> URL segments (e.g. 5 for <c>/api/v1/ensembles/{e}/nodes/…</c>), each segment
    /// percent-decoded on its own (so <c>%2F</c> inside a name is refused, not taken as a separator).
    /// </summary>
    public static (string? Path, IResult? Error) NodePath(HttpContext context, int segmentsBefore, string? routeValue)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        string[] segments;
        if (!string.IsNullOrEmpty(raw) && raw.StartsWith('/'))
        {
            var q = raw.IndexOf('?', StringComparison.Ordinal);
            var all = (q >= 0 ? raw[..q] : raw).Split('/');
            segments = all.Length > segmentsBefore + 1 ? all[(segmentsBefore + 1)..] : [];
        }
        else
        {
            segments = (routeValue ?? "").Split('/');
        }
        if (segments.Length > 0 && segments[^1].Length == 0)
        {
            segments = segments[..^1]; // "nodes/" is the root; "nodes/a/" is /a
        }
        var names = new string[segments.Length];
        for (var i = 0; i < segments.Length; i++)
        {
            var name = Uri.UnescapeDataString(segments[i]);
            if (name.Contains('/', StringComparison.Ordinal))
            {
                return (null, ApiProblems.Invalid("path", $"segment {i + 1} ('{segments[i]}') decodes to a name with '/', which ZooKeeper names cannot contain. Encode each segment on its own and separate them with a plain '/'."));
            }
            names[i] = name;
        }
        var path = "/" + string.Join('/', names);
        if (PathUtils.GetError(path) is { } error)
        {
            return (null, ApiProblems.Invalid("path", $"{error}. A path is the znode path without its leading slash, URL-encoded per segment (e.g. nodes/configs/app%20one)."));
        }
        return (path, null);
    }

    /// <summary>The URL of a node: <c>/api/v1/ensembles/{e}/nodes/{segments encoded}</c>.</summary>
    public static string NodeUrl(string ensemble, string path, string kind = "nodes")
        => $"{ApiV1.Prefix}/ensembles/{Uri.EscapeDataString(ensemble)}/{kind}/" + string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.EscapeDataString));

    /// <summary>If-Match: <c>"&lt;version&gt;"</c> → the version, <c>*</c> → -1; missing → 428; anything else → 400.</summary>
    public static (int Version, IResult? Error) IfMatch(HttpRequest request)
    {
        var values = request.Headers.IfMatch;
        if (values.Count == 0 || string.IsNullOrWhiteSpace(values.ToString()))
        {
            return (0, ApiProblems.Problem(StatusCodes.Status428PreconditionRequired, ApiProblems.PreconditionRequired, "If-Match is required.",
                "Send If-Match: \"<version>\" with the ETag of GET (the node's dataVersion), so that a change made meanwhile is not overwritten; "
                + "or If-Match: * to write whatever the version is.",
                new Dictionary<string, object?> { ["field"] = "If-Match" }));
        }
        var text = values.ToString().Trim();
        if (text == "*")
        {
            return (-1, null);
        }
        if (text.StartsWith("W/", StringComparison.Ordinal))
        {
            return (0, ApiProblems.Invalid("If-Match", $"weak ETag {text} is not accepted; send the strong ETag of GET, e.g. \"3\", or *."));
        }
        var inner = text.Length >= 2 && text[0] == '"' && text[^1] == '"' ? text[1..^1] : text;
        if (!int.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return (0, ApiProblems.Invalid("If-Match", $"{text} is not a version: send the node's dataVersion as a quoted number (the ETag of GET), e.g. \"3\", or *."));
        }
        return (version, null);
    }

    /// <summary>A boolean query value (true/false/1/0, default <paramref name="fallback"/>).</summary>
    public static (bool Value, IResult? Error) Bool(HttpRequest request, string name, bool fallback = false)
    {
        var v = request.Query[name].ToString();
        return v switch
        {
            "" => (fallback, null),
            "true" or "1" or "True" => (true, null),
            "false" or "0" or "False" => (false, null),
            _ => (false, ApiProblems.Invalid(name, $"'{v}' is not a boolean; allowed: true, false.")),
        };
    }

    /// <summary>An integer query value in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static (int Value, IResult? Error) Int(HttpRequest request, string name, int fallback, int min, int max)
    {
        var v = request.Query[name].ToString();
        if (v.Length == 0)
        {
            return (fallback, null);
        }
        if (!int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return (0, ApiProblems.Invalid(name, $"'{v}' is not a number; allowed: an integer from {min} to {max}."));
        }
        if (value < min || value > max)
        {
            return (0, ApiProblems.Invalid(name, $"{value} is out of range; allowed: {min} to {max}."));
        }
        return (value, null);
    }

    /// <summary>Client ACL entries from the API's form (scheme, id, perms letters).</summary>
    public static (IReadOnlyList<Acl>? Acl, IResult? Error) Acl(IReadOnlyList<AclEntryDto>? entries, string field, bool required)
    {
        if (entries is null || entries.Count == 0)
        {
            return required
                ? (null, ApiProblems.Invalid(field, "at least one entry is needed, e.g. [{\"scheme\":\"world\",\"id\":\"anyone\",\"perms\":\"cdrwa\"}]."))
                : (Acls.OpenUnsafe, null);
        }
        var result = new List<Acl>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (e is null || string.IsNullOrWhiteSpace(e.Scheme))
            {
                return (null, ApiProblems.Invalid($"{field}[{i}].scheme", "a scheme is needed: world, auth, digest, ip, x509 or sasl."));
            }
            var perms = Perms.None;
            foreach (var c in e.Perms ?? "")
            {
                perms |= c switch
                {
                    'c' => Perms.Create,
                    'd' => Perms.Delete,
                    'r' => Perms.Read,
                    'w' => Perms.Write,
                    'a' => Perms.Admin,
                    _ => (Perms)(-1),
                };
                if ((int)perms < 0)
                {
                    return (null, ApiProblems.Invalid($"{field}[{i}].perms", $"'{c}' is not a permission; allowed: the letters c, d, r, w, a (e.g. \"cdrwa\")."));
                }
            }
            if (perms == Perms.None)
            {
                return (null, ApiProblems.Invalid($"{field}[{i}].perms", "at least one permission letter is needed (c, d, r, w, a)."));
            }
            result.Add(new Acl(perms, new Id(e.Scheme, e.Id ?? "")));
        }
        return (result, null);
    }

    /// <summary>A JSON body of <typeparamref name="T"/> (null for an empty body), or a 400 naming what is wrong.</summary>
    public static async Task<(T? Value, IResult? Error)> JsonBodyAsync<T>(HttpContext context, int maxBytes, CancellationToken ct) where T : class
    {
        var (bytes, error) = await ReadBodyAsync(context.Request, maxBytes, "body", ct).ConfigureAwait(false);
        if (error is not null)
        {
            return (null, error);
        }
        if (bytes!.Length == 0)
        {
            return (null, null);
        }
        try
        {
            var options = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
            return (JsonSerializer.Deserialize<T>(bytes, options), null);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
            return (null, ApiProblems.Invalid(field, $"not valid JSON for this request (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}): {ex.Message}"));
        }
    }

    /// <summary>The request body, at most <paramref name="maxBytes"/> (more: 413 naming <paramref name="field"/>).</summary>
    public static async Task<(byte[]? Bytes, IResult? Error)> ReadBodyAsync(HttpRequest request, int maxBytes, string field, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(field, request.ContentLength.Value, maxBytes));
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
            {
                return (null, TooLarge(field, buffer.Length, maxBytes));
            }
        }
        return (buffer.ToArray(), null);
    }

    public static IResult TooLarge(string field, long size, int maxBytes)
        => ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, ApiProblems.DataTooLarge, "The data is too large.",
            string.Create(CultureInfo.InvariantCulture, $"{field}: {size:N0} bytes or more; ZooKeeper allows at most {maxBytes:N0} bytes (1 MiB) of node data. Nothing was written."),
            new Dictionary<string, object?> { ["field"] = field, ["maxBytes"] = maxBytes });
}
