using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Accounts;
using ZkDashboard.Web.Auth.External;

namespace ZkDashboard.Web.Auth;

/// <summary>What a sign-in attempt ended with; <see cref="Message"/> is for the person (never says whether the user exists).</summary>
public sealed record LoginResult(bool Succeeded, string? Message)
{
    public static LoginResult Ok { get; } = new(true, null);
}

/// <summary>
/// The login form's work: local accounts first, then each registered <see cref="IExternalPasswordAuthenticator"/>
/// (LDAP); on success a sign-in into the cookie scheme (which creates the server-side session).
/// </summary>
public sealed class LoginService(IAccountService accounts, IEnumerable<IExternalPasswordAuthenticator> external, ILogger<LoginService> logger,
    IAuditSink audit, TimeProvider clock)
{
    /// <summary>Shown for an unknown user and a wrong password alike.</summary>
    public const string WrongCredentials = "Wrong username or password. Try again, or ask an admin to reset your password.";

    /// <summary>Checks the credentials and signs in on <paramref name="http"/>.</summary>
    public async Task<LoginResult> SignInAsync(HttpContext http, string? userName, string? password)
    {
        var result = await CheckAndSignInAsync(http, userName, password).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            await AuthAudit.RecordAsync(audit, clock, http, null, "LoginFailed", AuditOutcome.Failed, result.Message ?? "sign-in failed", userName).ConfigureAwait(false);
        }
        return result;
    }

    private async Task<LoginResult> CheckAndSignInAsync(HttpContext http, string? userName, string? password)
    {
        ArgumentNullException.ThrowIfNull(http);
        userName = userName?.Trim() ?? "";
        if (userName.Length == 0 || string.IsNullOrEmpty(password))
        {
            return new LoginResult(false, "Enter your username and password.");
        }
        var ct = http.RequestAborted;
        var local = await accounts.CheckPasswordAsync(userName, password, ct).ConfigureAwait(false);
        switch (local.Outcome)
        {
            case PasswordCheckOutcome.Succeeded:
                var a = local.Account!;
                await SignInAsync(http, ZkPrincipals.ForSignIn(a.Name, AccountNames.LocalProvider, a.Groups, a.DisplayName)).ConfigureAwait(false);
                return LoginResult.Ok;
            case PasswordCheckOutcome.LockedOut:
                return new LoginResult(false, LockedMessage(local.RetryAfter));
            case PasswordCheckOutcome.Disabled:
                return new LoginResult(false, "This account is disabled. Ask an admin to enable it.");
        }

        // A local account's name is not tried against the directory: the local account owns that name.
        if (!local.AccountExists)
        {
            foreach (var authenticator in external)
            {
                ExternalIdentity? identity;
                try
                {
                    identity = await authenticator.AuthenticateAsync(userName, password, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Sign-in through {Provider} failed: the directory could not be asked", authenticator.Provider);
                    return new LoginResult(false, ex is LdapUnavailableException unavailable
                        ? unavailable.Message
                        : $"The {authenticator.Provider.ToUpperInvariant()} directory cannot be reached right now. Try again in a minute, or ask an admin.");
                }
                if (identity is not null)
                {
                    await SignInAsync(http, ZkPrincipals.ForSignIn(identity.Name, identity.Provider, identity.Groups, identity.DisplayName)).ConfigureAwait(false);
                    return LoginResult.Ok;
                }
            }
        }
        return new LoginResult(false, WrongCredentials);
    }

    /// <summary>"Too many failed attempts; try again in N minutes."</summary>
    public static string LockedMessage(TimeSpan retryAfter)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalMinutes));
        return $"Too many failed attempts; try again in {minutes} minute{(minutes == 1 ? "" : "s")}.";
    }

    private static Task SignInAsync(HttpContext http, ClaimsPrincipal principal) =>
        http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal,
            new AuthenticationProperties { IsPersistent = false });
}
