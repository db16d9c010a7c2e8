namespace ZkDashboard.ZooKeeper.Protocol.Records;

/// <summary>jute ExistsRequest; reply ExistsResponse (a Stat). NoNode is turned into a null result by the caller.</summary>
internal readonly record struct ExistsRequest(string Path, bool Watch) : IRequest<Stat?>
{
    public OpCode OpCode => OpCode.Exists;
    public void Write(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteBool(Watch);
    }
    public Stat? ReadReply(ref JuteReader r, Chroot chroot) => r.ReadStat();
}
