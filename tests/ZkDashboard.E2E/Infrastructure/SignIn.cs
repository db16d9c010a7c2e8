using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ZkDashboard.Core.Accounts;

namespace ZkDashboard.E2E.Infrastructure;

/// <summary>A local account seeded for a test, with its password.</summary>
public sealed record TestAccount(string Name, string Password, IReadOnlyList<string> Groups);

/// <summary>Seeds local accounts through the app's services and signs in through the real /login form.</summary>
public static class SignIn
{
    /// <summary>The default admin of the E2E apps (local group "admins").</summary>
    public const string AdminName = "e2e-admin";

    /// <summary>Creates the account, or resets its password (and unlocks it) when it exists; returns the password.</summary>
    public static async Task<TestAccount> EnsureAccountAsync(IServiceProvider services, string name, params string[] groups)
    {
        ArgumentNullException.ThrowIfNull(services);
        var accounts = services.GetRequiredService<IAccountService>();
        if (await accounts.FindAsync(name) is { } existing)
        {
            await accounts.SetDisabledAsync(name, false, "e2e");
            await accounts.UnlockAsync(name, "e2e");
            if (groups.Length > 0 && !existing.Groups.SequenceEqual(groups, StringComparer.OrdinalIgnoreCase))
            {
                await accounts.SetGroupsAsync(name, groups, "e2e");
            }
            var password = await accounts.ResetPasswordAsync(name, "e2e");
            return new TestAccount(existing.Name, password, groups.Length > 0 ? groups : existing.Groups);
        }
        var fresh = AccountNames.GeneratePassword();
        var created = await accounts.CreateAsync(name, null, groups, fresh, "e2e");
        return new TestAccount(created.Name, fresh, created.Groups);
    }

    /// <summary>Fills the login form (labelled Username and Password) on <paramref name="page"/> and submits it.</summary>
    public static async Task SubmitLoginAsync(IPage page, string userName, string password)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.Labelled("Username").FillAsync(userName);
        await page.Labelled("Password").FillAsync(password);
        // The form posts without enhancement: wait for the answer's page, so a message left from the previous
        // attempt is not mistaken for this one's (and the next attempt does not type into a page being replaced).
        // (Obsolete only because it is racy for client-side routing; this form makes a full navigation.)
#pragma warning disable CS0612
        await page.RunAndWaitForNavigationAsync(() => page.Button("Sign in").ClickAsync(), new() { Timeout = 30_000 });
#pragma warning restore CS0612
    }

    /// <summary>Opens /login in <paramref name="context"/>, signs in and waits for the home page.</summary>
    public static async Task SignInAsync(IBrowserContext context, TestAccount account)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(account);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync("login");
        await SubmitLoginAsync(page, account.Name, account.Password);
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 30_000 });
        await page.CloseAsync();
    }
}
