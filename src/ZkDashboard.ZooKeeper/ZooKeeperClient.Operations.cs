using ZkDashboard.ZooKeeper.Internal;
using ZkDashboard.ZooKeeper.Protocol.Records;

namespace ZkDashboard.ZooKeeper;

public sealed partial class ZooKeeperClient
{
    /// <summary>Largest TTL the server accepts (EphemeralType.TTL: 40 bits of milliseconds).</summary>
    public const long MaxTtl = (1L << 40) - 1;

    /// <summary>
    /// Creates a node (create2, createContainer or createTTL, by <paramref name="mode"/>) and returns its
    /// actual path (with the sequence suffix for sequential modes) and Stat.
    /// </summary>
    /// <param name="path">Absolute path; for sequential modes it may end with '/' (the counter becomes the name).</param>
    /// <param name="data">Data (at most <see cref="ZooKeeperClientOptions.MaxDataLength"/>); must not change until the task completes.</param>
    /// <param name="acl">The ACL, e.g. <see cref="Acls.OpenUnsafe"/>.</param>
    /// <param name="mode">Create mode.</param>
    /// <param name="ttl">TTL in milliseconds, for TTL modes only (1..<see cref="MaxTtl"/>).</param>
    /// <param name="ct">Stops waiting (the request may still be applied if it was already sent).</param>
    /// <exception cref="NodeExistsException">The node exists.</exception>
    /// <exception cref="NoNodeException">The parent does not exist.</exception>
    /// <exception cref="OperationOutcomeUnknownException">The connection was lost after sending.</exception>
    public Task<CreateResult> CreateAsync(string path, ReadOnlyMemory<byte> data, IReadOnlyList<Acl> acl, CreateMode mode = CreateMode.Persistent, long ttl = 0, CancellationToken ct = default)
    {
        var serverPath = ServerPath(path, mode.IsSequential());
        ValidateCreate(path, data, acl, mode, ttl);
        return Submit<CreateRequest, CreateResult>(new CreateRequest(serverPath, data, acl, mode, ttl), path, WatchRegistration.None, isWrite: true, ct);
    }

    private void ValidateCreate(string path, ReadOnlyMemory<byte> data, IReadOnlyList<Acl> acl, CreateMode mode, long ttl)
    {
        ArgumentNullException.ThrowIfNull(acl);
        if (acl.Count == 0) throw new InvalidAclException(path, $"Cannot create {path} with an empty ACL; pass e.g. Acls.OpenUnsafe or Acls.CreatorAll.");
        CheckData(path, data);
        if (mode.IsTtl())
        {
            if (ttl is <= 0 or > MaxTtl) throw new ArgumentOutOfRangeException(nameof(ttl), ttl, $"A TTL node needs a ttl between 1 and {MaxTtl} ms.");
        }
        else if (ttl != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ttl), ttl, $"ttl applies only to TTL create modes; {mode} needs ttl 0.");
        }
        _ = mode.ToFlag();
    }

    /// <summary>Deletes a node if it is at <paramref name="version"/> (-1: any version).</summary>
    /// <exception cref="NoNodeException">The node does not exist.</exception>
    /// <exception cref="BadVersionException">The node is at another version.</exception>
    /// <exception cref="NotEmptyException">The node has children.</exception>
    public Task DeleteAsync(string path, int version = -1, CancellationToken ct = default)
    {
        var serverPath = ServerPath(path);
        if (path == "/") throw new BadArgumentsException(path, "The root node / cannot be deleted.");
        return Submit<DeleteRequest, bool>(new DeleteRequest(serverPath, version), path, WatchRegistration.None, isWrite: true, ct);
    }

    /// <summary>Returns the node's Stat, or null when it does not exist. With <paramref name="watch"/>, the next create, delete or data change fires a <see cref="WatchEvent"/> once.</summary>
    public Task<Stat?> ExistsAsync(string path, bool watch = false, CancellationToken ct = default) =>
        Submit<ExistsRequest, Stat?>(new ExistsRequest(ServerPath(path), watch), path, watch ? WatchRegistration.Exists : WatchRegistration.None, isWrite: false, ct);

    /// <summary>Reads a node's data and Stat. With <paramref name="watch"/>, the next data change or delete fires a <see cref="WatchEvent"/> once.</summary>
    /// <exception cref="NoNodeException">The node does not exist.</exception>
    public Task<DataResult> GetDataAsync(string path, bool watch = false, CancellationToken ct = default) =>
        Submit<GetDataRequest, DataResult>(new GetDataRequest(ServerPath(path), watch), path, watch ? WatchRegistration.Data : WatchRegistration.None, isWrite: false, ct);

    /// <summary>Sets a node's data if it is at <paramref name="version"/> (-1: any) and returns the new Stat.</summary>
    /// <exception cref="BadVersionException">The node is at another version.</exception>
    public Task<Stat> SetDataAsync(string path, ReadOnlyMemory<byte> data, int version = -1, CancellationToken ct = default)
    {
        var serverPath = ServerPath(path);
        CheckData(path, data);
        return Submit<SetDataRequest, Stat>(new SetDataRequest(serverPath, data, version), path, WatchRegistration.None, isWrite: true, ct);
    }

    /// <summary>Lists a node's children (getChildren2: names and the node's Stat). With <paramref name="watch"/>, the next child change or delete fires once.</summary>
    /// <remarks>Replies up to <see cref="ZooKeeperClientOptions.MaxReplyLength"/> (64 MiB by default) are read, so nodes with 100k+ children list fine.</remarks>
    public Task<ChildrenResult> GetChildrenAsync(string path, bool watch = false, CancellationToken ct = default) =>
        Submit<GetChildren2Request, ChildrenResult>(new GetChildren2Request(ServerPath(path), watch), path, watch ? WatchRegistration.Child : WatchRegistration.None, isWrite: false, ct);

    /// <summary>Reads a node's ACL and Stat.</summary>
    public Task<AclResult> GetAclAsync(string path, CancellationToken ct = default) =>
        Submit<GetAclRequest, AclResult>(new GetAclRequest(ServerPath(path)), path, WatchRegistration.None, isWrite: false, ct);

    /// <summary>Sets a node's ACL if its ACL version is <paramref name="aclVersion"/> (-1: any); returns the new Stat.</summary>
    public Task<Stat> SetAclAsync(string path, IReadOnlyList<Acl> acl, int aclVersion = -1, CancellationToken ct = default)
    {
        var serverPath = ServerPath(path);
        ArgumentNullException.ThrowIfNull(acl);
        if (acl.Count == 0) throw new InvalidAclException(path, $"Cannot set an empty ACL on {path}.");
        return Submit<SetAclRequest, Stat>(new SetAclRequest(serverPath, acl, aclVersion), path, WatchRegistration.None, isWrite: true, ct);
    }

    /// <summary>Counts all descendants of a node (getAllChildrenNumber, ZooKeeper 3.6+).</summary>
    public Task<int> GetAllChildrenNumberAsync(string path, CancellationToken ct = default) =>
        Submit<GetAllChildrenNumberRequest, int>(new GetAllChildrenNumberRequest(ServerPath(path)), path, WatchRegistration.None, isWrite: false, ct);

    /// <summary>Lists this session's ephemeral nodes whose paths start with <paramref name="prefixPath"/> (getEphemerals, 3.6+).</summary>
    public Task<IReadOnlyList<string>> GetEphemeralsAsync(string prefixPath = "/", CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(prefixPath);
        if (!prefixPath.StartsWith('/')) throw new InvalidPathException(prefixPath, $"The prefix \"{prefixPath}\" must start with /.");
        return Submit<GetEphemeralsRequest, IReadOnlyList<string>>(new GetEphemeralsRequest(_chroot.ToServer(prefixPath)), prefixPath, WatchRegistration.None, isWrite: false, ct);
    }

    /// <summary>Makes the connected server catch up with the leader for <paramref name="path"/>, so a following read sees every write committed before.</summary>
    public Task SyncAsync(string path, CancellationToken ct = default) =>
        Submit<SyncRequest, string>(new SyncRequest(ServerPath(path)), path, WatchRegistration.None, isWrite: false, ct);

    /// <summary>
    /// Runs create/delete/setData/check ops atomically. Returns one result per op. When an op fails nothing
    /// is applied and <see cref="MultiOperationException"/> is thrown (its Code is the failing op's error).
    /// </summary>
    public async Task<IReadOnlyList<OpResult>> MultiAsync(IEnumerable<Op> ops, CancellationToken ct = default)
    {
        var list = PrepareOps(ops, read: false);
        if (list.Count == 0) return [];
        var results = await Submit<MultiRequest, IReadOnlyList<OpResult>>(new MultiRequest(list, false, _chroot), list[0].Path, WatchRegistration.None, isWrite: true, ct).ConfigureAwait(false);
        for (var i = 0; i < results.Count; i++)
        {
            if (results[i] is ErrorOpResult { Code: not ErrorCode.Ok and not ErrorCode.RuntimeInconsistency } e)
            {
                var inner = ZooKeeperException.Create(e.Code, list[i].Path, ErrorMapper.ActionOf(OpCodeOf(list[i])));
                throw new MultiOperationException(e.Code, list[i].Path, i, results,
                    $"The transaction failed at op {i} ({list[i].GetType().Name.Replace("Op", "", StringComparison.Ordinal)} {list[i].Path}): {inner.Message} Nothing was applied.");
            }
        }
        if (results.Count != list.Count)
            throw new ZooKeeperProtocolException($"The multi reply has {results.Count} results for {list.Count} ops.");
        return results;
    }

    /// <summary>Runs getData/getChildren ops in one round trip (multiRead, 3.6+); each result is its own success or <see cref="ErrorOpResult"/>.</summary>
    public Task<IReadOnlyList<OpResult>> MultiReadAsync(IEnumerable<Op> ops, CancellationToken ct = default)
    {
        var list = PrepareOps(ops, read: true);
        if (list.Count == 0) return Task.FromResult<IReadOnlyList<OpResult>>([]);
        return Submit<MultiRequest, IReadOnlyList<OpResult>>(new MultiRequest(list, true, _chroot), list[0].Path, WatchRegistration.None, isWrite: false, ct);
    }

    private List<Op> PrepareOps(IEnumerable<Op> ops, bool read)
    {
        ArgumentNullException.ThrowIfNull(ops);
        var list = ops.ToList();
        foreach (var op in list)
        {
            ArgumentNullException.ThrowIfNull(op);
            var isRead = op is GetDataOp or GetChildrenOp;
            if (isRead != read)
                throw new ArgumentException(read
                    ? $"MultiReadAsync takes only Op.GetData and Op.GetChildren, not {op.GetType().Name} ({op.Path}); use MultiAsync for writes."
                    : $"MultiAsync takes only create/delete/setData/check ops, not {op.GetType().Name} ({op.Path}); use MultiReadAsync for reads.", nameof(ops));
            switch (op)
            {
                case CreateOp c:
                    PathUtils.Validate(c.Path, c.Mode.IsSequential());
                    ValidateCreate(c.Path, c.Data, c.Acl, c.Mode, c.Ttl);
                    break;
                case SetDataOp s:
                    PathUtils.Validate(s.Path);
                    CheckData(s.Path, s.Data);
                    break;
                default:
                    PathUtils.Validate(op.Path);
                    break;
            }
        }
        return list;
    }

    private static Protocol.OpCode OpCodeOf(Op op) => op switch
    {
        CreateOp => Protocol.OpCode.Create,
        DeleteOp => Protocol.OpCode.Delete,
        SetDataOp => Protocol.OpCode.SetData,
        CheckOp => Protocol.OpCode.Check,
        GetDataOp => Protocol.OpCode.GetData,
        _ => Protocol.OpCode.GetChildren,
    };
}
