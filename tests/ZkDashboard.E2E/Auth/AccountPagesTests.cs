using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ZkDashboard.Core.Accounts;
using ZkDashboard.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Auth;

/// <summary>/admin/users and /account in Chromium: an admin creates and disables a user, a user changes their password
/// and creates an API token.</summary>
[Collection(E2ECollection.Name)]
public sealed class AccountPagesTests(AppFixture app)
{
    [Fact]
    public async Task AdminUsers_CreatesUserWithShownPassword_AndDisableSignsThemOut()
    {
        var name = "e2e-made-" + Guid.NewGuid().ToString("N")[..6];
        var admin = await app.NewPageAsync("admin/users");

        await admin.Labelled("Username").FillAsync(name);
        await admin.Labelled("Groups").FillAsync("operators, team-a");
        await admin.Button("Create user").ClickAsync();
        var shown = admin.Labelled($"Password for {name} (shown once; give it to the user)");
        await Expect(shown).ToHaveValueAsync(new Regex("^[A-Za-z0-9]{20}$"));
        var password = await shown.InputValueAsync();
        Assert.Equal(["operators", "team-a"], (await app.Server.Services.GetRequiredService<IAccountService>().FindAsync(name))!.Groups);

        var context = await app.Browser.NewContextAsync(app.BaseUrl);
        try
        {
            await SignIn.SignInAsync(context, new TestAccount(name, password, ["operators", "team-a"]));
            var user = await context.NewPageAsync();
            await user.GotoAndWaitForInteractiveAsync();
            await Expect(user.Button("Logout")).ToBeVisibleAsync();

            await admin.Button($"Disable {name}").ClickAsync();
            await Expect(admin.GetByRole(AriaRole.Status).First).ToContainTextAsync($"{name} is disabled");

            await user.ReloadAsync();
            await Expect(user).ToHaveURLAsync(new Regex("/login"));
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    [Fact]
    public async Task Account_CreatesTokenShownOnce_AndPasswordChangeSignsOutOtherSessionsOnly()
    {
        var account = await SignIn.EnsureAccountAsync(app.Server.Services, "e2e-self-" + Guid.NewGuid().ToString("N")[..6], "viewers");
        var mine = await app.Browser.NewContextAsync(app.BaseUrl);
        var elsewhere = await app.Browser.NewContextAsync(app.BaseUrl);
        try
        {
            await SignIn.SignInAsync(mine, account);
            await SignIn.SignInAsync(elsewhere, account);
            var page = await mine.NewPageAsync();
            page.SetDefaultTimeout(30_000);
            await page.GotoAndWaitForInteractiveAsync("account");

            await page.Labelled("Token name").FillAsync("ci");
            await page.Button("Create token").ClickAsync();
            var secret = page.Labelled("New token");
            await Expect(secret).ToHaveValueAsync(new Regex("^zkd_[A-Za-z0-9_-]{43}$"));
            await Expect(page.Role(AriaRole.Table, "Your API tokens")).ToContainTextAsync("ci");
            Assert.NotNull(await app.Server.Services.GetRequiredService<IApiTokenService>().ValidateAsync(await secret.InputValueAsync()));

            await page.Labelled("Current password").FillAsync("wrong current password");
            await page.Labelled("New password").FillAsync("brand new password 1");
            await page.Labelled("Confirm new password").FillAsync("brand new password 1");
            await page.Button("Change password").ClickAsync();
            await Expect(page.GetByText("The current password is wrong: type it again.")).ToBeVisibleAsync();

            await page.Labelled("Current password").FillAsync(account.Password);
            await page.Labelled("New password").FillAsync("brand new password 1");
            await page.Labelled("Confirm new password").FillAsync("brand new password 1");
            await page.Button("Change password").ClickAsync();
            await Expect(page.GetByText("Password changed. Your other sessions were signed out.")).ToBeVisibleAsync();

            var other = await elsewhere.NewPageAsync();
            await other.GotoAsync("account");
            await Expect(other).ToHaveURLAsync(new Regex("/login"));
            await page.ReloadAsync();
            await page.WaitForInteractiveAsync();
            await Expect(page.Heading("Your account")).ToBeVisibleAsync();
        }
        finally
        {
            await mine.CloseAsync();
            await elsewhere.CloseAsync();
        }
    }
}
