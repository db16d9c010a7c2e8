using System.Security.Cryptography;
using System.Text;

namespace ZkDashboard.ZooKeeper;

/// <summary>Permission bits (ZooDefs.Perms).</summary>
[Flags]
public enum Perms
{
    /// <summary>No permission.</summary>
    None = 0,
    /// <summary>Read data and list children.</summary>
    Read = 1,
    /// <summary>Set data.</summary>
    Write = 2,
    /// <summary>Create children.</summary>
    Create = 4,
    /// <summary>Delete children.</summary>
    Delete = 8,
    /// <summary>Set the ACL.</summary>
    Admin = 16,
    /// <summary>All of the above.</summary>
    All = Read | Write | Create | Delete | Admin,
}

/// <summary>
/// An identity in an ACL: a scheme and an id within it. Schemes: <c>world</c> (<c>anyone</c>),
/// <c>auth</c> (the session's authenticated ids; ident ignored), <c>digest</c> (<c>user:base64(sha1(user:password))</c>),
/// <c>ip</c> (address or CIDR, e.g. <c>10.0.0.0/8</c>), <c>x509</c> (certificate subject) and <c>sasl</c> (principal).
/// </summary>
public sealed record Id(string Scheme, string Ident)
{
    /// <summary>world:anyone.</summary>
    public static Id AnyoneUnsafe { get; } = new("world", "anyone");
    /// <summary>auth: (the creator's authenticated ids).</summary>
    public static Id AuthIds { get; } = new("auth", "");
    /// <summary>A digest id from a user and password, computed like ZooKeeper's DigestAuthenticationProvider.</summary>
    public static Id Digest(string user, string password) => new("digest", DigestAuth.MakeDigestId(user, password));
    /// <summary>An ip id; <paramref name="addressOrCidr"/> is an address or CIDR block such as <c>10.0.0.0/8</c>.</summary>
    public static Id Ip(string addressOrCidr) => new("ip", addressOrCidr);
    /// <summary>An x509 id (certificate subject distinguished name).</summary>
    public static Id X509(string subject) => new("x509", subject);
    /// <summary>A sasl id (principal).</summary>
    public static Id Sasl(string principal) => new("sasl", principal);
    /// <inheritdoc/>
    public override string ToString() => $"{Scheme}:{Ident}";
}

/// <summary>One ACL entry: permissions granted to an id.</summary>
public sealed record Acl(Perms Perms, Id Id)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Id}:{Perms}";
}

/// <summary>Predefined ACLs (ZooDefs.Ids).</summary>
public static class Acls
{
    /// <summary>Everyone may do everything (world:anyone:cdrwa).</summary>
    public static IReadOnlyList<Acl> OpenUnsafe { get; } = [new Acl(Perms.All, Id.AnyoneUnsafe)];
    /// <summary>All permissions for the creator's authenticated ids (auth::cdrwa). Needs addAuth first.</summary>
    public static IReadOnlyList<Acl> CreatorAll { get; } = [new Acl(Perms.All, Id.AuthIds)];
    /// <summary>Everyone may read (world:anyone:r).</summary>
    public static IReadOnlyList<Acl> ReadUnsafe { get; } = [new Acl(Perms.Read, Id.AnyoneUnsafe)];
}

/// <summary>Digest scheme helpers.</summary>
public static class DigestAuth
{
    /// <summary>
    /// The digest id ZooKeeper stores for <paramref name="user"/>/<paramref name="password"/>:
    /// <c>user:base64(sha1("user:password"))</c>, identical to kazoo's <c>make_digest_acl_credential</c>.
    /// </summary>
    public static string MakeDigestId(string user, string password)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(password);
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes(user + ":" + password));
        return user + ":" + Convert.ToBase64String(hash);
    }
}

/// <summary>Credentials sent with addAuth (and re-sent on every reconnect).</summary>
public sealed record AuthInfo(string Scheme, ReadOnlyMemory<byte> Auth)
{
    /// <summary>Digest credentials: <c>user:password</c>.</summary>
    public static AuthInfo Digest(string user, string password) => new("digest", Encoding.UTF8.GetBytes(user + ":" + password));
}
