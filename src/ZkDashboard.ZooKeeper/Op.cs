namespace ZkDashboard.ZooKeeper;

/// <summary>
/// One operation of a <see cref="ZooKeeperClient.MultiAsync"/> transaction (create, delete, setData, check)
/// or of a <see cref="ZooKeeperClient.MultiReadAsync"/> batch (getData, getChildren).
/// Build them with the static factories, e.g. <c>Op.Create("/a", data, Acls.OpenUnsafe)</c>.
/// </summary>
public abstract record Op(string Path)
{
    /// <summary>Create a node (the result carries the actual path and Stat).</summary>
    public static CreateOp Create(string path, ReadOnlyMemory<byte> data, IReadOnlyList<Acl> acl, CreateMode mode = CreateMode.Persistent, long ttl = 0)
        => new(path, data, acl, mode, ttl);
    /// <summary>Delete a node at a version (-1: any).</summary>
    public static DeleteOp Delete(string path, int version = -1) => new(path, version);
    /// <summary>Set a node's data at a version (-1: any).</summary>
    public static SetDataOp SetData(string path, ReadOnlyMemory<byte> data, int version = -1) => new(path, data, version);
    /// <summary>Check that a node is at a version (-1: that it exists).</summary>
    public static CheckOp Check(string path, int version = -1) => new(path, version);
    /// <summary>Read a node's data (multiRead only).</summary>
    public static GetDataOp GetData(string path) => new(path);
    /// <summary>List a node's children (multiRead only).</summary>
    public static GetChildrenOp GetChildren(string path) => new(path);
}

/// <summary>Create operation.</summary>
public sealed record CreateOp(string Path, ReadOnlyMemory<byte> Data, IReadOnlyList<Acl> Acl, CreateMode Mode, long Ttl) : Op(Path);
/// <summary>Delete operation.</summary>
public sealed record DeleteOp(string Path, int Version) : Op(Path);
/// <summary>Set-data operation.</summary>
public sealed record SetDataOp(string Path, ReadOnlyMemory<byte> Data, int Version) : Op(Path);
/// <summary>Version check.</summary>
public sealed record CheckOp(string Path, int Version) : Op(Path);
/// <summary>Read data (multiRead).</summary>
public sealed record GetDataOp(string Path) : Op(Path);
/// <summary>List children (multiRead).</summary>
public sealed record GetChildrenOp(string Path) : Op(Path);

/// <summary>The result of one op in a multi or multiRead.</summary>
public abstract record OpResult;
/// <summary>A node was created.</summary>
public sealed record CreateOpResult(string Path, Stat? Stat) : OpResult;
/// <summary>A node was deleted.</summary>
public sealed record DeleteOpResult : OpResult;
/// <summary>Data was set.</summary>
public sealed record SetDataOpResult(Stat Stat) : OpResult;
/// <summary>A check passed.</summary>
public sealed record CheckOpResult : OpResult;
/// <summary>Data read by multiRead.</summary>
public sealed record GetDataOpResult(byte[] Data, Stat Stat) : OpResult;
/// <summary>Children listed by multiRead.</summary>
public sealed record GetChildrenOpResult(IReadOnlyList<string> Children) : OpResult;
/// <summary>
/// The op failed (or, in a failed multi, was rolled back: <see cref="ErrorCode.Ok"/> for ops before the
/// failing one, <see cref="ErrorCode.RuntimeInconsistency"/> after it).
/// </summary>
public sealed record ErrorOpResult(ErrorCode Code) : OpResult;
