namespace ZkDashboard.Core.Access;

/// <summary>What a user may see at a path (for filtering children, search results and events).</summary>
[Flags]
public enum ReadScope
{
    /// <summary>Nothing at or below the path.</summary>
    None = 0,
    /// <summary>Something at or below the path is readable: the person may list this node's children to get there.</summary>
    Browse = 1,
    /// <summary>The node itself (stat, ACL, children).</summary>
    Node = 2,
    /// <summary>The node's data (not hidden by a sensitive-data mask).</summary>
    Data = 4,
    /// <summary>Every node below is readable with its data too: results below need no per-node filtering.</summary>
    Subtree = 8,
}

/// <summary>The decision logic over a compiled <see cref="AccessRules"/> snapshot (pure, thread-safe).</summary>
public static class AccessEvaluator
{
    /// <summary>Decides one action. <paramref name="ensembleReadOnly"/>: node writes are refused for everyone.</summary>
    public static AccessDecision Decide(AccessRules rules, ActingUser user, string ensemble, AccessAction action, string path, bool ensembleReadOnly)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(user);
        var write = AccessActions.IsNodeWrite(action) || action == AccessAction.ApproveChanges;
        if (write && ensembleReadOnly)
        {
            return Deny(action, ensemble, path, $"ensemble '{ensemble}' is read-only (ReadOnly: true in its settings), so nobody may change it; an admin can change the ensemble's settings.");
        }
        if (user.IsSystem)
        {
            return new AccessDecision(true, action, ensemble, path, "the dashboard itself (system) may do everything.", null);
        }
        if (!user.IsAuthenticated)
        {
            return Deny(action, ensemble, path, $"nobody is signed in; sign in to {AccessActions.Name(action)}.");
        }
        if (user.Approval is { } grant && grant.Allows(ensemble, action, path))
        {
            return new AccessDecision(true, action, ensemble, path, $"applies change request #{grant.RequestId}, approved by {user.Name}.", null);
        }
        var bit = AccessActions.Bit(action);
        var scope = rules.ScopeMask(user);
        var global = AccessActions.IsGlobal(action);
        var protectedPath = write && rules.IsProtected(path);
        var blocks = new Blocks();
        foreach (var b in rules.UserBindings(user.Name))
        {
            if (Grants(b, user, ensemble, path, bit, scope, global, protectedPath, ref blocks))
            {
                return Allow(action, ensemble, path, b.Binding);
            }
        }
        if (user.Groups is IReadOnlyList<string> groups)
        {
            // Indexed: no enumerator allocation per decision.
            for (var i = 0; i < groups.Count; i++)
            {
                foreach (var b in rules.GroupBindings(groups[i]))
                {
                    if (Grants(b, user, ensemble, path, bit, scope, global, protectedPath, ref blocks))
                    {
                        return Allow(action, ensemble, path, b.Binding);
                    }
                }
            }
        }
        else
        {
            foreach (var g in user.Groups)
            {
                foreach (var b in rules.GroupBindings(g))
                {
                    if (Grants(b, user, ensemble, path, bit, scope, global, protectedPath, ref blocks))
                    {
                        return Allow(action, ensemble, path, b.Binding);
                    }
                }
            }
        }
        if (blocks.ApprovalOnly is { } approval)
        {
            return new AccessDecision(false, action, ensemble, path, ApprovalReason(action, path, approval), approval.Binding) { RequiresApproval = true };
        }
        if (blocks.ApprovalBelow is { } below)
        {
            return Deny(action, ensemble, path, BulkApprovalReason(action, path, below));
        }
        return Deny(action, ensemble, path, DenialReason(user, action, ensemble, path, global, blocks.Scope, blocks.Protection));
    }

    /// <summary>What kept the user's bindings from granting an action (for the reason of a refusal).</summary>
    private struct Blocks
    {
        public bool Scope;
        public bool Protection;
        public AccessRules.CompiledBinding? ApprovalOnly;
        public AccessRules.CompiledBinding? ApprovalBelow;
    }

    private static string ApprovalReason(AccessAction action, string path, AccessRules.CompiledBinding b)
        => $"{AccessActions.Name(action)} on {path} needs approval for {b.Role.Name} (binding {b.Binding.Id} requires approval on {b.ApprovalAt(path)?.Pattern}): "
            + "it is submitted as a change request, and someone else with approveChanges applies or rejects it.";

    private static string BulkApprovalReason(AccessAction action, string path, AccessRules.CompiledBinding b)
        => $"{AccessActions.Name(action)} is refused here: {path} or a node below it needs approval for {b.Role.Name} (RequireApproval {b.ApprovalAtOrBelow(path)?.Pattern}), "
            + "and only single-node writes can become change requests.";

    /// <summary>What the user may see at <paramref name="path"/> (see <see cref="ReadScope"/>).</summary>
    public static ReadScope GetReadScope(AccessRules rules, ActingUser user, string ensemble, string path)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(user);
        if (user.IsSystem)
        {
            return ReadScope.Browse | ReadScope.Node | ReadScope.Data | ReadScope.Subtree;
        }
        if (!user.IsAuthenticated)
        {
            return ReadScope.None;
        }
        var scope = rules.ScopeMask(user);
        var readBit = AccessActions.Bit(AccessAction.Read);
        var dataBit = AccessActions.Bit(AccessAction.ReadData);
        var result = ReadScope.None;
        var sensitive = rules.IsSensitive(path);
        var noSensitiveBelow = rules.NoSensitiveAtOrBelow(path);
        foreach (var b in rules.BindingsOf(user))
        {
            var mask = b.Role.Mask & scope;
            if ((mask & readBit) == 0 || !ProviderMatches(b, user) || !b.Ensembles.IsMatch(ensemble))
            {
                continue;
            }
            if (b.Paths.CouldMatchAtOrBelow(path))
            {
                result |= ReadScope.Browse;
            }
            if (b.Paths.IsMatch(path))
            {
                result |= ReadScope.Node;
                if (!sensitive || (mask & dataBit) != 0)
                {
                    result |= ReadScope.Data;
                }
            }
            if (b.Paths.CoversSubtree(path) && (noSensitiveBelow || (mask & dataBit) != 0))
            {
                result |= ReadScope.Subtree;
            }
        }
        return result;
    }

    /// <summary>True when a binding of the user could allow <paramref name="action"/> at <paramref name="path"/> or below it.</summary>
    public static bool CanAtOrBelow(AccessRules rules, ActingUser user, string ensemble, AccessAction action, string path)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(user);
        if (user.IsSystem)
        {
            return true;
        }
        if (!user.IsAuthenticated)
        {
            return false;
        }
        var bit = AccessActions.Bit(action) & rules.ScopeMask(user);
        foreach (var b in rules.BindingsOf(user))
        {
            if ((b.Role.Mask & bit) != 0 && ProviderMatches(b, user) && b.Ensembles.IsMatch(ensemble) && b.Paths.CouldMatchAtOrBelow(path))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Every action for one user and path, with each considered binding's verdict.</summary>
    public static IReadOnlyList<AccessExplanation> Explain(AccessRules rules, ActingUser user, string ensemble, string path, bool ensembleReadOnly)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(user);
        var mine = rules.BindingsOf(user).Distinct().ToList();
        var scope = rules.ScopeMask(user);
        var result = new List<AccessExplanation>();
        foreach (var action in AccessActions.All)
        {
            var decision = Decide(rules, user, ensemble, action, path, ensembleReadOnly);
            var global = AccessActions.IsGlobal(action);
            var protectedPath = (AccessActions.IsNodeWrite(action) || action == AccessAction.ApproveChanges) && rules.IsProtected(path);
            var bit = AccessActions.Bit(action);
            var verdicts = new List<BindingVerdict>(mine.Count);
            foreach (var b in mine)
            {
                string why;
                var grants = false;
                if (!ProviderMatches(b, user))
                {
                    why = $"only for provider {b.Provider}; this identity is from {user.Provider}";
                }
                else if ((b.Role.Mask & bit) == 0)
                {
                    why = $"role {b.Role.Name} does not include {AccessActions.Name(action)}";
                }
                else if ((scope & bit) == 0)
                {
                    why = $"the API token is limited to {string.Join(", ", user.RoleScope ?? [])}, which lacks {AccessActions.Name(action)}";
                }
                else if (!b.Ensembles.IsMatch(ensemble))
                {
                    why = $"ensemble glob {b.Ensembles.Pattern} does not match '{ensemble}'";
                }
                else if (global && !b.Paths.MatchesEverything)
                {
                    why = $"{AccessActions.Name(action)} is ensemble-wide and needs a binding on /**, this one is on {b.Paths.Pattern}";
                }
                else if (!global && !b.Paths.IsMatch(path))
                {
                    why = $"path glob {b.Paths.Pattern} does not match {path}";
                }
                else if (protectedPath && b.Role.Mask != AccessActions.AllMask)
                {
                    why = $"{path} is a protected path and role {b.Role.Name} is not admin";
                }
                else if (AccessActions.CanBeChangeRequest(action) && b.ApprovalAt(path) is { } approval)
                {
                    why = $"grants it only with approval: RequireApproval {approval.Pattern} matches {path}, so it becomes a change request";
                }
                else if (action is AccessAction.DeleteRecursive or AccessAction.CopyMove && b.ApprovalAtOrBelow(path) is { } below)
                {
                    why = $"RequireApproval {below.Pattern} matches {path} or a node below it, and {AccessActions.Name(action)} cannot be a change request";
                }
                else
                {
                    grants = !((AccessActions.IsNodeWrite(action) || action == AccessAction.ApproveChanges) && ensembleReadOnly);
                    why = grants ? "grants it" : $"would grant it, but ensemble '{ensemble}' is read-only";
                }
                verdicts.Add(new BindingVerdict(b.Binding, grants, why));
            }
            result.Add(new AccessExplanation(decision, verdicts));
        }
        return result;
    }

    private static bool Grants(AccessRules.CompiledBinding b, ActingUser user, string ensemble, string path, uint bit, uint scope, bool global,
        bool protectedPath, ref Blocks blocks)
    {
        if ((b.Role.Mask & bit) == 0 || !ProviderMatches(b, user) || !b.Ensembles.IsMatch(ensemble)
            || !(global ? b.Paths.MatchesEverything : b.Paths.IsMatch(path)))
        {
            return false;
        }
        if ((scope & bit) == 0)
        {
            blocks.Scope = true;
            return false;
        }
        if (protectedPath && b.Role.Mask != AccessActions.AllMask)
        {
            blocks.Protection = true;
            return false;
        }
        if (b.Approval.Length > 0)
        {
            if ((bit & ChangeRequestBits) != 0 && b.ApprovalAt(path) is not null)
            {
                blocks.ApprovalOnly ??= b;
                return false;
            }
            if ((bit & BulkWriteBits) != 0 && b.ApprovalAtOrBelow(path) is not null)
            {
                blocks.ApprovalBelow ??= b;
                return false;
            }
        }
        return true;
    }

    private static readonly uint ChangeRequestBits = AccessActions.Bit(AccessAction.Create) | AccessActions.Bit(AccessAction.SetData)
        | AccessActions.Bit(AccessAction.Delete) | AccessActions.Bit(AccessAction.SetAcl);

    private static readonly uint BulkWriteBits = AccessActions.Bit(AccessAction.DeleteRecursive) | AccessActions.Bit(AccessAction.CopyMove);

    private static bool ProviderMatches(AccessRules.CompiledBinding b, ActingUser user)
        => b.Provider is null || string.Equals(b.Provider, user.Provider, StringComparison.OrdinalIgnoreCase);

    private static AccessDecision Allow(AccessAction action, string ensemble, string path, AccessBinding binding)
        => new(true, action, ensemble, path, $"granted by {binding}", binding);

    private static AccessDecision Deny(AccessAction action, string ensemble, string path, string reason)
        => new(false, action, ensemble, path, reason, null);

    private static string DenialReason(ActingUser user, AccessAction action, string ensemble, string path, bool global, bool scope, bool protection)
    {
        var name = AccessActions.Name(action);
        var where = global ? $"ensemble '{ensemble}' (all paths, /**)" : $"{path} on ensemble '{ensemble}'";
        if (protection)
        {
            return $"{path} is a protected path: {name} there needs admin on ensemble '{ensemble}' — ask an admin.";
        }
        if (scope)
        {
            return $"your API token is limited to the role(s) {string.Join(", ", user.RoleScope ?? [])}, which do not include {name}; use a token with {MinimalRole(action)}.";
        }
        return $"{name} needs {MinimalRole(action)} on {where}, and no binding gives {user.Name} that — ask an admin.";
    }

    /// <summary>The smallest built-in role that includes the action.</summary>
    public static string MinimalRole(AccessAction action)
        => AccessRole.BuiltInRoles.First(r => r.Actions.Contains(action)).Name;
}
