using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Accounts;

namespace ZkDashboard.Web.Tests.Auth;

/// <summary>
/// Every endpoint the real host maps (pages, hubs, HTTP endpoints), read from its routing table: only the known open ones
/// allow anonymous callers (a new open endpoint fails here until it is listed, and in src/ZkDashboard.Web/README.md,
/// "Entry points and their guards"), and every other one refuses a stranger.
/// </summary>
public sealed class EntryPointGuardsTests(AppFactory factory) : IClassFixture<AppFactory>
{
    /// <summary>The endpoints open to anonymous callers, each with its own guard (see the README table).</summary>
    private static readonly string[] OpenEndpoints =
    [
        "/login", "/setup", "/logout", "/login/external", "/healthz", "/metrics",
        // The REST API's description and its reference page (documentation only; every /api/v1 endpoint needs sign-in).
        "/openapi/{documentName}.json", "/api/reference/{documentName?}", "/api/reference/favicon.svg",
        "/api/reference/scalar.aspnetcore.js", "/api/reference/scalar.js",
    ];

    [Fact]
    public void RoutingTable_OnlyTheKnownEndpointsAllowAnonymous()
    {
        var open = Endpoints()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null && !IsStaticAsset(e))
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(OpenEndpoints.Order(StringComparer.Ordinal), open);
    }

    [Fact]
    public async Task EveryOtherEndpoint_RefusesAStranger()
    {
        var guarded = Endpoints()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Select(e => (Path: Concrete(e.RoutePattern.RawText!), Methods: e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods))
            .DistinctBy(e => e.Path)
            .ToList();
        Assert.Contains(guarded, e => e.Path == "/hubs/zk/negotiate");
        Assert.Contains(guarded, e => e.Path == "/e/local/x");
        using var client = factory.CreateAnonymousClient();
        var answers = new List<string>();
        foreach (var (path, methods) in guarded)
        {
            var method = methods is { Count: > 0 } m && !m.Contains("GET") ? new HttpMethod(m[0]) : HttpMethod.Get;
            using var request = new HttpRequestMessage(method, path);
            using var response = await client.SendAsync(request);
            var refused = response.StatusCode is HttpStatusCode.Unauthorized
                || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.AbsolutePath == "/login");
            if (!refused)
            {
                answers.Add($"{method} {path} -> {(int)response.StatusCode} {response.Headers.Location}");
            }
        }

        Assert.True(answers.Count == 0, "open to a stranger:\n" + string.Join('\n', answers));
    }

    [Fact]
    public async Task AdminPages_AccessNeedsManageAccess_UsersNeedAPersonNotAToken()
    {
        var viewer = await TokenAsync("guard-viewer", "viewers", "viewer");
        var admin = await TokenAsync("guard-admin", AccountNames.AdminsGroup, "admin");

        // /admin/access: the page asks IAccessAdministration (manageAccess); an admin-scoped token of an admin may.
        var (_, viewerAccess) = await GetAsync("/admin/access", viewer);
        var (_, adminAccess) = await GetAsync("/admin/access", admin);
        Assert.Contains("You may not manage access: manageAccess needs admin", viewerAccess, StringComparison.Ordinal);
        Assert.DoesNotContain("Add binding", viewerAccess, StringComparison.Ordinal);
        Assert.Contains("Add binding", adminAccess, StringComparison.Ordinal);

        // /admin/users: account management needs a person at the keyboard; no token satisfies it, not even an admin's.
        foreach (var token in new[] { viewer, admin })
        {
            var (status, _) = await GetAsync("/admin/users", token);
            Assert.Equal(HttpStatusCode.Forbidden, status);
        }
    }

    [Fact]
    public async Task AccountPage_SignedInWithAToken_OffersNoTokenCreation()
    {
        // A token limited to viewer must not mint itself a broader one on /account.
        var viewer = await TokenAsync("guard-scoped", AccountNames.AdminsGroup, "viewer");

        var (status, html) = await GetAsync("/account", viewer);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("API tokens", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Create token", html, StringComparison.Ordinal);
        Assert.Contains("signed in with an API token", html, StringComparison.Ordinal);
    }

    private async Task<(HttpStatusCode Status, string Html)> GetAsync(string path, string token)
    {
        using var client = factory.CreateAnonymousClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<string> TokenAsync(string user, string group, string role)
    {
        var accounts = factory.Services.GetRequiredService<IAccountService>();
        var account = await accounts.FindAsync(user) ?? await accounts.CreateAsync(user, null, [group], AccountNames.GeneratePassword(), "test");
        var created = await factory.Services.GetRequiredService<IApiTokenService>().CreateAsync(account.Name, AccountNames.LocalProvider, account.Groups, "guard", [role], null);
        return created.Secret;
    }

    private List<RouteEndpoint> Endpoints()
    {
        _ = factory.Server; // starts the host
        return [.. factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()];
    }

    /// <summary>Files of wwwroot, Radzen and the framework scripts (MapStaticAssets): open by design, nothing but files.</summary>
    private static bool IsStaticAsset(RouteEndpoint e)
        => e.RoutePattern.RawText is { } raw && Path.HasExtension(raw.Split('{')[0]) && !raw.StartsWith("/api/", StringComparison.Ordinal)
            && e.Metadata.GetMetadata<IAllowAnonymous>() is not null;

    /// <summary>A request path for a route pattern: parameters filled with sample values.</summary>
    private static string Concrete(string pattern)
    {
        var path = "/" + pattern.TrimStart('/');
        path = System.Text.RegularExpressions.Regex.Replace(path, @"\{\*\*?[^}]+\}", "x");
        path = System.Text.RegularExpressions.Regex.Replace(path, @"\{(?i:ensemble)[^}]*\}", "local");
        return System.Text.RegularExpressions.Regex.Replace(path, @"\{[^}]+\}", "x");
    }
}
