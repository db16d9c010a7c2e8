namespace ZkDashboard.ZooKeeper.Protocol.Records;

/// <summary>jute SetDataRequest; reply SetDataResponse (a Stat).</summary>
internal readonly record struct SetDataRequest(string Path, ReadOnlyMemory<byte> Data, int Version) : IRequest<Stat>
{
    public OpCode OpCode => OpCode.SetData;
    public void Write(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteBuffer(Data.Span);
        w.WriteInt(Version);
    }
    public Stat ReadReply(ref JuteReader r, Chroot chroot) => r.ReadStat();
}
