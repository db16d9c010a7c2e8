using ZkDashboard.ZooKeeper;
using System.Net;

namespace ZkDashboard.Web.Znodes.Acl;

/// <summary>
/// The identities the dashboard's session presents to an ensemble: world:anyone always, the ip it connects
/// from, and the digest ids of the configured credentials (plus any other authenticated ids, e.g. sasl/x509).
/// </summary>
public sealed record DashboardIdentities(IReadOnlyList<AclEntryId> Authenticated, IPAddress ClientAddress)
{
    /// <summary>The usual case: digest credentials configured for the ensemble, connecting from 127.0.0.1.</summary>
    public static DashboardIdentities FromDigestIds(IEnumerable<string> digestIds, IPAddress? clientAddress = null) =>
        new(digestIds.Select(id => new AclEntryId(AclSchemes.Digest, id)).ToList(), clientAddress ?? IPAddress.Loopback);

    /// <summary>Every identity, for display: world:anyone, ip, then the authenticated ones.</summary>
    public IEnumerable<AclEntryId> All =>
        new[] { new AclEntryId(AclSchemes.World, "anyone"), new AclEntryId(AclSchemes.Ip, ClientAddress.ToString()) }
            .Concat(Authenticated);
}

/// <summary>A scheme and id, as ZooKeeper's <c>Id</c>.</summary>
public sealed record AclEntryId(string Scheme, string Id)
{
    public override string ToString() => $"{Scheme}:{Id}";
}

/// <summary>What the dashboard could still do on a node after an ACL change.</summary>
public sealed record LockoutAssessment(Perms Effective, bool LosesRead, bool LosesAdmin, string? Warning)
{
    public bool LocksOut => LosesRead || LosesAdmin;
}

/// <summary>Warns before an ACL change that would leave the dashboard unable to read or administer a node.</summary>
public static class AclLockoutCheck
{
    public static LockoutAssessment Assess(IReadOnlyList<AclEntry> acl, DashboardIdentities identities)
    {
        var effective = Perms.None;
        foreach (var entry in acl)
        {
            if (Matches(entry, identities))
            {
                effective |= entry.Perms;
            }
        }

        var losesRead = (effective & Perms.Read) == 0;
        var losesAdmin = (effective & Perms.Admin) == 0;
        string? warning = null;
        if (losesRead || losesAdmin)
        {
            var missing = string.Join(" and ", new[] { losesRead ? "Read" : null, losesAdmin ? "Admin" : null }.Where(s => s is not null));
            var who = string.Join(", ", identities.All.Select(i => i.ToString()));
            var consequence = losesAdmin
                ? "The dashboard could not change this ACL back; only a client with an identity that has Admin can (or a super user)."
                : "The dashboard could no longer show this node's data.";
            warning = $"This ACL gives none of the dashboard's identities ({who}) the {missing} permission. {consequence}";
        }

        return new LockoutAssessment(effective, losesRead, losesAdmin, warning);
    }

    private static bool Matches(AclEntry entry, DashboardIdentities identities)
    {
        switch (entry.Scheme)
        {
            case AclSchemes.World:
                return entry.Id == "anyone";
            case AclSchemes.Ip:
                return AclValidator.CidrContains(entry.Id, identities.ClientAddress);
            case AclSchemes.Auth:
                // The server replaces "auth" with every non-world, non-ip id the session has authenticated.
                return identities.Authenticated.Count > 0;
            default:
                return identities.Authenticated.Any(i =>
                    string.Equals(i.Scheme, entry.Scheme, StringComparison.Ordinal)
                    && string.Equals(i.Id, entry.Id, StringComparison.Ordinal));
        }
    }
}
