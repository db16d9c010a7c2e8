using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using ZkDashboard.Web.Api.V1;

namespace ZkDashboard.Web.Tests.Api.V1;

/// <summary>The OpenAPI document, the reference page, and the API's rate limit (no ZooKeeper needed).</summary>
public sealed class ApiDocumentAndLimitTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task OpenApi_Document_DescribesEveryEndpointWithBearerSecurityAndProblemTypes()
    {
        using var client = factory.CreateAnonymousClient();

        using var response = await client.GetAsync(ApiV1.OpenApiPath);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = doc.RootElement;
        Assert.Equal("http", root.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("type").GetString());
        var paths = root.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/ensembles", "/api/v1/ensembles/{e}/health", "/api/v1/ensembles/{e}/alerts", "/api/v1/ensembles/{e}/nodes/{path}",
                     "/api/v1/ensembles/{e}/acl/{path}", "/api/v1/ensembles/{e}/copy", "/api/v1/ensembles/{e}/move", "/api/v1/jobs/{id}", "/api/v1/ensembles/{e}/events/{path}" })
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is documented");
            foreach (var operation in item.EnumerateObject().Where(o => o.Name is "get" or "put" or "post" or "delete"))
            {
                Assert.False(string.IsNullOrEmpty(operation.Value.GetProperty("summary").GetString()), $"{operation.Name} {path} has a summary");
            }
        }
        var put = paths.GetProperty("/api/v1/ensembles/{e}/nodes/{path}").GetProperty("put");
        Assert.True(put.GetProperty("responses").TryGetProperty("412", out _));
        Assert.True(put.GetProperty("responses").TryGetProperty("428", out _));
        Assert.Contains(ApiProblems.WriteOutcomeUnknown, root.GetProperty("info").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("watchEvent", root.GetProperty("info").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(paths.EnumerateObject(), p => !p.Name.StartsWith("/api/v1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reference_Page_IsServedWithTheStrictCspAndItsNonce()
    {
        using var client = factory.CreateClient(); // follows the redirect to /api/reference/

        using var response = await client.GetAsync(ApiV1.ReferencePath);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        var nonce = System.Text.RegularExpressions.Regex.Match(csp, "'nonce-([0-9a-f]+)'").Groups[1].Value;
        Assert.NotEmpty(nonce);
        Assert.Contains($"nonce=\"{nonce}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("cdn.jsdelivr", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiAnswers_CarryTheFixedNonceFreeCsp_AndTheOtherSecurityHeaders()
    {
        using var client = factory.CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await TestSignIn.AdminTokenAsync(factory.Services));

        using var answer = await client.GetAsync("/api/v1/ensembles");
        using var anonymous = factory.CreateAnonymousClient();
        using var refused = await anonymous.GetAsync("/api/v1/ensembles");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        foreach (var response in new[] { answer, refused })
        {
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Equal(ZkDashboard.Web.Auth.SecurityMiddleware.ApiContentSecurityPolicy, csp);
            Assert.StartsWith("default-src 'none';", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("nonce", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        }
    }

    [Fact]
    public async Task RateLimit_PerToken_Answers429WithRetryAfter()
    {
        await using var limited = factory.WithWebHostBuilder(b => b.UseSetting("ZkDashboard:Api:RequestsPerMinute", "3"));
        var token = await TestSignIn.AdminTokenAsync(limited.Services);
        var other = await TestSignIn.AdminTokenAsync(limited.Services, "other-admin");
        using var client = limited.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        for (var i = 0; i < 3; i++)
        {
            using var ok = await client.GetAsync("/api/v1/ensembles");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var refused = await client.GetAsync("/api/v1/ensembles");

        var problem = await refused.ProblemAsync(429, ApiProblems.RateLimited);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Contains("API token", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var otherClient = limited.CreateClient();
        otherClient.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", other);
        using var otherOk = await otherClient.GetAsync("/api/v1/ensembles");
        Assert.Equal(HttpStatusCode.OK, otherOk.StatusCode); // another token has its own budget
    }
}
