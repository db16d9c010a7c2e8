namespace ZkDashboard.Core.Access;

/// <summary>
/// The person (or the dashboard itself) on whose behalf a read, a write or a subscription runs. Every call
/// through the Core boundary (<see cref="ZkDashboard.Core.Operations.IZooKeeperOperations"/> and its siblings)
/// takes one, so access checks and the audit log can say who did what.
/// </summary>
/// <param name="Name">A stable user name (login name, or <c>system</c>).</param>
/// <param name="Groups">Group names from the identity provider (local account groups, LDAP/OIDC groups,
/// proxy header groups). Access bindings grant roles to users and groups.</param>
/// <param name="RemoteAddress">Where the request came from, when known (for the audit log).</param>
public sealed record ActingUser(string Name, IReadOnlyCollection<string> Groups, string? RemoteAddress)
{
    /// <summary>Name of the user that stands for "nobody signed in".</summary>
    public const string AnonymousName = "anonymous";

    /// <summary>Who vouched for the identity: <c>local</c>, <c>ldap</c>, <c>oidc</c>, <c>proxy</c>, <c>token</c>,
    /// <c>system</c> or <c>anonymous</c>.</summary>
    public string Provider { get; init; } = "local";

    /// <summary>For a personal API token: the only roles whose actions count (null: no restriction).</summary>
    public IReadOnlyCollection<string>? RoleScope { get; init; }

    /// <summary>The client's User-Agent, when known (for the audit log).</summary>
    public string? UserAgent { get; init; }

    /// <summary>The request (or circuit) this action came from, when known (for the audit log).</summary>
    public string? RequestId { get; init; }

    /// <summary>Set only by the change-request service while it applies an approved request: allows exactly that one
    /// write for this approver, past the approval requirement (Core-internal, so no caller can forge it).</summary>
    internal Changes.ApprovalGrant? Approval { get; init; }

    /// <summary>The dashboard itself (background work such as health polling or cache refresh).</summary>
    public static ActingUser System { get; } = new("system", [], null) { Provider = "system" };

    /// <summary>Nobody signed in: has no rights at all.</summary>
    public static ActingUser Anonymous { get; } = new(AnonymousName, [], null) { Provider = "anonymous" };

    /// <summary>True for <see cref="System"/> (background work of the dashboard itself).</summary>
    public bool IsSystem => ReferenceEquals(this, System) || (Provider == "system" && Name == "system");

    /// <summary>True when a person (or token) signed in; false for <see cref="Anonymous"/>.</summary>
    public bool IsAuthenticated => Provider != "anonymous" && Name.Length > 0;

    /// <summary>True when the user is in <paramref name="group"/> (case-insensitive).</summary>
    public bool IsInGroup(string group) => Groups.Contains(group, StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override string ToString() => RemoteAddress is null ? $"{Name} ({Provider})" : $"{Name} ({Provider})@{RemoteAddress}";
}
