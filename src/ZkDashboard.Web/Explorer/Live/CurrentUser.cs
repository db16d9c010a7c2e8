using System.Security.Claims;
using ZkDashboard.Core.Access;

namespace ZkDashboard.Web.Explorer.Live;

/// <summary>
/// Until logins exist: the authenticated name (and role claims) when the request carries one, otherwise
/// "anonymous" with the admin role. The remote address goes into the audit log. Captured once per circuit.
/// </summary>
public sealed class CurrentUser : ICurrentUser
{
    /// <summary>Name used when the request is not authenticated.</summary>
    public const string AnonymousName = "anonymous";

    private readonly IHttpContextAccessor _http;
    private ActingUser? _user;

    /// <summary>Creates the service for one circuit.</summary>
    public CurrentUser(IHttpContextAccessor http) => _http = http;

    /// <inheritdoc />
    public ActingUser User => _user ??= Resolve(_http.HttpContext);

    /// <summary>The acting user for a request (null: no request, e.g. a background render).</summary>
    public static ActingUser Resolve(HttpContext? context)
    {
        var address = context?.Connection.RemoteIpAddress?.ToString();
        var principal = context?.User;
        if (principal?.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name })
        {
            var roles = principal.FindAll(ClaimTypes.Role).Select(c => c.Value).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            return new ActingUser(name, roles, address);
        }

        // Until sign-in lands (issue 10, "auth"): a local member of the group the default binding makes admin.
        return new ActingUser(AnonymousName, ["admins"], address);
    }
}
