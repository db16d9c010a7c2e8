namespace ZkDashboard.ZooKeeper;

/// <summary>
/// The metadata of a znode (jute <c>org.apache.zookeeper.data.Stat</c>), field for field.
/// Times are milliseconds since the Unix epoch, as the server reports them.
/// </summary>
/// <param name="Czxid">The zxid of the change that created this znode.</param>
/// <param name="Mzxid">The zxid of the change that last modified this znode's data.</param>
/// <param name="Ctime">Creation time (ms since epoch).</param>
/// <param name="Mtime">Last modification time (ms since epoch).</param>
/// <param name="Version">Number of changes to the data.</param>
/// <param name="Cversion">Number of changes to the children.</param>
/// <param name="Aversion">Number of changes to the ACL.</param>
/// <param name="EphemeralOwner">Session id of the owner if ephemeral, else 0 (also 0 for container and TTL nodes).</param>
/// <param name="DataLength">Length of the data.</param>
/// <param name="NumChildren">Number of children.</param>
/// <param name="Pzxid">The zxid of the change that last modified the children.</param>
public sealed record Stat(
    long Czxid, long Mzxid, long Ctime, long Mtime, int Version, int Cversion, int Aversion,
    long EphemeralOwner, int DataLength, int NumChildren, long Pzxid)
{
    /// <summary>Creation time as a <see cref="DateTimeOffset"/>.</summary>
    public DateTimeOffset Created => DateTimeOffset.FromUnixTimeMilliseconds(Ctime);
    /// <summary>Modification time as a <see cref="DateTimeOffset"/>.</summary>
    public DateTimeOffset Modified => DateTimeOffset.FromUnixTimeMilliseconds(Mtime);
    /// <summary>True when the node is ephemeral (owned by a session).</summary>
    public bool IsEphemeral => EphemeralOwner != 0;
}

/// <summary>Result of a create: the actual path (with the sequence suffix, if any) and the new node's Stat.</summary>
public sealed record CreateResult(string Path, Stat Stat);

/// <summary>A node's data and Stat.</summary>
public sealed record DataResult(byte[] Data, Stat Stat);

/// <summary>A node's children (names, not paths; in server order) and its Stat.</summary>
public sealed record ChildrenResult(IReadOnlyList<string> Children, Stat Stat);

/// <summary>A node's ACL and Stat.</summary>
public sealed record AclResult(IReadOnlyList<Acl> Acl, Stat Stat);

/// <summary>One identity the server associates with this session (result of whoAmI).</summary>
public sealed record ClientIdentity(string Scheme, string User);
