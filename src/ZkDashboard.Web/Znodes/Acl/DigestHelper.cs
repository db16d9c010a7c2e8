using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Znodes.Acl;

/// <summary>
/// Computes a digest ACL id <c>user:base64(sha1(user:password))</c>. The password is used for the hash only
/// and is never kept. This is the single call site of the hash; it matches ZooKeeper's
/// DigestAuthenticationProvider.generateDigest.
/// </summary>
public static class DigestHelper
{
    public static string ComputeId(string user, string password)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(password);
        if (user.Length == 0)
        {
            throw new ArgumentException("Enter a user name.", nameof(user));
        }

        if (user.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("A digest user name cannot contain ':'.", nameof(user));
        }

        return DigestAuth.MakeDigestId(user, password);
    }
}
