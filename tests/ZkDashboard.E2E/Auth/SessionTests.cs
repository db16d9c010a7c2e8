using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ZkDashboard.Core.Accounts;
using ZkDashboard.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Auth;

/// <summary>Open pages losing a revoked session, the first-run setup token, and API tokens on the hub.</summary>
[Collection(E2ECollection.Name)]
public sealed partial class SessionTests(AppFixture app)
{
    [Fact]
    public async Task RevokedSession_LosesLivePage_WithinRevalidationInterval()
    {
        // Its own app (same store) re-checks open circuits every 2 s instead of the default 30 s.
        await using var server = await WebAppServer.StartAsync(new Dictionary<string, string?>
        {
            ["ZkDashboard:Auth:Cookie:RevalidationInterval"] = "00:00:02",
        });
        var account = await SignIn.EnsureAccountAsync(server.Services, "e2e-revoke-" + Guid.NewGuid().ToString("N")[..6], "viewers");
        var context = await app.Browser.NewContextAsync(server.BaseUrl);
        try
        {
            await SignIn.SignInAsync(context, account);
            var page = await context.NewPageAsync();
            await page.GotoAndWaitForInteractiveAsync();
            await Expect(page.Button("Logout")).ToBeVisibleAsync();

            await server.Services.GetRequiredService<IAuthSessionStore>().RevokeAllAsync(account.Name, "test: sign out everywhere");

            await Expect(page.Heading("You are signed out")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Expect(page.Button("Logout")).ToHaveCountAsync(0);
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    [Fact]
    public async Task Setup_CreatesFirstAdmin_WithTokenFromLogOnce()
    {
        var store = Path.Combine(Path.GetTempPath(), $"zkd-e2e-setup-{Guid.NewGuid():N}.db");
        try
        {
            await using var server = await WebAppServer.StartAsync(new Dictionary<string, string?> { ["ZkDashboard:Store:SqlitePath"] = store });
            var lines = server.Logs.Where(l => l.Contains("one-time setup token", StringComparison.Ordinal)).ToList();
            Assert.True(lines.Count == 1, $"{lines.Count} setup token lines in the log:\n{string.Join('\n', server.Logs.Take(30))}");
            var line = lines[0];
            Assert.StartsWith("Warning", line, StringComparison.Ordinal);
            var token = SetupTokenPattern().Match(line).Groups[1].Value;
            var context = await app.Browser.NewContextAsync(server.BaseUrl);
            try
            {
                var page = await context.NewPageAsync();
                await page.GotoAsync("");
                await Expect(page).ToHaveURLAsync(new Regex("/login"));
                await page.Link("Create the first admin").ClickAsync();

                await FillSetupAsync(page, "not-the-token", "first-admin", "correct horse battery");
                await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("setup token is not the one in the server's log");

                await FillSetupAsync(page, token, "first-admin", "correct horse battery");
                await page.WaitForInteractiveAsync();
                await Expect(page.Role(AriaRole.Navigation, "User menu").GetByText("first-admin")).ToBeVisibleAsync();

                var admin = await server.Services.GetRequiredService<IAccountService>().FindAsync("first-admin");
                Assert.Equal(["admins"], admin!.Groups);
                await page.GotoAsync("setup");
                await Expect(page.GetByText("Setup is done")).ToBeVisibleAsync();
                Assert.Single(server.Logs, l => l.Contains("one-time setup token", StringComparison.Ordinal));
            }
            finally
            {
                await context.CloseAsync();
            }
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(store + suffix);
            }
        }
    }

    [Fact]
    public async Task HubNegotiate_AcceptsApiToken_AndRefusesNoneOrRevoked()
    {
        var account = await SignIn.EnsureAccountAsync(app.Server.Services, "e2e-token-" + Guid.NewGuid().ToString("N")[..6], "viewers");
        var tokens = app.Server.Services.GetRequiredService<IApiTokenService>();
        var created = await tokens.CreateAsync(account.Name, AccountNames.LocalProvider, account.Groups, "e2e", ["viewer"], null);
        Assert.StartsWith("zkd_", created.Secret, StringComparison.Ordinal);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.Server.BaseUri };

        Assert.Equal(HttpStatusCode.Unauthorized, await NegotiateAsync(client, null, query: false));
        Assert.Equal(HttpStatusCode.OK, await NegotiateAsync(client, created.Secret, query: false));
        Assert.Equal(HttpStatusCode.OK, await NegotiateAsync(client, created.Secret, query: true));
        Assert.Equal(HttpStatusCode.Unauthorized, await NegotiateAsync(client, created.Secret[..^2] + "xx", query: false));

        Assert.True(await tokens.RevokeAsync(account.Name, created.Token.Id));
        Assert.Equal(HttpStatusCode.Unauthorized, await NegotiateAsync(client, created.Secret, query: false));
    }

    private static async Task<HttpStatusCode> NegotiateAsync(HttpClient client, string? token, bool query)
    {
        var url = "hubs/zk/negotiate?negotiateVersion=1" + (query && token is not null ? "&access_token=" + Uri.EscapeDataString(token) : "");
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        if (!query && token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task FillSetupAsync(IPage page, string token, string user, string password)
    {
        await page.Labelled("Setup token").FillAsync(token);
        await page.Labelled("Username").FillAsync(user);
        await page.Labelled("Password").FillAsync(password);
        await page.Labelled("Confirm password").FillAsync(password);
        await page.Button("Create admin").ClickAsync();
    }

    [GeneratedRegex("setup token to create the first admin: ([0-9a-f]{32})")]
    private static partial Regex SetupTokenPattern();
}
