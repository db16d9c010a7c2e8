using ZkDashboard.ZooKeeper.Protocol;
using ZkDashboard.ZooKeeper.Protocol.Records;

namespace ZkDashboard.ZooKeeper.Internal;

/// <summary>Turns a server result code into a typed exception with a message that names the path and the action.</summary>
internal static class ErrorMapper
{
    public static ZooKeeperException Map<TReq>(TReq request, ErrorCode code, string? path) where TReq : IRequestRecord
    {
        var p = path ?? "(no path)";
        switch (code)
        {
            case ErrorCode.BadVersion:
                int? expected = request switch
                {
                    SetDataRequest s => s.Version,
                    DeleteRequest d => d.Version,
                    SetAclRequest a => a.Version,
                    _ => null,
                };
                var what = request is SetAclRequest ? "ACL version" : "version";
                return new BadVersionException(path, expected, null,
                    expected is null ? $"Version conflict on {p}." : $"Expected {what} {expected} but {p} is at a different {what}; read it again and retry.");
            case ErrorCode.Unimplemented when request.OpCode == OpCode.CreateTtl:
                return new UnimplementedException(path, $"Cannot create {p}: TTL nodes are disabled on this server (zookeeper.extendedTypesEnabled).");
            case ErrorCode.Unimplemented when request.OpCode == OpCode.WhoAmI:
                return new UnimplementedException(path, "whoAmI is not supported by this server (it needs ZooKeeper 3.9 or later).");
            case ErrorCode.NoNode when request is CreateRequest:
                return new NoNodeException(path, $"Cannot create {p}: its parent {PathUtils.Parent(p)} does not exist.");
            case ErrorCode.BadArguments when request is CreateRequest { Mode: CreateMode.PersistentWithTtl or CreateMode.PersistentSequentialWithTtl }:
                return new BadArgumentsException(path, $"Cannot create {p}: the TTL is out of range (it must be > 0 and at most 2^40-1 ms).");
            default:
                return ZooKeeperException.Create(code, path, ActionOf(request.OpCode));
        }
    }

    public static string ActionOf(OpCode op) => op switch
    {
        OpCode.Create or OpCode.Create2 or OpCode.CreateContainer or OpCode.CreateTtl => "create",
        OpCode.Delete => "delete",
        OpCode.SetData => "write",
        OpCode.SetAcl => "change the ACL of",
        OpCode.GetAcl => "read the ACL of",
        OpCode.GetChildren or OpCode.GetChildren2 or OpCode.GetAllChildrenNumber => "list",
        OpCode.Exists or OpCode.GetData or OpCode.GetEphemerals => "read",
        OpCode.Multi => "run a transaction on",
        OpCode.MultiRead => "read",
        OpCode.Sync => "sync",
        OpCode.AddWatch or OpCode.RemoveWatches or OpCode.CheckWatches => "watch",
        OpCode.Reconfig => "reconfigure",
        _ => "access",
    };
}
