namespace ZkDashboard.ZooKeeper.Protocol.Records;

/// <summary>jute DeleteRequest; empty reply.</summary>
internal readonly record struct DeleteRequest(string Path, int Version) : IRequest<bool>
{
    public OpCode OpCode => OpCode.Delete;
    public void Write(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteInt(Version);
    }
    public bool ReadReply(ref JuteReader r, Chroot chroot) => true;
}

/// <summary>jute CheckVersionRequest (multi only); empty reply.</summary>
internal readonly record struct CheckVersionRequest(string Path, int Version) : IRequestRecord
{
    public OpCode OpCode => OpCode.Check;
    public void Write(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteInt(Version);
    }
}
