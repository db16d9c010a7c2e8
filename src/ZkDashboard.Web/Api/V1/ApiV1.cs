using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Access;
using ZkDashboard.Web.Auth;

namespace ZkDashboard.Web.Api.V1;

/// <summary>Settings of the REST API, bound from <c>ZkDashboard:Api</c>.</summary>
public sealed class ApiOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "ZkDashboard:Api";

    /// <summary>Requests per minute per API token (or per signed-in user for cookie requests, per address for anonymous ones).</summary>
    public int RequestsPerMinute { get; set; } = 1200;

    /// <summary>How often an event stream sends a heartbeat comment when nothing happens.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// The REST API group <c>/api/v1</c>: authentication (API token as <c>Authorization: Bearer zkd_…</c>, or the browser's
/// cookie with antiforgery for unsafe methods), rate limits per token and user, ProblemDetails for every error (the
/// Core boundary's exceptions mapped by <see cref="ApiProblems"/>), and the OpenAPI document with its reference page.
/// Feature files add their endpoints to the group (<c>Map&lt;Feature&gt;(this RouteGroupBuilder api)</c>).
/// </summary>
public static class ApiV1
{
    /// <summary>The group's prefix.</summary>
    public const string Prefix = "/api/v1";

    /// <summary>The rate limiter policy of the group.</summary>
    public const string RateLimitPolicy = "zkd-api";

    /// <summary>The OpenAPI document's name and route.</summary>
    public const string DocumentName = "v1";

    /// <summary>Where the OpenAPI document is served.</summary>
    public const string OpenApiPath = "/openapi/v1.json";

    /// <summary>Where the browsable reference page is served.</summary>
    public const string ReferencePath = "/api/reference";

    /// <summary>The header that carries the antiforgery token of cookie requests.</summary>
    public const string AntiforgeryHeader = "RequestVerificationToken";

    /// <summary>Registers ProblemDetails, the rate limiter policy, the authorization result handler, JSON options and OpenAPI.</summary>
    public static IServiceCollection AddZkDashboardApiV1(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.Section))
            .Validate(o => o.RequestsPerMinute > 0 && o.HeartbeatInterval > TimeSpan.Zero,
                $"{ApiOptions.Section}: RequestsPerMinute must be at least 1 and HeartbeatInterval positive.")
            .ValidateOnStart();
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });
        services.AddRateLimiter(o => o.AddPolicy<string, ApiRateLimitPolicy>(RateLimitPolicy));
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ApiAuthorizationResultHandler>();
        services.AddZkApiOpenApi();
        return services;
    }

    /// <summary>
    /// Maps the <c>/api/v1</c> group with every endpoint of this feature (ensembles, health, alerts, nodes, ACLs, copy/move,
    /// jobs, events), the OpenAPI document and the reference page. Returns the group so that other features add theirs.
    /// </summary>
    public static RouteGroupBuilder MapZkDashboardApiV1(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // One guard for every endpoint of the group: AddEndpointFilter<T>() would build a new instance on every request.
        var guard = ActivatorUtilities.CreateInstance<ApiGuardFilter>(endpoints.ServiceProvider);
        var api = endpoints.MapGroup(Prefix)
            .RequireAuthorization()
            .RequireRateLimiting(RateLimitPolicy)
            .AddEndpointFilter(guard)
            .WithTags("zkdashboard");
        api.MapGet("/antiforgery", (HttpContext context, IAntiforgery antiforgery) =>
            {
                var tokens = antiforgery.GetAndStoreTokens(context);
                return TypedResults.Ok(new AntiforgeryTokenResponse(AntiforgeryHeader, tokens.RequestToken ?? ""));
            })
            .WithName("GetAntiforgeryToken").WithTags("session")
            .WithSummary("The antiforgery token for browser (cookie) requests")
            .WithDescription($"Browser scripts signed in by cookie send it as the `{AntiforgeryHeader}` header on PUT, POST and DELETE. API token requests need none.");
        api.MapEnsembleEndpoints();
        api.MapNodeEndpoints();
        api.MapJobEndpoints();
        api.MapEventStreamEndpoints();
        // Anything else under /api/v1: a ProblemDetails 404, not the HTML not-found page.
        api.Map("/{**rest}", (string? rest) => ApiProblems.Problem(StatusCodes.Status404NotFound, ApiProblems.UnknownEndpoint, "No such endpoint.",
                $"There is no endpoint {Prefix}/{rest} for this method. The OpenAPI document at {OpenApiPath} (browsable at {ReferencePath}) lists them."))
            .ExcludeFromDescription().WithOrder(int.MaxValue);
        endpoints.MapZkApiOpenApi();
        return api;
    }

    /// <summary>The acting user of an API request.</summary>
    public static ActingUser User(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ZkPrincipals.ToActingUser(context.User, context.Connection.RemoteIpAddress);
    }

    /// <summary>True when the request was authenticated by an API token (no ambient credentials: no antiforgery needed).</summary>
    public static bool IsTokenRequest(HttpContext context)
        => context?.User.Identity is { IsAuthenticated: true, AuthenticationType: ApiTokenAuthenticationHandler.SchemeName };
}

/// <summary>The antiforgery token for cookie requests.</summary>
/// <param name="HeaderName">The header to send it in.</param>
/// <param name="Token">The token.</param>
public sealed record AntiforgeryTokenResponse(string HeaderName, string Token);

/// <summary>
/// The group's filter: antiforgery for unsafe cookie requests, and the mapping of the Core boundary's exceptions to
/// ProblemDetails (a request whose client went away ends quietly). One instance serves every request (it keeps no state).
/// </summary>
internal sealed class ApiGuardFilter(IAntiforgery antiforgery, ILogger<ApiGuardFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        AuthPaths.KeepStatusCode(http);
        var method = http.Request.Method;
        if (!(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method))
            && !ApiV1.IsTokenRequest(http))
        {
            try
            {
                await antiforgery.ValidateRequestAsync(http).ConfigureAwait(false);
            }
            catch (AntiforgeryValidationException ex)
            {
                logger.LogInformation("Refused a {Method} {Path} by cookie without a valid antiforgery token: {Reason}", method, http.Request.Path, ex.Message);
                return ApiProblems.AntiforgeryProblem();
            }
        }
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty;
        }
        catch (Exception ex) when (ApiProblems.FromException(ex) is { } problem)
        {
            return problem;
        }
    }
}

/// <summary>401 and 403 of the authorization middleware as ProblemDetails under /api/v1 (elsewhere: the default behaviour).</summary>
internal sealed class ApiAuthorizationResultHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded || !context.Request.Path.StartsWithSegments(ApiV1.Prefix, StringComparison.OrdinalIgnoreCase))
        {
            await _default.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
            return;
        }
        AuthPaths.KeepStatusCode(context);
        var unauthenticated = authorizeResult.Challenged || context.User.Identity is not { IsAuthenticated: true };
        context.Response.StatusCode = unauthenticated ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden;
        string detail;
        if (unauthenticated)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            detail = ApiTokenAuthenticationHandler.FindToken(context.Request) is null
                ? "Sign in: send a personal API token as 'Authorization: Bearer zkd_…' (create one at /account), or use the dashboard's cookie."
                : "The API token is unknown, revoked or expired. Create a new one at /account.";
        }
        else
        {
            detail = "You are signed in but may not use this endpoint.";
        }
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = context.Response.StatusCode,
                Type = unauthenticated ? ApiProblems.Unauthenticated : ApiProblems.AccessDenied,
                Title = unauthenticated ? "Not signed in." : "Forbidden.",
                Detail = detail,
            },
        }).ConfigureAwait(false);
    }
}

/// <summary>
/// One fixed window per API token (by its id), per signed-in user (cookie) or per address (anonymous), of
/// <see cref="ApiOptions.RequestsPerMinute"/>; a refusal is a 429 ProblemDetails with <c>Retry-After</c>.
/// Runs after authentication (see <see cref="AuthApplicationExtensions"/>), so the partition is the caller.
/// </summary>
internal sealed class ApiRateLimitPolicy : IRateLimiterPolicy<string>
{
    /// <summary>Token partition keys kept at most (more distinct tokens than this start the cache over).</summary>
    private const int MaxCachedKeys = 4096;

    private readonly IOptionsMonitor<ApiOptions> _options;
    private readonly Func<string, RateLimiter> _createLimiter;
    private readonly ConcurrentDictionary<string, string> _tokenKeys = new(StringComparer.Ordinal);
    private FixedWindowRateLimiterOptions? _window;

    public ApiRateLimitPolicy(IOptionsMonitor<ApiOptions> options)
    {
        _options = options;
        // Built once: the limiter of a new partition takes the window of the current RequestsPerMinute.
        _createLimiter = _ => new FixedWindowRateLimiter(Window());
    }

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (ctx, ct) =>
    {
        var http = ctx.HttpContext;
        var seconds = ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)) : 60;
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        AuthPaths.KeepStatusCode(http);
        await TypedResults.Problem(
            $"Too many requests for this {(ApiV1.IsTokenRequest(http) ? "API token" : "user")}: at most {http.RequestServices.GetRequiredService<IOptionsMonitor<ApiOptions>>().CurrentValue.RequestsPerMinute} a minute (ZkDashboard:Api:RequestsPerMinute). Retry after {seconds} s.",
            null, StatusCodes.Status429TooManyRequests, "Too many requests.", ApiProblems.RateLimited).ExecuteAsync(http).ConfigureAwait(false);
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) => RateLimitPartition.Get(PartitionKey(httpContext), _createLimiter);

    /// <summary>One fixed window of a minute (replenished by the partitioned limiter's own timer, as
    /// <see cref="RateLimitPartition.GetFixedWindowLimiter{TKey}"/> does), rebuilt only when RequestsPerMinute changes.</summary>
    private FixedWindowRateLimiterOptions Window()
    {
        var permits = _options.CurrentValue.RequestsPerMinute;
        var window = _window;
        if (window is null || window.PermitLimit != permits)
        {
            window = new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
                AutoReplenishment = false,
            };
            _window = window;
        }
        return window;
    }

    /// <summary>The caller's partition; the key of a token is built once per token id.</summary>
    internal string PartitionKey(HttpContext context)
    {
        var user = context.User;
        if (user.Identity is { IsAuthenticated: true } identity)
        {
            if (user.FindFirst("zkd:token-id")?.Value is { } tokenId)
            {
                if (_tokenKeys.TryGetValue(tokenId, out var cached))
                {
                    return cached;
                }
                if (_tokenKeys.Count >= MaxCachedKeys)
                {
                    _tokenKeys.Clear();
                }
                return _tokenKeys.GetOrAdd(tokenId, static id => "token:" + id);
            }
            return "user:" + (user.FindFirst(ZkClaimTypes.Provider)?.Value ?? "local") + ":" + identity.Name;
        }
        // Unauthenticated (refused with 401 anyway): by address, and by the token presented so one bad script does not block others.
        var token = ApiTokenAuthenticationHandler.FindToken(context.Request);
        return "anon:" + context.Connection.RemoteIpAddress + (token is null ? "" : ":" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..16]);
    }
}
