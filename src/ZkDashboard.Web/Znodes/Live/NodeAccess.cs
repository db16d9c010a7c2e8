using ZkDashboard.Core.Access;

namespace ZkDashboard.Web.Znodes.Live;

/// <summary>
/// What the person may do on one node, for the explorer's controls: a control is disabled when its action is
/// refused and its tooltip and note give the policy's reason. The Core service refuses anyway (a re-enabled,
/// forged button gets <see cref="AccessDeniedException"/>, audited).
/// </summary>
public sealed class NodeAccess
{
    private readonly Dictionary<AccessAction, AccessDecision> _decisions;

    private NodeAccess(Dictionary<AccessAction, AccessDecision> decisions) => _decisions = decisions;

    /// <summary>Asks the policy about <paramref name="actions"/> at one node.</summary>
    public static async Task<NodeAccess> LoadAsync(IAccessPolicy policy, ActingUser user, string ensemble, string path, params AccessAction[] actions)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(actions);
        var decisions = new Dictionary<AccessAction, AccessDecision>();
        foreach (var a in actions)
        {
            decisions[a] = await policy.CanAsync(user, ensemble, a, path).ConfigureAwait(false);
        }
        return new NodeAccess(decisions);
    }

    /// <summary>True when the action is allowed, directly or through a change request (false for actions not asked about).</summary>
    public bool Can(AccessAction action) => _decisions.TryGetValue(action, out var d) && (d.Allowed || d.RequiresApproval);

    /// <summary>True when the action is possible only as a change request (four-eyes): saving submits it for approval.</summary>
    public bool NeedsApproval(AccessAction action) => _decisions.TryGetValue(action, out var d) && !d.Allowed && d.RequiresApproval;

    /// <summary>For a tooltip or note: "Needs approval: …" when <see cref="NeedsApproval"/>, null otherwise.</summary>
    public string? ApprovalNote(AccessAction action)
        => NeedsApproval(action) ? "Needs approval: " + _decisions[action].Reason : null;

    /// <summary>Why the action is refused, for a tooltip or note ("Not allowed: setData needs operator … — ask an admin."); null when allowed
    /// (also when it is allowed through a change request: see <see cref="ApprovalNote"/>).</summary>
    public string? Why(AccessAction action)
        => _decisions.TryGetValue(action, out var d) ? d.Allowed || d.RequiresApproval ? null : "Not allowed: " + d.Reason : null;
}
