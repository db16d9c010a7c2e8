namespace ZkDashboard.ZooKeeper.Protocol.Records;

/// <summary>jute ConnectRequest, followed by the readOnly flag that 3.4+ servers read.</summary>
internal readonly record struct ConnectRequest(int ProtocolVersion, long LastZxidSeen, int TimeOut, long SessionId, ReadOnlyMemory<byte> Passwd, bool ReadOnly)
{
    public void Write(ref JuteWriter w)
    {
        w.WriteInt(ProtocolVersion);
        w.WriteLong(LastZxidSeen);
        w.WriteInt(TimeOut);
        w.WriteLong(SessionId);
        w.WriteBuffer(Passwd.Span);
        w.WriteBool(ReadOnly);
    }
}

/// <summary>jute ConnectResponse, followed by the optional readOnly flag.</summary>
internal readonly record struct ConnectResponse(int ProtocolVersion, int TimeOut, long SessionId, byte[] Passwd, bool ReadOnly)
{
    public static ConnectResponse Read(ref JuteReader r)
    {
        var version = r.ReadInt();
        var timeout = r.ReadInt();
        var session = r.ReadLong();
        var passwd = r.ReadBuffer() ?? [];
        var ro = r.Remaining >= 1 && r.ReadBool();
        return new ConnectResponse(version, timeout, session, passwd, ro);
    }
}
