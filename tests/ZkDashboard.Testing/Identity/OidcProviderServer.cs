using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ZkDashboard.Testing.Identity;

/// <summary>A person who can sign in at the test provider.</summary>
/// <param name="UserName">The login name and the <c>preferred_username</c> and <c>sub</c> claims.</param>
/// <param name="Password">The password typed into the provider's login form.</param>
/// <param name="DisplayName">The <c>name</c> claim.</param>
/// <param name="Groups">Values of the groups claim.</param>
public sealed record ProviderUser(string UserName, string Password, string DisplayName, params string[] Groups);

/// <summary>
/// A real OpenID Connect provider (OpenIddict 7 server) on Kestrel at 127.0.0.1 on a free port: discovery, JWKS,
/// authorization code flow with PKCE required, an EF Core in-memory store for clients, ephemeral signing and
/// encryption keys, and a small login form ("Username", "Password", "Sign in") that signs in one of the configured
/// users. Plain http on loopback (transport security requirement off). Register the dashboard as a client with
/// <see cref="RegisterClientAsync"/> once its redirect URI is known.
/// </summary>
public sealed class OidcProviderServer : IAsyncDisposable
{
    /// <summary>The login form's path.</summary>
    public const string LoginPath = "/account/login";

    private const string ProviderCookie = "ProviderCookie";
    private readonly WebApplication app;

    private OidcProviderServer(WebApplication app, Uri issuer)
    {
        this.app = app;
        Issuer = issuer;
    }

    /// <summary>The issuer (Authority), e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Issuer { get; }

    /// <summary>Starts the provider with <paramref name="users"/>, whose groups are sent in the <paramref name="groupsClaim"/> claim.</summary>
    public static async Task<OidcProviderServer> StartAsync(IReadOnlyList<ProviderUser> users, string groupsClaim = "groups")
    {
        ArgumentNullException.ThrowIfNull(users);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var database = "oidc-provider-" + Guid.NewGuid().ToString("N");
        builder.Services.AddDbContext<ProviderDbContext>(o =>
        {
            o.UseInMemoryDatabase(database);
            o.UseOpenIddict();
        });
        builder.Services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<ProviderDbContext>())
            .AddServer(o =>
            {
                o.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token");
                o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                o.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email, groupsClaim);
                o.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
                o.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .DisableTransportSecurityRequirement();
            });
        // The provider's own session; its cookie name differs from the dashboard's (cookies ignore ports).
        builder.Services.AddAuthentication(ProviderCookie).AddCookie(ProviderCookie, o =>
        {
            o.Cookie.Name = "zkd-test-provider";
            o.LoginPath = LoginPath;
        });
        builder.Services.AddAuthorization();

        var app = builder.Build();
        app.UseAuthentication();
        app.MapGet(LoginPath, (string? returnUrl) => Results.Content(LoginForm(returnUrl, error: null), "text/html; charset=utf-8"));
        app.MapPost(LoginPath, async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            var returnUrl = (string?)form["returnUrl"];
            var user = users.FirstOrDefault(u => u.UserName == form["username"] && u.Password == form["password"]);
            if (user is null)
            {
                return Results.Content(LoginForm(returnUrl, "Wrong user name or password."), "text/html; charset=utf-8", statusCode: 401);
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user.UserName)], ProviderCookie);
            await context.SignInAsync(ProviderCookie, new ClaimsPrincipal(identity));
            return Results.Redirect(returnUrl is { Length: > 0 } url && url.StartsWith("/connect/", StringComparison.Ordinal) ? url : "/");
        });
        app.MapMethods("connect/authorize", [HttpMethods.Get, HttpMethods.Post], async (HttpContext context) =>
        {
            var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
            var session = await context.AuthenticateAsync(ProviderCookie);
            var user = session.Succeeded ? users.FirstOrDefault(u => u.UserName == session.Principal!.Identity!.Name) : null;
            if (user is null)
            {
                return Results.Challenge(new AuthenticationProperties
                {
                    RedirectUri = context.Request.PathBase + context.Request.Path + context.Request.QueryString,
                }, [ProviderCookie]);
            }

            var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
            identity.SetClaim(Claims.Subject, user.UserName)
                .SetClaim(Claims.PreferredUsername, user.UserName)
                .SetClaim(Claims.Name, user.DisplayName)
                .SetClaim(Claims.Email, user.UserName + "@provider.test")
                .SetClaims(groupsClaim, [.. user.Groups]);
            identity.SetScopes(request.GetScopes());
            identity.SetDestinations(static _ => [Destinations.IdentityToken, Destinations.AccessToken]);
            return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });
        app.MapPost("connect/token", async (HttpContext context) =>
        {
            var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
            if (!request.IsAuthorizationCodeGrantType())
            {
                return Results.BadRequest();
            }

            // The code carries the principal built by the authorization endpoint; hand it back for the tokens.
            var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            return Results.SignIn(result.Principal!, properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });

        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new OidcProviderServer(app, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>Registers a confidential client allowed the code flow (PKCE) with <paramref name="redirectUri"/>.</summary>
    public async Task RegisterClientAsync(string clientId, string clientSecret, Uri redirectUri, string groupsClaim = "groups")
    {
        await using var scope = app.Services.CreateAsyncScope();
        var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = clientSecret,
            ClientType = ClientTypes.Confidential,
            DisplayName = "ZkDashboard (tests)",
            RedirectUris = { redirectUri },
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile,
                Permissions.Scopes.Email,
                Permissions.Prefixes.Scope + groupsClaim,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        await manager.CreateAsync(descriptor).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    private static string LoginForm(string? returnUrl, string? error)
    {
        var encoder = HtmlEncoder.Default;
        var message = error is null ? "" : string.Create(CultureInfo.InvariantCulture, $"<p role=\"alert\">{encoder.Encode(error)}</p>");
        return $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Test provider · sign in</title></head>
            <body>
            <h1>Test provider</h1>
            {message}
            <form method="post" action="{LoginPath}">
              <input type="hidden" name="returnUrl" value="{encoder.Encode(returnUrl ?? "")}">
              <label for="username">Username</label> <input id="username" name="username" autocomplete="username">
              <label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password">
              <button type="submit">Sign in</button>
            </form>
            </body></html>
            """;
    }

    private sealed class ProviderDbContext(DbContextOptions<ProviderDbContext> options) : DbContext(options);
}
