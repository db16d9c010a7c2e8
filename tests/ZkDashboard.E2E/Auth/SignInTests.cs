using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ZkDashboard.Core.Accounts;
using ZkDashboard.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Auth;

/// <summary>The login form, its messages, lockout, logout and the replay of a copied cookie, in Chromium.</summary>
[Collection(E2ECollection.Name)]
public sealed class SignInTests(AppFixture app)
{
    private const string WrongCredentials = "Wrong username or password. Try again, or ask an admin to reset your password.";

    [Fact]
    public async Task Login_SignsInAndShowsUserMenu_WithLabelledForm()
    {
        var account = await SignIn.EnsureAccountAsync(app.Server.Services, "e2e-login-" + Guid.NewGuid().ToString("N")[..6], "viewers");
        var page = await app.NewAnonymousPageAsync("");

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        await SignIn.SubmitLoginAsync(page, account.Name, account.Password);
        await page.WaitForInteractiveAsync();

        await Expect(page.Role(AriaRole.Navigation, "User menu").GetByText(account.Name)).ToBeVisibleAsync();
        await Expect(page.Button("Logout")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Login_SaysWrongUsernameOrPassword_ForWrongPasswordAndUnknownUserAlike()
    {
        var account = await SignIn.EnsureAccountAsync(app.Server.Services, "e2e-wrong-" + Guid.NewGuid().ToString("N")[..6], "viewers");
        var page = await app.NewAnonymousPageAsync();

        await SignIn.SubmitLoginAsync(page, account.Name, "not-the-password");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(WrongCredentials);
        await Expect(page.Labelled("Username")).ToHaveValueAsync(account.Name);

        await SignIn.SubmitLoginAsync(page, "nobody-" + Guid.NewGuid().ToString("N")[..6], "whatever-password");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(WrongCredentials);
    }

    [Fact]
    public async Task Login_LocksOutAfterRepeatedFailures_ForKnownAndUnknownUsersAlike()
    {
        var account = await SignIn.EnsureAccountAsync(app.Server.Services, "e2e-lock-" + Guid.NewGuid().ToString("N")[..6], "viewers");
        var unknown = "ghost-" + Guid.NewGuid().ToString("N")[..6];
        var page = await app.NewAnonymousPageAsync();
        var attempts = app.Server.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuthOptions>>().Value.Local.MaxFailedAttempts;

        foreach (var name in new[] { account.Name, unknown })
        {
            for (var i = 1; i < attempts; i++)
            {
                await SignIn.SubmitLoginAsync(page, name, "wrong-password-" + i);
                await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(WrongCredentials);
            }
            await SignIn.SubmitLoginAsync(page, name, "wrong-password-last");
            await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Too many failed attempts; try again in 15 minutes.");
        }

        // Locked: even the right password is refused, with the same message.
        await SignIn.SubmitLoginAsync(page, account.Name, account.Password);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Too many failed attempts; try again in");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
    }

    [Fact]
    public async Task Logout_MakesCopiedCookieUseless_WhenReplayedLater()
    {
        var page = await app.NewPageAsUserAsync("e2e-replay-" + Guid.NewGuid().ToString("N")[..6], ["viewers"]);
        var cookies = await page.Context.CookiesAsync();
        var header = string.Join("; ", cookies.Select(c => $"{c.Name}={c.Value}"));
        Assert.Contains(cookies, c => c.Name == "zkd.auth" && c.HttpOnly && c.SameSite == SameSiteAttribute.Lax);

        Assert.Equal(HttpStatusCode.OK, await GetWithCookieAsync(header));

        await page.Button("Logout").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));

        // The same cookie, replayed by a plain HTTP client: the server-side session is gone, so it is a stranger.
        Assert.Equal(HttpStatusCode.Redirect, await GetWithCookieAsync(header));
    }

    private async Task<HttpStatusCode> GetWithCookieAsync(string cookieHeader)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        using var client = new HttpClient(handler) { BaseAddress = app.Server.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "");
        request.Headers.Add("Cookie", cookieHeader);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
