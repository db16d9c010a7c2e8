namespace ZkDashboard.Core.Access;

/// <summary>
/// The person (or the dashboard itself) on whose behalf a read or write runs. Every call through
/// <see cref="ZkDashboard.Core.Operations.IZooKeeperOperations"/> takes one, so access checks and the
/// audit log can say who did what.
/// </summary>
/// <param name="Name">A stable user name (login name, or <c>system</c>).</param>
/// <param name="Roles">Role names (for example <c>admin</c>, <c>editor</c>, <c>viewer</c>).</param>
/// <param name="RemoteAddress">Where the request came from, when known (for the audit log).</param>
public sealed record ActingUser(string Name, IReadOnlyCollection<string> Roles, string? RemoteAddress)
{
    /// <summary>The dashboard itself (background work such as health polling or cache refresh).</summary>
    public static ActingUser System { get; } = new("system", ["system", "admin"], null);

    /// <summary>True when the user holds <paramref name="role"/> (case-insensitive).</summary>
    public bool IsInRole(string role) => Roles.Contains(role, StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override string ToString() => RemoteAddress is null ? Name : $"{Name}@{RemoteAddress}";
}
