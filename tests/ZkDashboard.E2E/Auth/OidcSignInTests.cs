using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using ZkDashboard.E2E.Infrastructure;
using ZkDashboard.Testing.Identity;
using ZkDashboard.Web.Auth;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Auth;

/// <summary>OpenID Connect sign-in in Chromium against a real OpenIddict provider hosted by the test.</summary>
[Collection(E2ECollection.Name)]
public sealed partial class OidcSignInTests(AppFixture app)
{
    private const string ClientId = "zkdashboard";
    private const string ClientSecret = "test-client-secret";

    [Fact]
    public async Task SignInWithProvider_LandsSignedInWithProviderGroups_AfterSigningInAtProvider()
    {
        await using var provider = await OidcProviderServer.StartAsync(
            [new ProviderUser("alice", "alice-pw", "Alice Example", "zk-admins", "kafka-operators")]);
        await using var dashboard = await OidcDashboardServer.StartAsync(new Dictionary<string, string?>
        {
            ["ZkDashboard:Auth:Oidc:Authority"] = provider.Issuer.ToString(),
            ["ZkDashboard:Auth:Oidc:ClientId"] = ClientId,
            ["ZkDashboard:Auth:Oidc:ClientSecret"] = ClientSecret,
            ["ZkDashboard:Auth:Oidc:RequireHttpsMetadata"] = "false",
            ["ZkDashboard:Auth:Oidc:DisplayName"] = "Test provider",
            ["ZkDashboard:Auth:Oidc:GroupsClaim"] = "groups",
            ["ZkDashboard:Auth:Oidc:Scopes:0"] = "profile",
            ["ZkDashboard:Auth:Oidc:Scopes:1"] = "groups",
        });
        await provider.RegisterClientAsync(ClientId, ClientSecret, new Uri(dashboard.BaseUri, "signin-oidc"));

        var context = await app.Browser.NewContextAsync(dashboard.BaseUrl);
        try
        {
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(30_000);
            await page.GotoAsync("login/external?returnUrl=%2Fe%2Flocal%2F");
            await page.Role(AriaRole.Button, "Sign in with Test provider").ClickAsync();

            await Expect(page).ToHaveURLAsync(ProviderLogin());
            await page.Labelled("Username").FillAsync("alice");
            await page.Labelled("Password").FillAsync("alice-pw");
            await page.Button("Sign in").ClickAsync();

            await page.WaitForURLAsync(dashboard.BaseUrl + "e/local/", new() { Timeout = 30_000 });
            var principal = Assert.Single(dashboard.SignedIn);
            AssertIsAlice(principal);

            // The browser holds the dashboard's sign-in cookie; read it back with the app's own ticket format.
            var cookies = dashboard.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>()
                .Get(CookieAuthenticationDefaults.AuthenticationScheme);
            var cookieName = cookies.Cookie.Name ?? CookieAuthenticationDefaults.CookiePrefix + CookieAuthenticationDefaults.AuthenticationScheme;
            var cookie = Assert.Single(await context.CookiesAsync([dashboard.BaseUrl]), c => c.Name == cookieName);
            if (cookies.SessionStore is null && !cookie.Value.StartsWith("chunks-", StringComparison.Ordinal))
            {
                var ticket = cookies.TicketDataFormat.Unprotect(cookie.Value);
                Assert.NotNull(ticket);
                AssertIsAlice(ticket.Principal);
            }
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    private static void AssertIsAlice(ClaimsPrincipal principal)
    {
        Assert.Equal("alice", principal.FindFirstValue(ClaimTypes.Name));
        Assert.Equal("alice", principal.Identity?.Name);
        Assert.Equal("oidc", principal.FindFirstValue(ZkClaimTypes.Provider));
        Assert.Equal(["zk-admins", "kafka-operators"], principal.FindAll(ZkClaimTypes.Group).Select(c => c.Value));
    }

    [GeneratedRegex("/account/login\\?")]
    private static partial Regex ProviderLogin();
}
