using ZkDashboard.ZooKeeper;
namespace ZkDashboard.Web.Znodes.Acl;

/// <summary>ACL schemes the dashboard knows how to validate and edit.</summary>
public static class AclSchemes
{
    public const string World = "world";
    public const string Auth = "auth";
    public const string Digest = "digest";
    public const string Ip = "ip";
    public const string X509 = "x509";
    public const string Sasl = "sasl";

    public static IReadOnlyList<string> All { get; } = [World, Auth, Digest, Ip, X509, Sasl];

    /// <summary>What the id field means for each scheme (used as input hint and help text).</summary>
    public static string IdHint(string scheme) => scheme switch
    {
        World => "anyone",
        Auth => "(empty: every identity this session has authenticated)",
        Digest => "user:base64(sha1(user:password)) — use the digest helper",
        Ip => "address or CIDR, e.g. 10.0.0.0/8 or 2001:db8::/32",
        X509 => "the client certificate's distinguished name, e.g. CN=app,O=Example",
        Sasl => "the principal, e.g. zkclient or user@REALM",
        _ => "identity",
    };
}

/// <summary>One ACL entry: scheme, id and permission bits.</summary>
public sealed record AclEntry(string Scheme, string Id, Perms Perms)
{
    /// <summary>zkCli form <c>scheme:id:perms</c>.</summary>
    public override string ToString() => $"{Scheme}:{Id}:{AclPermissionText.Letters(Perms)}";

    public static AclEntry WorldAnyone(Perms perms = Perms.All) => new(AclSchemes.World, "anyone", perms);

    /// <summary>From the client's ACL entry.</summary>
    public static AclEntry FromClient(ZkDashboard.ZooKeeper.Acl acl)
    {
        ArgumentNullException.ThrowIfNull(acl);
        return new AclEntry(acl.Id.Scheme, acl.Id.Ident, acl.Perms);
    }

    /// <summary>To the client's ACL entry (for setACL / create).</summary>
    public ZkDashboard.ZooKeeper.Acl ToClient() => new(Perms, new ZkDashboard.ZooKeeper.Id(Scheme, Id));

    public static IReadOnlyList<AclEntry> FromClient(IEnumerable<ZkDashboard.ZooKeeper.Acl> acl) => acl.Select(FromClient).ToList();

    public static IReadOnlyList<ZkDashboard.ZooKeeper.Acl> ToClient(IEnumerable<AclEntry> entries) => entries.Select(e => e.ToClient()).ToList();
}
