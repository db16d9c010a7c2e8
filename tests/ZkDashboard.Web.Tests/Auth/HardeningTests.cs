using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ZkDashboard.Web.Tests.Auth;

/// <summary>The real host's guards over HTTP: sign-in required, security headers, Origin checks, the /metrics token.</summary>
public sealed class HardeningTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Get_Page_RedirectsToLogin_WhenNobodyIsSignedIn()
    {
        using var client = factory.CreateAnonymousClient();

        using var response = await client.GetAsync("/e/local/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location!.AbsolutePath);
        Assert.Contains("returnUrl=%2Fe%2Flocal%2F", response.Headers.Location.Query, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/login")]
    [InlineData("/setup")]
    [InlineData("/healthz")]
    [InlineData("/metrics")]
    [InlineData("/css/app.css")]
    public async Task Get_OpenPath_Answers_WhenNobodyIsSignedIn(string path)
    {
        using var client = factory.CreateAnonymousClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/hubs/zk/negotiate?negotiateVersion=1")]
    [InlineData("/_blazor/negotiate?negotiateVersion=1")]
    public async Task Post_Negotiate_Returns401_WhenNobodyIsSignedIn(string path)
    {
        using var client = factory.CreateAnonymousClient();

        using var response = await client.PostAsync(path, null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Get_LoginPage_SendsSecurityHeaders_AndCspWithoutUnsafeInlineScripts()
    {
        using var client = factory.CreateAnonymousClient();

        using var response = await client.GetAsync("/login");
        var html = await response.Content.ReadAsStringAsync();
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();

        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Matches("script-src 'self' 'nonce-[A-Za-z0-9+/=]+';", csp);
        Assert.DoesNotContain("'unsafe-inline' ", csp.Split("script-src")[1].Split(';')[0] + " ", StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("same-origin", response.Headers.GetValues("Referrer-Policy").Single());
        var nonce = System.Text.RegularExpressions.Regex.Match(csp, "'nonce-([^']+)'").Groups[1].Value;
        Assert.Contains($"<script nonce=\"{nonce}\">", html, StringComparison.Ordinal);
        Assert.Contains("name=\"__RequestVerificationToken\"", html, StringComparison.Ordinal);
        Assert.Contains("<label for=\"login-username\">Username</label>", html, StringComparison.Ordinal);
        Assert.Contains("<label for=\"login-password\">Password</label>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_Negotiate_Returns403_ForForeignOrigin_EvenWhenSignedIn()
    {
        using var client = await factory.CreateAdminClientAsync();
        foreach (var path in new[] { "/hubs/zk/negotiate?negotiateVersion=1", "/_blazor/negotiate?negotiateVersion=1" })
        {
            using var foreign = new HttpRequestMessage(HttpMethod.Post, path);
            foreign.Headers.Add("Origin", "https://evil.example");
            using var same = new HttpRequestMessage(HttpMethod.Post, path);
            same.Headers.Add("Origin", "http://localhost");

            using var refused = await client.SendAsync(foreign);
            using var allowed = await client.SendAsync(same);

            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.NotEqual(HttpStatusCode.Forbidden, allowed.StatusCode);
        }
    }

    [Fact]
    public async Task Get_Metrics_NeedsToken_WhenMetricsTokenIsSet()
    {
        await using var app = factory.WithWebHostBuilder(b => b.UseSetting("ZkDashboard:Security:MetricsToken", "scrape-secret"));
        using var client = app.CreateClient();

        using var without = await client.GetAsync("/metrics");
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "nope") } };
        using var right = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "scrape-secret") } };
        using var wrongResponse = await client.SendAsync(wrong);
        using var rightResponse = await client.SendAsync(right);

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rightResponse.StatusCode);
    }

    [Fact]
    public async Task Post_Login_IsRateLimitedPerAddress()
    {
        await using var app = factory.WithWebHostBuilder(b => b.UseSetting("ZkDashboard:Auth:Local:LoginAttemptsPerMinute", "3"));
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>()));
            codes.Add(response.StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, codes.Take(3));
        Assert.Equal(HttpStatusCode.TooManyRequests, codes[3]);
    }
}
