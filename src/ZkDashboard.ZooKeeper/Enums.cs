namespace ZkDashboard.ZooKeeper;

/// <summary>How a znode is created (ZooKeeper's CreateMode).</summary>
public enum CreateMode
{
    /// <summary>Stays until deleted.</summary>
    Persistent,
    /// <summary>Deleted when the creating session ends.</summary>
    Ephemeral,
    /// <summary>Persistent, with a 10-digit monotonically increasing suffix appended to the name.</summary>
    PersistentSequential,
    /// <summary>Ephemeral, with a sequence suffix.</summary>
    EphemeralSequential,
    /// <summary>Deleted by the server some time after its last child is deleted.</summary>
    Container,
    /// <summary>Persistent, deleted by the server when it has had no children and no changes for the TTL (needs zookeeper.extendedTypesEnabled).</summary>
    PersistentWithTtl,
    /// <summary>Persistent sequential with a TTL (needs zookeeper.extendedTypesEnabled).</summary>
    PersistentSequentialWithTtl,
}

/// <summary>Extension helpers for <see cref="CreateMode"/>.</summary>
public static class CreateModeExtensions
{
    /// <summary>True for sequential modes.</summary>
    public static bool IsSequential(this CreateMode mode) =>
        mode is CreateMode.PersistentSequential or CreateMode.EphemeralSequential or CreateMode.PersistentSequentialWithTtl;
    /// <summary>True for ephemeral modes.</summary>
    public static bool IsEphemeral(this CreateMode mode) => mode is CreateMode.Ephemeral or CreateMode.EphemeralSequential;
    /// <summary>True for TTL modes.</summary>
    public static bool IsTtl(this CreateMode mode) => mode is CreateMode.PersistentWithTtl or CreateMode.PersistentSequentialWithTtl;

    /// <summary>The flag number sent on the wire (CreateMode.toFlag).</summary>
    internal static int ToFlag(this CreateMode mode) => mode switch
    {
        CreateMode.Persistent => 0,
        CreateMode.Ephemeral => 1,
        CreateMode.PersistentSequential => 2,
        CreateMode.EphemeralSequential => 3,
        CreateMode.Container => 4,
        CreateMode.PersistentWithTtl => 5,
        CreateMode.PersistentSequentialWithTtl => 6,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown create mode."),
    };
}

/// <summary>Event types (Watcher.Event.EventType).</summary>
public enum EventType
{
    /// <summary>A connection state change (see <see cref="WatchedEvent.State"/>); no path.</summary>
    None = -1,
    /// <summary>The watched node was created.</summary>
    NodeCreated = 1,
    /// <summary>The watched node was deleted.</summary>
    NodeDeleted = 2,
    /// <summary>The watched node's data changed.</summary>
    NodeDataChanged = 3,
    /// <summary>The watched node's children changed.</summary>
    NodeChildrenChanged = 4,
    /// <summary>A data watch was removed.</summary>
    DataWatchRemoved = 5,
    /// <summary>A child watch was removed.</summary>
    ChildWatchRemoved = 6,
    /// <summary>A persistent watch was removed.</summary>
    PersistentWatchRemoved = 7,
}

/// <summary>Session states carried by watch events (Watcher.Event.KeeperState).</summary>
public enum KeeperState
{
    /// <summary>The client is disconnected from the ensemble (the session may still be alive).</summary>
    Disconnected = 0,
    /// <summary>The client is connected.</summary>
    SyncConnected = 3,
    /// <summary>Authentication failed.</summary>
    AuthFailed = 4,
    /// <summary>Connected to a read-only server.</summary>
    ConnectedReadOnly = 5,
    /// <summary>SASL authenticated.</summary>
    SaslAuthenticated = 6,
    /// <summary>The session expired; every watch is gone.</summary>
    Expired = -112,
    /// <summary>The client was closed.</summary>
    Closed = 7,
}

/// <summary>A watch notification or a connection-state notification delivered to <see cref="ZooKeeperClient.WatchEvent"/>.</summary>
/// <param name="Type">What happened to the node, or <see cref="EventType.None"/> for a state change.</param>
/// <param name="State">The session state when the event was generated.</param>
/// <param name="Path">The node's path relative to the chroot, or null for state changes.</param>
public sealed record WatchedEvent(EventType Type, KeeperState State, string? Path);

/// <summary>Modes of persistent watches (AddWatchMode).</summary>
public enum AddWatchMode
{
    /// <summary>Data, child and existence changes of one node, until removed.</summary>
    Persistent = 0,
    /// <summary>Data and existence changes of a node and all its descendants, until removed.</summary>
    PersistentRecursive = 1,
}

/// <summary>Kinds of watches to check or remove (Watcher.WatcherType).</summary>
public enum WatcherType
{
    /// <summary>Child watches.</summary>
    Children = 1,
    /// <summary>Data (and exists) watches.</summary>
    Data = 2,
    /// <summary>Any watch, persistent ones included.</summary>
    Any = 3,
}
