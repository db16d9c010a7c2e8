using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;
using ZkDashboard.Web.Auth;

namespace ZkDashboard.Web.Api.V1;

/// <summary>Example bodies of an endpoint for the OpenAPI document (JSON text).</summary>
/// <param name="Response">An example of the success response body.</param>
/// <param name="Request">An example of the JSON request body, when there is one.</param>
/// <remarks>Request bodies are read by the endpoints themselves (so that a wrong content type or bad JSON gets a ProblemDetails naming
/// the field, not a routing 415); <see cref="RequestType"/> documents their JSON schema.</remarks>
public sealed record ApiExample(string? Response, string? Request = null)
{
    /// <summary>The JSON request body's type, for its schema.</summary>
    public Type? RequestType { get; init; }

    /// <summary>The body may also be raw bytes (any content type but JSON).</summary>
    public bool RawBody { get; init; }
}

/// <summary>The OpenAPI document of /api/v1 (<c>/openapi/v1.json</c>) and its reference page (<c>/api/reference</c>, Scalar).</summary>
internal static class ApiOpenApi
{
    public static IServiceCollection AddZkApiOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi(ApiV1.DocumentName, o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/v1", StringComparison.OrdinalIgnoreCase) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "ZkDashboard REST API",
                    Version = "v1",
                    Description = Description(),
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "zkd_…",
                    Description = "A personal API token (create one at /account; `./build.sh demo` prints one). It acts as its owner, limited to the roles ticked when it was created.",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] }];
                return Task.CompletedTask;
            });
            o.AddOperationTransformer(async (operation, context, ct) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<ApiExample>().FirstOrDefault() is { } example)
                {
                    if (example.RequestType is { } requestType)
                    {
                        var content = new Dictionary<string, OpenApiMediaType>
                        {
                            ["application/json"] = new OpenApiMediaType
                            {
                                Schema = await context.GetOrCreateSchemaAsync(requestType, null, ct).ConfigureAwait(false),
                                Example = example.Request is { } request ? JsonNode.Parse(request) : null,
                            },
                        };
                        if (example.RawBody)
                        {
                            content["application/octet-stream"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
                        }
                        operation.RequestBody = new OpenApiRequestBody { Required = example.RawBody, Content = content };
                    }
                    if (example.Response is { } response && operation.Responses is { } responses)
                    {
                        foreach (var (code, r) in responses)
                        {
                            if (code.StartsWith('2') && r.Content is { } content)
                            {
                                foreach (var (type, media) in content)
                                {
                                    if (type.Contains("json", StringComparison.Ordinal) && media is OpenApiMediaType m)
                                    {
                                        m.Example = JsonNode.Parse(response);
                                    }
                                }
                                break;
                            }
                        }
                    }
                }
            });
        });
        return services;
    }

    public static void MapZkApiOpenApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi(ApiV1.OpenApiPath.Replace("v1", "{documentName}", StringComparison.Ordinal)).AllowAnonymous();
        // Scalar's page loads its script from this origin (no CDN) and puts the nonce of our CSP on its inline script, so the
        // strict Content-Security-Policy of SecurityMiddleware holds here too.
        endpoints.MapScalarApiReference(ApiV1.ReferencePath, (options, context) =>
        {
            options.WithTitle("ZkDashboard REST API")
                .WithOpenApiRoutePattern(ApiV1.OpenApiPath.Replace("v1", "{documentName}", StringComparison.Ordinal))
                .DisableDefaultFonts()
                .AddPreferredSecuritySchemes(["bearer"]);
            options.AddDocument(ApiV1.DocumentName);
            if (SecurityMiddleware.CspNonce(context) is { Length: > 0 } nonce)
            {
                options.WithNonce(nonce);
            }
        }).AllowAnonymous();
    }

    private static string Description()
    {
        var sb = new StringBuilder();
        sb.AppendLine("""
            Every capability of the dashboard's UI for scripts: the same access policy, the same audit log and the same
            truthful outcomes (every call goes through the dashboard's Core boundary with you as the acting user).

            **Authentication.** `Authorization: Bearer zkd_…` (a personal API token). Browser requests signed in by cookie work
            too; their PUT, POST and DELETE need the `RequestVerificationToken` header from `GET /api/v1/antiforgery`.
            Rate limits apply per token (per user for cookies): `ZkDashboard:Api:RequestsPerMinute`, 429 with `Retry-After`.

            **Paths.** `{path}` is the znode path without its leading slash, URL-encoded per segment
            (`/configs/a b` → `nodes/configs/a%20b`; the root is `nodes/`).

            **Versions.** `GET …/nodes/{path}` returns `ETag: "<dataVersion>"`. Writes need `If-Match: "<version>"` (or
            `If-Match: *` for any version, explicitly); a conflict is a 412 with the current version.

            **Unknown outcomes.** When the connection to ZooKeeper is lost during a write, the dashboard re-reads the node:
            applied writes succeed (with `confirmedAfterConnectionLoss: true`), writes not applied are a `write-not-applied`
            problem, and when it cannot tell, the answer is a `write-outcome-unknown` problem: re-read before retrying.

            **Errors** are RFC 9457 ProblemDetails (`application/problem+json`) with these `type`s:

            """);
        foreach (var (type, status, meaning) in ApiProblems.All)
        {
            sb.Append("- `").Append(type).Append("` (").Append(status).Append("): ").AppendLine(meaning);
        }
        sb.AppendLine("""

            **Event stream.** `GET /api/v1/ensembles/{e}/events/{path}?mode=data|children|subtree` is Server-Sent Events
            (`curl -N`): an `event: ready` once the watch is in place, then one event per (coalesced) change, named after the
            change (`Created`, `Deleted`, `DataChanged`, `ChildrenChanged`, `Resync` = re-read what you show), with the JSON
            `{"ensemble","subscribedPath","kind","path","change","stat","coalescedCount","timestamp"}`; a `: heartbeat`
            comment every 15 s. The same fan-out, coalescing and access filtering as the UI.

            **SignalR hub** `/hubs/zk` (JSON protocol; same authentication; `?access_token=` works for WebSockets):
            - `Subscribe(ensemble, path, kind)` → subscription id; `kind` is `Data`, `Children` or `Subtree`.
            - `Unsubscribe(subscriptionId)` → `true` when it existed.
            - `SubscribeHealth(ensemble | null)` → subscription id (null: every ensemble you may watch).
            - Server → client `watchEvent(message)`: `{"subscriptionId","ensemble","subscribedPath","kind","path","change","stat","coalescedCount","timestamp","error"}`;
              `change` as above, or `Pending` (the watch could not be registered yet; `error` says why; a `Resync` follows).
            - Server → client `healthSnapshot(snapshot)`: the ensemble's health as `GET /api/v1/ensembles/{e}/health` returns it.
            """);
        return sb.ToString();
    }
}
