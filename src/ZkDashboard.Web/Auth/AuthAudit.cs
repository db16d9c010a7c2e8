using System.Security.Claims;
using ZkDashboard.Core.Access;

namespace ZkDashboard.Web.Auth;

/// <summary>Sign-in, sign-out, failed sign-in and token-use records for the audit trail (never throws: the sink logs its own failures).</summary>
internal static class AuthAudit
{
    public static async Task RecordAsync(IAuditSink audit, TimeProvider clock, HttpContext http, ClaimsPrincipal? principal, string operation,
        AuditOutcome outcome, string detail, string? attemptedName = null, string? provider = null)
    {
        var user = ZkPrincipals.ToActingUser(principal, http.Connection.RemoteIpAddress, http.Request.Headers.UserAgent.ToString(), http.TraceIdentifier);
        if (!user.IsAuthenticated)
        {
            // A failed sign-in: the name that was typed (it may not exist) and where it came from.
            user = ZkPrincipals.ToActingUser(ZkPrincipals.ForSignIn(string.IsNullOrWhiteSpace(attemptedName) ? "(empty)" : attemptedName.Trim(),
                provider ?? "local", []), http.Connection.RemoteIpAddress, http.Request.Headers.UserAgent.ToString(), http.TraceIdentifier);
        }
        await audit.RecordAsync(new AuditRecord(clock.GetUtcNow(), new OperationContext(user, "*", ZkOperationKind.ManageAccess, "/"), outcome, detail)
            { OperationName = operation }, CancellationToken.None).ConfigureAwait(false);
    }
}
