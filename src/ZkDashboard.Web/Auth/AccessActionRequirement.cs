using Microsoft.AspNetCore.Authorization;
using ZkDashboard.Core.Access;

namespace ZkDashboard.Web.Auth;

/// <summary>
/// An authorization requirement answered by Core's <see cref="IAccessPolicy"/> (so pages guarded by a policy name decide
/// with the same bindings as everything else): the signed-in person may do <see cref="Action"/> on every ensemble at
/// <c>/</c>. API tokens never satisfy it (account management needs a person at the keyboard).
/// </summary>
public sealed record AccessActionRequirement(AccessAction Action) : IAuthorizationRequirement;

/// <summary>Evaluates <see cref="AccessActionRequirement"/> with the access policy.</summary>
public sealed class AccessActionRequirementHandler(IAccessPolicy policy) : AuthorizationHandler<AccessActionRequirement>
{
    /// <inheritdoc />
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, AccessActionRequirement requirement)
    {
        if (context.User.HasClaim(c => c.Type == ZkClaimTypes.RoleScope))
        {
            return;
        }
        // context.User is the request's principal, or in a circuit the AuthenticationStateProvider's.
        var user = ZkPrincipals.ToActingUser(context.User, remoteAddress: null);
        var decision = await policy.CanAsync(user, AccessAdministration.AllEnsembles, requirement.Action, "/").ConfigureAwait(false);
        if (decision.Allowed)
        {
            context.Succeed(requirement);
        }
    }
}
