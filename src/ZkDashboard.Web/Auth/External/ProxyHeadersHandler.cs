using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ZkDashboard.Web.Auth.External;

/// <summary>Names of the trusted-proxy scheme.</summary>
public static class ProxyHeadersDefaults
{
    /// <summary>The authentication scheme.</summary>
    public const string Scheme = "Proxy";

    /// <summary>The <c>zkd:provider</c> value.</summary>
    public const string Provider = "proxy";
}

/// <summary>
/// The "Proxy" scheme: a principal from the user/groups/email headers, per request, only when the connection's
/// immediate peer is a configured proxy. Anywhere else the headers are ignored (the first time with a Warning).
/// </summary>
public sealed partial class ProxyHeadersHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ProxyHeadersTrust trust,
    ProxyHeadersHandler.Warnings warnings)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var settings = trust.Settings;
        string? user = Context.Request.Headers[settings.UserHeader];
        if (!settings.Enabled || string.IsNullOrWhiteSpace(user))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!trust.IsFromTrustedProxy(Context))
        {
            var peer = ProxyHeadersTrust.PeerAddress(Context)?.ToString() ?? "an unknown address";
            if (warnings.First())
            {
                LogIgnored(Logger, settings.UserHeader, peer, ProxyHeadersOptions.Section);
            }
            else
            {
                LogIgnoredAgain(Logger, settings.UserHeader, peer);
            }

            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, user.Trim()),
            new(ZkClaimTypes.Provider, ProxyHeadersDefaults.Provider),
        };
        if (!string.IsNullOrWhiteSpace(settings.GroupsHeader))
        {
            var groups = Context.Request.Headers[settings.GroupsHeader]
                .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                .Distinct(StringComparer.Ordinal);
            claims.AddRange(groups.Select(g => new Claim(ZkClaimTypes.Group, g)));
        }

        if (!string.IsNullOrWhiteSpace(settings.EmailHeader) && Context.Request.Headers[settings.EmailHeader].ToString() is { Length: > 0 } email)
        {
            claims.Add(new Claim(ClaimTypes.Email, email.Trim()));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name, ClaimTypes.Name, ClaimTypes.Role));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored the {Header} header from {Peer}: it is not a trusted proxy ({Section}:TrustedProxies). Further ones are logged at Debug.")]
    private static partial void LogIgnored(ILogger logger, string header, string peer, string section);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignored the {Header} header from {Peer}: not a trusted proxy.")]
    private static partial void LogIgnoredAgain(ILogger logger, string header, string peer);

    /// <summary>Remembers that the Warning was written (one per app).</summary>
    public sealed class Warnings
    {
        private int written;

        /// <summary>True the first time only.</summary>
        public bool First() => Interlocked.Exchange(ref written, 1) == 0;
    }
}
