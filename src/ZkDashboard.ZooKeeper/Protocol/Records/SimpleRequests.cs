namespace ZkDashboard.ZooKeeper.Protocol.Records;

/// <summary>jute SyncRequest; reply SyncResponse (the path).</summary>
internal readonly record struct SyncRequest(string Path) : IRequest<string>
{
    public OpCode OpCode => OpCode.Sync;
    public void Write(ref JuteWriter w) => w.WriteString(Path);
    public string ReadReply(ref JuteReader r, Chroot chroot) => chroot.ToClient(r.ReadRequiredString());
}

/// <summary>jute GetAllChildrenNumberRequest; reply GetAllChildrenNumberResponse.</summary>
internal readonly record struct GetAllChildrenNumberRequest(string Path) : IRequest<int>
{
    public OpCode OpCode => OpCode.GetAllChildrenNumber;
    public void Write(ref JuteWriter w) => w.WriteString(Path);
    public int ReadReply(ref JuteReader r, Chroot chroot) => r.ReadInt();
}

/// <summary>jute GetEphemeralsRequest; reply GetEphemeralsResponse (server paths, mapped into the chroot).</summary>
internal readonly record struct GetEphemeralsRequest(string PrefixPath) : IRequest<IReadOnlyList<string>>
{
    public OpCode OpCode => OpCode.GetEphemerals;
    public void Write(ref JuteWriter w) => w.WriteString(PrefixPath);
    public IReadOnlyList<string> ReadReply(ref JuteReader r, Chroot chroot)
    {
        var list = r.ReadStringVector();
        if (chroot.Prefix is null) return list;
        var mapped = new List<string>(list.Count);
        foreach (var p in list)
            if (chroot.Contains(p)) mapped.Add(chroot.ToClient(p));
        return mapped;
    }
}

/// <summary>jute AddWatchRequest; empty reply.</summary>
internal readonly record struct AddWatchRequest(string Path, AddWatchMode Mode) : IRequest<bool>
{
    public OpCode OpCode => OpCode.AddWatch;
    public void Write(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteInt((int)Mode);
    }
    public bool ReadReply(ref JuteReader r, Chroot chroot) => true;
}

/// <summary>jute CheckWatchesRequest or RemoveWatchesRequest (same fields); empty reply.</summary>
internal readonly record struct WatchesRequest(OpCode OpCode, string Path, WatcherType Type) : IRequest<bool>
{
    public void Write(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteInt((int)Type);
    }
    public bool ReadReply(ref JuteReader r, Chroot chroot) => true;
}

/// <summary>jute ReconfigRequest; reply GetDataResponse (the new config and the Stat of /zookeeper/config).</summary>
internal readonly record struct ReconfigRequest(string? JoiningServers, string? LeavingServers, string? NewMembers, long CurConfigId) : IRequest<DataResult>
{
    public OpCode OpCode => OpCode.Reconfig;
    public void Write(ref JuteWriter w)
    {
        w.WriteString(JoiningServers);
        w.WriteString(LeavingServers);
        w.WriteString(NewMembers);
        w.WriteLong(CurConfigId);
    }
    public DataResult ReadReply(ref JuteReader r, Chroot chroot) => GetDataRequest.ReadGetDataResponse(ref r);
}

/// <summary>whoAmI: no request body; reply WhoAmIResponse (vector of ClientInfo{authScheme, user}).</summary>
internal readonly record struct WhoAmIRequest : IRequest<IReadOnlyList<ClientIdentity>>
{
    public OpCode OpCode => OpCode.WhoAmI;
    public void Write(ref JuteWriter w) { }
    public IReadOnlyList<ClientIdentity> ReadReply(ref JuteReader r, Chroot chroot)
    {
        var count = r.ReadInt();
        if (count <= 0) return [];
        if (count > r.Remaining / 8) throw new ZooKeeperProtocolException($"Malformed whoAmI reply: {count} entries in {r.Remaining} bytes.");
        var list = new List<ClientIdentity>(count);
        for (var i = 0; i < count; i++) list.Add(new ClientIdentity(r.ReadRequiredString(), r.ReadRequiredString()));
        return list;
    }
}

/// <summary>closeSession: no body, empty reply.</summary>
internal readonly record struct CloseSessionRequest : IRequest<bool>
{
    public OpCode OpCode => OpCode.CloseSession;
    public void Write(ref JuteWriter w) { }
    public bool ReadReply(ref JuteReader r, Chroot chroot) => true;
}

/// <summary>jute AuthPacket (sent with xid -4).</summary>
internal readonly record struct AuthPacket(int Type, string Scheme, ReadOnlyMemory<byte> Auth) : IRequestRecord
{
    public OpCode OpCode => OpCode.Auth;
    public void Write(ref JuteWriter w)
    {
        w.WriteInt(Type);
        w.WriteString(Scheme);
        w.WriteBuffer(Auth.Span);
    }
}

/// <summary>jute WatcherEvent (a notification, xid -1).</summary>
internal readonly record struct WatcherEvent(EventType Type, KeeperState State, string? Path)
{
    public static WatcherEvent Read(ref JuteReader r) => new((EventType)r.ReadInt(), (KeeperState)r.ReadInt(), r.ReadString());
    public void Write(ref JuteWriter w)
    {
        w.WriteInt((int)Type);
        w.WriteInt((int)State);
        w.WriteString(Path);
    }
}
