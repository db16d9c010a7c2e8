namespace ZkDashboard.ZooKeeper.Protocol.Records;

/// <summary>jute GetDataRequest; reply GetDataResponse (data, Stat).</summary>
internal readonly record struct GetDataRequest(string Path, bool Watch) : IRequest<DataResult>
{
    public OpCode OpCode => OpCode.GetData;
    public void Write(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteBool(Watch);
    }
    public DataResult ReadReply(ref JuteReader r, Chroot chroot) => ReadGetDataResponse(ref r);

    /// <summary>jute GetDataResponse.</summary>
    public static DataResult ReadGetDataResponse(ref JuteReader r)
    {
        var data = r.ReadBuffer() ?? [];
        return new DataResult(data, r.ReadStat());
    }
}
