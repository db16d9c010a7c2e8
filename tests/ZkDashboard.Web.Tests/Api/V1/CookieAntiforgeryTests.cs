using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Accounts;
using ZkDashboard.Testing;
using ZkDashboard.Web.Api.V1;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Tests.Api.V1;

/// <summary>
/// Every unsafe <c>/api/v1</c> route, read from the host's routing table: a request signed in by the browser's cookie
/// without the antiforgery header is refused before it does anything (nothing written, nothing audited); an API token
/// request needs no such header.
/// </summary>
[Collection(ApiEnsembleCollection.Name)]
public sealed partial class CookieAntiforgeryTests(EnsembleFixture fx) : IAsyncLifetime
{
    private const string User = "cora";

    /// <summary>A body every JSON endpoint of the API can bind (unknown members are ignored), which would write if it were let through.</summary>
    private const string Body = """
        {"data":"forged","encoding":"utf8","mode":"persistent","acl":[{"scheme":"world","id":"anyone","perms":"cdrwa"}],
         "aclVersion":-1,"from":"/af","to":"/af-copy","dryRun":false,"reason":"forged"}
        """;

    private static readonly string[] SafeMethods = ["GET", "HEAD", "OPTIONS", "TRACE"];

    private readonly string _chroot = EnsembleFixture.NewChrootName();
    private ApiHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ApiHost.StartAsync(fx, _chroot);
        await using var zk = await _host.ZooKeeperAsync();
        await zk.CreateAsync("/af", "keep"u8.ToArray(), Acls.OpenUnsafe);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task UnsafeRoutes_CookieWithoutAntiforgeryHeader_AreRefusedAndWriteAndAuditNothing()
    {
        var routes = UnsafeRoutes();
        Assert.Contains(routes, r => r.Method == "PUT" && r.Pattern.EndsWith("/nodes/{**path}", StringComparison.Ordinal));
        Assert.Contains(routes, r => r.Method == "DELETE" && r.Pattern.EndsWith("/nodes/{**path}", StringComparison.Ordinal));
        Assert.Contains(routes, r => r.Method == "POST" && r.Pattern.EndsWith("/copy", StringComparison.Ordinal));
        using var browser = await SignedInBrowserAsync();
        using (var read = await browser.GetAsync("/api/v1/ensembles/local/nodes/af"))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode); // the cookie signs in: a refusal below is the antiforgery check, not a 401
        }
        var audited = AuditCountOf(User);

        var answers = new List<string>();
        foreach (var (method, pattern) in routes)
        {
            using var request = Request(method, pattern);
            using var response = await browser.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.BadRequest || !text.Contains(ApiProblems.Antiforgery, StringComparison.Ordinal))
            {
                answers.Add($"{method} {pattern} -> {(int)response.StatusCode} {text}");
            }
        }

        Assert.True(answers.Count == 0, "not refused for a missing antiforgery token:\n" + string.Join('\n', answers));
        Assert.Equal(audited, AuditCountOf(User));
        await using var zk = await _host.ZooKeeperAsync();
        Assert.Equal("keep", Encoding.UTF8.GetString((await zk.GetDataAsync("/af")).Data));
        Assert.Empty((await zk.GetChildrenAsync("/af")).Children);
        Assert.Null(await zk.ExistsAsync("/af-copy"));

        // The same browser with the header writes: the refusals above were for the missing token alone.
        var af = await (await browser.GetAsync("/api/v1/antiforgery")).JsonAsync();
        using var genuine = Request("PUT", "/api/v1/ensembles/{e}/nodes/{**path}");
        genuine.Headers.Add(af.GetProperty("headerName").GetString()!, af.GetProperty("token").GetString());
        using var written = await browser.SendAsync(genuine);
        Assert.Equal(HttpStatusCode.OK, written.StatusCode);
        Assert.Equal("forged", Encoding.UTF8.GetString((await zk.GetDataAsync("/af")).Data));
    }

    [Fact]
    public async Task UnsafeRoutes_ApiToken_NeedNoAntiforgeryHeader()
    {
        using var client = await _host.ClientAsync("tom", "operators", "operator");
        using (var put = await client.SendAsync(Request("PUT", "/api/v1/ensembles/{e}/nodes/{**path}")))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        await using (var zk = await _host.ZooKeeperAsync())
        {
            Assert.Equal("forged", Encoding.UTF8.GetString((await zk.GetDataAsync("/af")).Data));
        }

        var refused = new List<string>();
        foreach (var (method, pattern) in UnsafeRoutes())
        {
            using var response = await client.SendAsync(Request(method, pattern));
            var text = await response.Content.ReadAsStringAsync();
            if (text.Contains(ApiProblems.Antiforgery, StringComparison.Ordinal))
            {
                refused.Add($"{method} {pattern} -> {(int)response.StatusCode} {text}");
            }
        }
        Assert.True(refused.Count == 0, "a token request was asked for an antiforgery token:\n" + string.Join('\n', refused));
    }

    /// <summary>Every (method, route pattern) under /api/v1 that is not GET/HEAD/OPTIONS/TRACE; a route for any method counts as POST.</summary>
    private List<(string Method, string Pattern)> UnsafeRoutes()
    {
        var routes = _host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && ("/" + raw.TrimStart('/')).StartsWith(ApiV1.Prefix + "/", StringComparison.OrdinalIgnoreCase))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods is { Count: > 0 } methods ? methods : ["POST"])
                .Where(m => !SafeMethods.Contains(m, StringComparer.OrdinalIgnoreCase))
                .Select(m => (Method: m.ToUpperInvariant(), Pattern: "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .Distinct()
            .OrderBy(r => r.Pattern, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(routes);
        return routes;
    }

    /// <summary>The request for a route: ensemble <c>local</c>, node <c>/af</c> (a new child of it for POST), ids 1, If-Match *, the JSON body.</summary>
    private static HttpRequestMessage Request(string method, string pattern)
    {
        var path = PathParameter().Replace(pattern, method == "POST" ? "af/new" : "af");
        path = EnsembleParameter().Replace(path, "local");
        path = AnyParameter().Replace(path, "1");
        var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("If-Match", "*");
        return request;
    }

    private async Task<HttpClient> SignedInBrowserAsync()
    {
        var password = await _host.AccountWithPasswordAsync(User, AccountNames.AdminsGroup);
        var browser = _host.CookieClient();
        var login = await browser.GetStringAsync("/login");
        var token = LoginToken().Match(login).Groups[1].Value;
        Assert.NotEmpty(token);
        using var signIn = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.UserName"] = User,
            ["Input.Password"] = password,
        }));
        Assert.True(signIn.StatusCode is not HttpStatusCode.BadRequest, $"sign-in: {signIn.StatusCode}");
        Assert.Null(browser.DefaultRequestHeaders.Authorization);
        return browser;
    }

    private int AuditCountOf(string user) => _host.Audit.Records.Count(r => r.Operation.User.Name == user);

    [GeneratedRegex(@"\{\*\*?[^}]+\}")]
    private static partial Regex PathParameter();

    [GeneratedRegex(@"\{(?:e|ensemble)(?::[^}]*)?\}", RegexOptions.IgnoreCase)]
    private static partial Regex EnsembleParameter();

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex AnyParameter();

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex LoginToken();
}
