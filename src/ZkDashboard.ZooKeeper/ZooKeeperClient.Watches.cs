using ZkDashboard.ZooKeeper.Internal;
using ZkDashboard.ZooKeeper.Protocol;
using ZkDashboard.ZooKeeper.Protocol.Records;

namespace ZkDashboard.ZooKeeper;

public sealed partial class ZooKeeperClient
{
    /// <summary>The node that holds the ensemble configuration (never under the chroot).</summary>
    public const string ConfigNode = "/zookeeper/config";

    /// <summary>
    /// Adds a persistent watch (addWatch, 3.6+): <see cref="AddWatchMode.Persistent"/> fires for data,
    /// child and existence changes of the node; <see cref="AddWatchMode.PersistentRecursive"/> for data
    /// and existence changes of the node and every descendant. Events go to <see cref="WatchEvent"/> until
    /// the watch is removed with <see cref="RemoveWatchesAsync"/> (type Any) or the session ends.
    /// </summary>
    public Task AddWatchAsync(string path, AddWatchMode mode, CancellationToken ct = default) =>
        Submit<AddWatchRequest, bool>(new AddWatchRequest(ServerPath(path), mode), path,
            mode == AddWatchMode.PersistentRecursive ? WatchRegistration.PersistentRecursive : WatchRegistration.Persistent, isWrite: false, ct);

    /// <summary>
    /// Removes this client's watches of <paramref name="type"/> on a node (Any includes persistent ones),
    /// on the server and locally; a removal event (DataWatchRemoved, ChildWatchRemoved,
    /// PersistentWatchRemoved) is delivered for each kind removed. With <paramref name="local"/>, only the
    /// local registration is dropped (works while disconnected; the server may still send one event).
    /// </summary>
    /// <exception cref="NoWatcherException">No such watch is set.</exception>
    public async Task RemoveWatchesAsync(string path, WatcherType type, bool local = false, CancellationToken ct = default)
    {
        var serverPath = WatchServerPath(path);
        if (!_watches.Has(path, type))
            throw new NoWatcherException(path, $"No {type} watch is set on {path} by this client.");
        if (!local)
            await Submit<WatchesRequest, bool>(new WatchesRequest(OpCode.RemoveWatches, serverPath, type), path, WatchRegistration.None, isWrite: false, ct).ConfigureAwait(false);
        var state = State == ConnectionState.Connected ? KeeperState.SyncConnected : KeeperState.Disconnected;
        foreach (var e in _watches.Remove(path, type, state)) _dispatcher.EnqueueWatch(e, force: true);
    }

    /// <summary>Checks that a watch of <paramref name="type"/> is set on the node, locally and on the server.</summary>
    /// <exception cref="NoWatcherException">No such watch.</exception>
    public Task CheckWatchesAsync(string path, WatcherType type, CancellationToken ct = default)
    {
        var serverPath = WatchServerPath(path);
        if (!_watches.Has(path, type))
            throw new NoWatcherException(path, $"No {type} watch is set on {path} by this client.");
        return Submit<WatchesRequest, bool>(new WatchesRequest(OpCode.CheckWatches, serverPath, type), path, WatchRegistration.None, isWrite: false, ct);
    }

    /// <summary>The config node is watched outside the chroot (see <see cref="GetConfigAsync"/>).</summary>
    private string WatchServerPath(string path) => path == ConfigNode ? ConfigNode : ServerPath(path);

    /// <summary>
    /// Adds credentials to the session (e.g. scheme "digest", auth "user:password" in UTF-8). They are
    /// kept and re-sent after every reconnect. A rejected credential ends the client in
    /// <see cref="ConnectionState.AuthFailed"/> (the server closes the connection), as in ZooKeeper.
    /// </summary>
    public Task AddAuthAsync(string scheme, ReadOnlyMemory<byte> auth, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scheme);
        var info = new AuthInfo(scheme, auth.ToArray());
        lock (_auth) _auth.Add(info);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(new AuthRequest(info, done));
        var timeout = _options.OperationTimeout;
        return timeout is null && !ct.CanBeCanceled ? done.Task : done.Task.WaitAsync(timeout ?? Timeout.InfiniteTimeSpan, ct);
    }

    /// <summary>Returns the identities the server associates with this session (whoAmI, ZooKeeper 3.9+; older servers: <see cref="UnimplementedException"/>).</summary>
    public Task<IReadOnlyList<ClientIdentity>> WhoAmIAsync(CancellationToken ct = default) =>
        Submit<WhoAmIRequest, IReadOnlyList<ClientIdentity>>(default, null, WatchRegistration.None, isWrite: false, ct);

    /// <summary>Reads the ensemble configuration (<see cref="ConfigNode"/>, outside any chroot). With <paramref name="watch"/>, the next change fires once with path <see cref="ConfigNode"/>.</summary>
    public Task<DataResult> GetConfigAsync(bool watch = false, CancellationToken ct = default) =>
        Submit<GetDataRequest, DataResult>(new GetDataRequest(ConfigNode, watch), ConfigNode, watch ? WatchRegistration.Data : WatchRegistration.None, isWrite: false, ct);

    /// <summary>
    /// Changes the ensemble membership (reconfig; needs reconfigEnabled and, usually, super-user rights).
    /// Incremental: give <paramref name="joining"/> and/or <paramref name="leaving"/> (comma-separated
    /// server specs / ids). Non-incremental: give <paramref name="newMembers"/>. <paramref name="fromConfig"/>:
    /// the config version expected (-1: any). Returns the new config and its Stat.
    /// </summary>
    public Task<DataResult> ReconfigAsync(string? joining, string? leaving, string? newMembers, long fromConfig = -1, CancellationToken ct = default)
    {
        if (newMembers is not null && (joining is not null || leaving is not null))
            throw new ArgumentException("Give either joining/leaving (incremental) or newMembers (non-incremental), not both.", nameof(newMembers));
        if (newMembers is null && joining is null && leaving is null)
            throw new ArgumentException("Give joining and/or leaving servers, or newMembers.", nameof(joining));
        return Submit<ReconfigRequest, DataResult>(new ReconfigRequest(joining, leaving, newMembers, fromConfig), ConfigNode, WatchRegistration.None, isWrite: true, ct);
    }
}
