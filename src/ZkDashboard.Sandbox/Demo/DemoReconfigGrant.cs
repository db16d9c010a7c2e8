using System.Text;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Sandbox.Demo;

/// <summary>
/// Lets one digest user reconfigure the demo ensemble without being the super user: as super, sets the ACL of
/// <c>/zookeeper/config</c> to read for anyone plus all permissions for that user (ZooKeeper checks WRITE on that node for
/// reconfig). The dashboard's demo session then authenticates as that user, so it can reconfig but the demo's ACL-protected
/// nodes still keep it out.
/// </summary>
public static class DemoReconfigGrant
{
    /// <summary>The environment variable the demo passes the grant in (<c>user:password</c>), so it never shows on a command line.</summary>
    public const string EnvironmentVariable = "ZKDASHBOARD_DEMO_RECONFIG_DIGEST";

    private const string ConfigPath = "/zookeeper/config";

    public static async Task GrantAsync(string connectString, string superPassword, string userColonPassword, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userColonPassword);
        var colon = userColonPassword.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == userColonPassword.Length - 1)
        {
            throw new ArgumentException($"{EnvironmentVariable} must be user:password (both non-empty).", nameof(userColonPassword));
        }
        var user = userColonPassword[..colon];
        var password = userColonPassword[(colon + 1)..];
        await using var client = await ZooKeeperClient.ConnectAsync(
            new ZooKeeperClientOptions { ConnectString = connectString, SessionTimeout = TimeSpan.FromSeconds(20), OperationTimeout = TimeSpan.FromSeconds(30) },
            ct).ConfigureAwait(false);
        await client.AddAuthAsync("digest", Encoding.UTF8.GetBytes(SandboxEnsemble.SuperUser + ":" + superPassword), ct).ConfigureAwait(false);
        IReadOnlyList<Acl> acl =
        [
            new Acl(Perms.Read, Id.AnyoneUnsafe),
            new Acl(Perms.All, new Id("digest", DigestAuth.MakeDigestId(user, password))),
        ];
        await client.SetAclAsync(ConfigPath, acl, ct: ct).ConfigureAwait(false);
        var check = await client.GetAclAsync(ConfigPath, ct).ConfigureAwait(false);
        if (!check.Acl.Any(a => a.Id.Scheme == "digest" && a.Id.Ident.StartsWith(user + ":", StringComparison.Ordinal) && (a.Perms & Perms.Write) != 0))
        {
            throw new InvalidOperationException($"{ConfigPath} does not grant write to digest user '{user}' after setAcl.");
        }
    }
}
