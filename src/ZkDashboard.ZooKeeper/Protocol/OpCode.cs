namespace ZkDashboard.ZooKeeper.Protocol;

/// <summary>Request types, as numbered by ZooKeeper's <c>ZooDefs.OpCode</c>.</summary>
internal enum OpCode
{
    Notification = 0,
    Create = 1,
    Delete = 2,
    Exists = 3,
    GetData = 4,
    SetData = 5,
    GetAcl = 6,
    SetAcl = 7,
    GetChildren = 8,
    Sync = 9,
    Ping = 11,
    GetChildren2 = 12,
    Check = 13,
    Multi = 14,
    Create2 = 15,
    Reconfig = 16,
    CheckWatches = 17,
    RemoveWatches = 18,
    CreateContainer = 19,
    DeleteContainer = 20,
    CreateTtl = 21,
    MultiRead = 22,
    Auth = 100,
    SetWatches = 101,
    Sasl = 102,
    GetEphemerals = 103,
    GetAllChildrenNumber = 104,
    SetWatches2 = 105,
    AddWatch = 106,
    WhoAmI = 107,
    CreateSession = -10,
    CloseSession = -11,
    Error = -1,
}

/// <summary>Reserved request ids (xids) used by ZooKeeper's <c>ClientCnxn</c>.</summary>
internal static class Xids
{
    /// <summary>A watch notification pushed by the server.</summary>
    public const int Notification = -1;
    /// <summary>Ping request and its reply.</summary>
    public const int Ping = -2;
    /// <summary>An <c>AuthPacket</c> and its reply.</summary>
    public const int Auth = -4;
    /// <summary>A <c>SetWatches</c>/<c>SetWatches2</c> request sent after reconnecting, and its reply.</summary>
    public const int SetWatches = -8;
    /// <summary>First xid handed to ordinary requests.</summary>
    public const int First = 1;
}

/// <summary>Other wire-level numbers.</summary>
internal static class WireConstants
{
    /// <summary>The protocol version sent in <c>ConnectRequest</c>.</summary>
    public const int ProtocolVersion = 0;
    /// <summary>Upper bound of one SetWatches2 packet when restoring watches (as in ClientCnxn / go-zookeeper).</summary>
    public const int SetWatchesMaxBytes = 128 * 1024;
    /// <summary>Create flag bits (CreateMode.toFlag).</summary>
    public const int FlagEphemeral = 1, FlagSequential = 2, FlagContainer = 4;
}
