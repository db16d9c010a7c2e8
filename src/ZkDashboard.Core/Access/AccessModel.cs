namespace ZkDashboard.Core.Access;

/// <summary>A named set of actions. Built in: <c>viewer</c>, <c>operator</c>, <c>admin</c>; others come from <c>ZkDashboard:Access:Roles</c>.</summary>
/// <param name="Name">Role name (case-insensitive).</param>
/// <param name="Actions">What it allows.</param>
/// <param name="BuiltIn">True for viewer, operator and admin.</param>
public sealed record AccessRole(string Name, IReadOnlySet<AccessAction> Actions, bool BuiltIn)
{
    /// <summary>The built-in viewer role.</summary>
    public const string Viewer = "viewer";
    /// <summary>The built-in operator role.</summary>
    public const string Operator = "operator";
    /// <summary>The built-in admin role.</summary>
    public const string Admin = "admin";

    /// <summary>The actions as a bit mask (<see cref="AccessActions.Bit"/>).</summary>
    public uint Mask { get; } = Actions.Aggregate(0u, (m, a) => m | AccessActions.Bit(a));

    /// <summary>viewer, operator, admin.</summary>
    public static IReadOnlyList<AccessRole> BuiltInRoles { get; } = CreateBuiltIns();

    private static AccessRole[] CreateBuiltIns()
    {
        AccessAction[] viewer = [AccessAction.Read, AccessAction.ReadData, AccessAction.Watch];
        AccessAction[] op = [.. viewer, AccessAction.Create, AccessAction.SetData, AccessAction.Delete, AccessAction.DeleteRecursive,
            AccessAction.SetAcl, AccessAction.CopyMove, AccessAction.FourLetterWords, AccessAction.AcknowledgeAlerts];
        return
        [
            new AccessRole(Viewer, viewer.ToHashSet(), true),
            new AccessRole(Operator, op.ToHashSet(), true),
            new AccessRole(Admin, AccessActions.All.ToHashSet(), true),
        ];
    }
}

/// <summary>Where a binding is defined.</summary>
public enum AccessBindingSource
{
    /// <summary><c>ZkDashboard:Access:Bindings</c> in appsettings (read-only in the UI).</summary>
    Configuration,
    /// <summary>The dashboard store (edited by admins on <c>/admin/access</c>).</summary>
    Store,
}

/// <summary>Gives a subject a role on an ensemble glob and a path glob.</summary>
/// <param name="Id">Stable id: <c>config:N</c> for configuration entry N, <c>store:N</c> for stored row N.</param>
/// <param name="Subject"><c>user:NAME</c> or <c>group:NAME</c>.</param>
/// <param name="Provider">When set, only identities from this provider (<c>local</c>, <c>ldap</c>, <c>oidc</c>, <c>proxy</c>, <c>token</c>).</param>
/// <param name="Role">A role name.</param>
/// <param name="Ensembles">Ensemble glob (<c>*</c>).</param>
/// <param name="Paths">Path glob (<c>/**</c>).</param>
/// <param name="Source">Configuration or store.</param>
public sealed record AccessBinding(string Id, string Subject, string? Provider, string Role, string Ensembles, string Paths, AccessBindingSource Source)
{
    /// <summary>Path globs where this binding's create, setData, delete and setAcl become change requests that someone
    /// else with <c>approveChanges</c> must approve (four-eyes). Empty: no approval needed.</summary>
    public IReadOnlyList<string> RequireApproval { get; init; } = [];

    /// <summary>The binding in one line, as the UI and messages show it.</summary>
    public override string ToString()
        => $"{Subject}{(Provider is null ? "" : $" ({Provider})")} → {Role} on {Ensembles} {Paths}"
            + (RequireApproval.Count == 0 ? "" : $", approval required on {string.Join(", ", RequireApproval)}") + $" [{Id}]";
}

/// <summary>A binding as written by a person (the store's editable form, validated before it is saved).</summary>
public sealed record AccessBindingInput(string Subject, string? Provider, string Role, string Ensembles, string Paths)
{
    /// <summary>Path globs where writes through this binding need approval (see <see cref="AccessBinding.RequireApproval"/>).</summary>
    public IReadOnlyList<string> RequireApproval { get; init; } = [];
}

/// <summary>Binding shape of <c>ZkDashboard:Access</c>.</summary>
public sealed class AccessOptions
{
    /// <summary>The settings section.</summary>
    public const string SectionName = "ZkDashboard:Access";

    /// <summary>Custom roles.</summary>
    public List<RoleEntry> Roles { get; set; } = [];

    /// <summary>Bindings (read-only in the UI).</summary>
    public List<BindingEntry> Bindings { get; set; } = [];

    /// <summary>Path globs where node writes need the admin role.</summary>
    public List<string> ProtectedPaths { get; set; } = [];

    /// <summary>Path globs whose data only roles with <c>readData</c> see (existence and stat stay visible).</summary>
    public List<string> SensitiveData { get; set; } = [];

    /// <summary>How often stored bindings are checked for changes made by another instance on the same store (0: never).</summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>One custom role.</summary>
    public sealed class RoleEntry
    {
        /// <summary>Role name.</summary>
        public string? Name { get; set; }
        /// <summary>Action names (<c>read</c>, <c>setData</c>…).</summary>
        public List<string> Actions { get; set; } = [];
    }

    /// <summary>One binding.</summary>
    public sealed class BindingEntry
    {
        /// <summary><c>user:NAME</c> or <c>group:NAME</c>.</summary>
        public string? Subject { get; set; }
        /// <summary>Optional provider.</summary>
        public string? Provider { get; set; }
        /// <summary>Role name.</summary>
        public string? Role { get; set; }
        /// <summary>Ensemble glob (default <c>*</c>).</summary>
        public string? Ensembles { get; set; }
        /// <summary>Path glob (default <c>/**</c>).</summary>
        public string? Paths { get; set; }
        /// <summary>Path globs where this binding's node writes need approval (<c>["/configs/checkout"]</c>).</summary>
        public List<string> RequireApproval { get; set; } = [];
    }
}

/// <summary>The answer to "may this user do this here?", with a reason a person can act on.</summary>
/// <param name="Allowed">True when allowed.</param>
/// <param name="Action">The action asked about.</param>
/// <param name="Ensemble">Where.</param>
/// <param name="Path">On which node.</param>
/// <param name="Reason">Why (allowed: the granting binding; denied: what is needed and whom to ask).</param>
/// <param name="Binding">The granting binding, when one grants it.</param>
public sealed record AccessDecision(bool Allowed, AccessAction Action, string Ensemble, string Path, string Reason, AccessBinding? Binding)
{
    /// <summary>Not allowed directly, but allowed through a change request: every binding that grants the action here
    /// requires approval (<see cref="Binding"/> is one of them). <see cref="Reason"/> says so.</summary>
    public bool RequiresApproval { get; init; }
}

/// <summary>One line of "why can/can't I": an action and every binding that was considered for it.</summary>
/// <param name="Decision">The decision.</param>
/// <param name="Considered">Each binding of the user's subjects, with why it does or does not apply.</param>
public sealed record AccessExplanation(AccessDecision Decision, IReadOnlyList<BindingVerdict> Considered);

/// <summary>Why one binding applies or not to a question.</summary>
/// <param name="Binding">The binding.</param>
/// <param name="Grants">True when this binding grants the action.</param>
/// <param name="Why">In words ("role viewer lacks setData", "path /kafka/** does not match /configs/a").</param>
public sealed record BindingVerdict(AccessBinding Binding, bool Grants, string Why);
