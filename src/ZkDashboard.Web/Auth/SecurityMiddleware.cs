using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using ZkDashboard.Web.Hubs;

namespace ZkDashboard.Web.Auth;

/// <summary>
/// Security headers on every response and the Origin check for WebSocket/SignalR endpoints (the hub and the circuit).
/// The CSP allows scripts from this origin plus the page's inline scripts by nonce (the import map and the Blazor
/// start call); see src/ZkDashboard.Web/README.md for what each directive is for.
/// </summary>
public static class SecurityMiddleware
{
    /// <summary>HttpContext.Items key of the per-response CSP nonce (App.razor puts it on its inline scripts).</summary>
    public const string NonceItem = "zkd:csp-nonce";

    /// <summary>The nonce of this response (empty when headers are off).</summary>
    public static string CspNonce(HttpContext context) =>
        context?.Items[NonceItem] as string ?? "";

    /// <summary>The Content-Security-Policy for a page with <paramref name="nonce"/>.</summary>
    public static string ContentSecurityPolicy(string nonce) =>
        "default-src 'self'; " +
        $"script-src 'self' 'nonce-{nonce}'; " +
        // Radzen and Blazor set style attributes (positions, sizes, splitter panes): styles need 'unsafe-inline'.
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; font-src 'self' data:; " +
        // The circuit and the hub: same-origin WebSockets ('self' covers ws:/wss: of this origin).
        "connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// The Content-Security-Policy of the REST API (<c>/api/v1</c>): its answers are JSON, ProblemDetails and event streams,
    /// never a page, so nothing may load or run from them at all, and no per-response nonce is needed.
    /// </summary>
    public const string ApiContentSecurityPolicy = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>Adds the headers, the Origin check, the remote-address capture for static renders and the /metrics token.</summary>
    public static IApplicationBuilder UseZkSecurity(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.ApplicationServices.GetRequiredService<IOptions<HardeningOptions>>().Value;
        return app.Use(async (context, next) =>
        {
            // The REST API is never a page (nor a circuit): a fixed CSP, no nonce, no circuit address to capture.
            var api = context.Request.Path.StartsWithSegments(Api.V1.ApiV1.Prefix, StringComparison.OrdinalIgnoreCase);
            if (options.SecurityHeaders)
            {
                var headers = context.Response.Headers;
                if (api)
                {
                    headers.ContentSecurityPolicy = ApiContentSecurityPolicy;
                }
                else
                {
                    var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)); // hex: nothing for HTML encoding to change
                    context.Items[NonceItem] = nonce;
                    headers.ContentSecurityPolicy = ContentSecurityPolicy(nonce);
                }
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "same-origin";
            }
            if (IsSocketEndpoint(context.Request) && !OriginAllowed(context.Request, options))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(
                    "This origin may not open the dashboard's live connection. Open the dashboard at its own address, or add the origin to ZkDashboard:Security:AllowedOrigins.",
                    context.RequestAborted).ConfigureAwait(false);
                return;
            }
            if (context.Request.Path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase) && options.MetricsToken is { Length: > 0 } token
                && !MetricsTokenMatches(context.Request, token))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Bearer realm=\"metrics\"";
                await context.Response.WriteAsync("GET /metrics needs Authorization: Bearer <ZkDashboard:Security:MetricsToken>.",
                    context.RequestAborted).ConfigureAwait(false);
                return;
            }
            if (!api && context.RequestServices.GetService<CircuitRemoteAddress>() is { } address)
            {
                address.Value ??= context.Connection.RemoteIpAddress;
                address.UserAgent ??= context.Request.Headers.UserAgent.ToString();
                address.CircuitId ??= context.TraceIdentifier;
            }
            await next(context).ConfigureAwait(false);
        });
    }

    internal static bool IsSocketEndpoint(HttpRequest request) =>
        request.Path.StartsWithSegments("/_blazor", StringComparison.OrdinalIgnoreCase)
        || request.Path.StartsWithSegments(ZkHub.Route, StringComparison.OrdinalIgnoreCase);

    /// <summary>No Origin (a non-browser client): allowed (it still needs a cookie or a token). A browser's Origin must be
    /// this host or one of <see cref="HardeningOptions.AllowedOrigins"/>.</summary>
    internal static bool OriginAllowed(HttpRequest request, HardeningOptions options)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true;
        }
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri))
        {
            return false;
        }
        if (string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return options.AllowedOrigins.Any(a => string.Equals(a.TrimEnd('/'), origin.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
    }

    private static bool MetricsTokenMatches(HttpRequest request, string token)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }
}
