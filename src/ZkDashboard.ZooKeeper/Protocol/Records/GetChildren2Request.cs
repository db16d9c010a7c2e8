namespace ZkDashboard.ZooKeeper.Protocol.Records;

/// <summary>jute GetChildren2Request; reply GetChildren2Response (names, Stat).</summary>
internal readonly record struct GetChildren2Request(string Path, bool Watch) : IRequest<ChildrenResult>
{
    public OpCode OpCode => OpCode.GetChildren2;
    public void Write(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteBool(Watch);
    }
    public ChildrenResult ReadReply(ref JuteReader r, Chroot chroot)
    {
        var children = r.ReadStringVector();
        return new ChildrenResult(children, r.ReadStat());
    }
}

/// <summary>jute GetChildrenRequest (multiRead only); reply GetChildrenResponse (names).</summary>
internal readonly record struct GetChildrenRequest(string Path, bool Watch) : IRequestRecord
{
    public OpCode OpCode => OpCode.GetChildren;
    public void Write(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteBool(Watch);
    }
}
