namespace ZkDashboard.Core.Access;

/// <summary>What a person may do. Roles are sets of these; settings spell them in lower camel case (<c>readData</c>).</summary>
public enum AccessAction
{
    /// <summary>See a node: stat, ACL, children (and data unless a sensitive-data mask hides it).</summary>
    Read,
    /// <summary>See the data of nodes under a sensitive-data mask (<c>ZkDashboard:Access:SensitiveData</c>).</summary>
    ReadData,
    /// <summary>Subscribe to watch events.</summary>
    Watch,
    /// <summary>Create nodes.</summary>
    Create,
    /// <summary>Set a node's data.</summary>
    SetData,
    /// <summary>Delete one node.</summary>
    Delete,
    /// <summary>Delete a subtree.</summary>
    DeleteRecursive,
    /// <summary>Set a node's ACL.</summary>
    SetAcl,
    /// <summary>Copy or move subtrees.</summary>
    CopyMove,
    /// <summary>Run four-letter words against the servers.</summary>
    FourLetterWords,
    /// <summary>Add, edit and remove ensembles at runtime.</summary>
    ManageEnsembles,
    /// <summary>Edit roles and bindings, and explain anyone's access.</summary>
    ManageAccess,
    /// <summary>Read the audit log.</summary>
    ReadAudit,
    /// <summary>Acknowledge health alerts.</summary>
    AcknowledgeAlerts,
    /// <summary>Change the ensemble's membership (reconfig).</summary>
    Reconfig,
    /// <summary>See and cancel other people's bulk jobs on an ensemble (everyone sees and cancels their own).</summary>
    ManageJobs,
    /// <summary>Review, apply or reject other people's change requests (four-eyes changes on paths a binding marks
    /// <c>RequireApproval</c>). In admin only; the author of a request can never approve it, whatever their role.</summary>
    ApproveChanges,
}

/// <summary>Names, groups and mappings of <see cref="AccessAction"/>.</summary>
public static class AccessActions
{
    /// <summary>Every action, in declaration order.</summary>
    public static IReadOnlyList<AccessAction> All { get; } = Enum.GetValues<AccessAction>();

    /// <summary>The bit mask with every action.</summary>
    public static uint AllMask { get; } = All.Aggregate(0u, (m, a) => m | Bit(a));

    /// <summary>The bit of one action in a role's mask.</summary>
    public static uint Bit(AccessAction action) => 1u << (int)action;

    /// <summary>The settings spelling (<c>readData</c>).</summary>
    public static string Name(AccessAction action)
    {
        var s = action.ToString();
        return char.ToLowerInvariant(s[0]) + s[1..];
    }

    /// <summary>Parses a settings spelling (case-insensitive); false for unknown names.</summary>
    public static bool TryParse(string? text, out AccessAction action)
    {
        action = default;
        return !string.IsNullOrWhiteSpace(text) && !int.TryParse(text, out _)
            && Enum.TryParse(text.Trim(), ignoreCase: true, out action) && Enum.IsDefined(action);
    }

    /// <summary>True for actions that change a node (refused on read-only ensembles, admin-only on protected paths).</summary>
    public static bool IsNodeWrite(AccessAction action)
        => action is AccessAction.Create or AccessAction.SetData or AccessAction.Delete or AccessAction.DeleteRecursive
            or AccessAction.SetAcl or AccessAction.CopyMove or AccessAction.Reconfig;

    /// <summary>True for the node writes that a <c>RequireApproval</c> binding turns into change requests (one node each).</summary>
    public static bool CanBeChangeRequest(AccessAction action)
        => action is AccessAction.Create or AccessAction.SetData or AccessAction.Delete or AccessAction.SetAcl;

    /// <summary>True for actions about a whole ensemble or the dashboard, not a path (checked on path <c>/</c>).</summary>
    public static bool IsGlobal(AccessAction action)
        => action is AccessAction.FourLetterWords or AccessAction.ManageEnsembles or AccessAction.ManageAccess
            or AccessAction.ReadAudit or AccessAction.AcknowledgeAlerts or AccessAction.Reconfig or AccessAction.ManageJobs;

    /// <summary>The action an operation kind needs.</summary>
    public static AccessAction For(ZkOperationKind kind) => kind switch
    {
        ZkOperationKind.Read => AccessAction.Read,
        ZkOperationKind.Create => AccessAction.Create,
        ZkOperationKind.SetData => AccessAction.SetData,
        ZkOperationKind.Delete => AccessAction.Delete,
        ZkOperationKind.DeleteRecursive => AccessAction.DeleteRecursive,
        ZkOperationKind.SetAcl => AccessAction.SetAcl,
        ZkOperationKind.Copy => AccessAction.CopyMove,
        ZkOperationKind.Move => AccessAction.CopyMove,
        ZkOperationKind.Watch => AccessAction.Watch,
        ZkOperationKind.FourLetterWord => AccessAction.FourLetterWords,
        ZkOperationKind.Reconfig => AccessAction.Reconfig,
        ZkOperationKind.AcknowledgeAlert => AccessAction.AcknowledgeAlerts,
        ZkOperationKind.ManageEnsembles => AccessAction.ManageEnsembles,
        ZkOperationKind.ManageAccess => AccessAction.ManageAccess,
        ZkOperationKind.ApproveChanges => AccessAction.ApproveChanges,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "This operation kind has no access action; map it in AccessActions.For."),
    };
}
