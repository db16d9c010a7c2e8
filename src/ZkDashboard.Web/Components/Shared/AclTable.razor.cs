using ZkDashboard.ZooKeeper;
using Microsoft.AspNetCore.Components;
using ZkDashboard.Web.Znodes.Acl;

namespace ZkDashboard.Web.Components.Shared;

/// <summary>A read-only ACL: scheme, id and permissions as letters (cdrwa) and words.</summary>
public partial class AclTable
{
    [Parameter, EditorRequired]
    public IReadOnlyList<AclEntry> Acl { get; set; } = [];

    /// <summary>When given, entries that match one of the dashboard's identities are marked.</summary>
    [Parameter]
    public DashboardIdentities? Identities { get; set; }

    [Parameter]
    public string AriaLabel { get; set; } = "Access control list";

    private bool IsDashboardIdentity(AclEntry entry) =>
        Identities is not null && AclLockoutCheck.Assess([entry], Identities).Effective != Perms.None;

    internal static string SchemeClass(string scheme) =>
        AclSchemes.All.Contains(scheme) ? scheme : "other";
}
