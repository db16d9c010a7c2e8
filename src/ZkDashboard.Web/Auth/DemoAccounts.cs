using ZkDashboard.Core.Accounts;

namespace ZkDashboard.Web.Auth;

/// <summary>
/// <c>ZkDashboard.Web demo-accounts</c>: the CLI mode behind <c>./build.sh demo</c>. In the app's own store (same
/// settings as the server), makes sure the local accounts admin (group admins), operator (operators) and viewer
/// (viewers) exist with fresh random passwords, creates one admin API token, prints them and exits. Never used by a
/// running server; there are no default passwords.
/// </summary>
public static class DemoAccounts
{
    /// <summary>The command word.</summary>
    public const string Command = "demo-accounts";

    private static readonly (string Name, string Group, string Role)[] Demo =
    [
        ("admin", AccountNames.AdminsGroup, "admin"),
        ("operator", "operators", "operator"),
        ("viewer", "viewers", "viewer"),
    ];

    /// <summary>True when the process was started as this command.</summary>
    public static bool IsCommand(string[] args) => args is [Command, ..];

    /// <summary>Seeds the accounts and writes the lines <c>Login: NAME / PASSWORD (ROLE)</c> and <c>API token: TOKEN (admin)</c>.</summary>
    public static async Task<int> RunAsync(IServiceProvider services, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(output);
        var accounts = services.GetRequiredService<IAccountService>();
        var tokens = services.GetRequiredService<IApiTokenService>();
        foreach (var (name, group, role) in Demo)
        {
            string password;
            if (await accounts.FindAsync(name).ConfigureAwait(false) is null)
            {
                password = AccountNames.GeneratePassword();
                await accounts.CreateAsync(name, null, [group], password, Command).ConfigureAwait(false);
            }
            else
            {
                await accounts.SetDisabledAsync(name, false, Command).ConfigureAwait(false);
                await accounts.SetGroupsAsync(name, [group], Command).ConfigureAwait(false);
                password = await accounts.ResetPasswordAsync(name, Command).ConfigureAwait(false);
            }
            await output.WriteLineAsync($"Login: {name} / {password} ({role})").ConfigureAwait(false);
        }
        var token = await tokens.CreateAsync("admin", AccountNames.LocalProvider, [AccountNames.AdminsGroup], "demo", ["admin"],
            TimeSpan.FromDays(7)).ConfigureAwait(false);
        await output.WriteLineAsync($"API token: {token.Secret} (admin)").ConfigureAwait(false);
        return 0;
    }
}
