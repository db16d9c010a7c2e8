namespace ZkDashboard.ZooKeeper.Protocol.Records;

/// <summary>A jute request record: knows its opcode and how to write its body.</summary>
internal interface IRequestRecord
{
    OpCode OpCode { get; }
    void Write(ref JuteWriter writer);
}

/// <summary>A request record that also knows how to read its reply body into <typeparamref name="TResult"/>.</summary>
internal interface IRequest<TResult> : IRequestRecord
{
    TResult ReadReply(ref JuteReader reader, Chroot chroot);
}

/// <summary>Maps paths between the caller's view and the server's when the connect string has a chroot.</summary>
internal sealed class Chroot(string? prefix)
{
    public static readonly Chroot None = new(null);
    public string? Prefix { get; } = prefix;

    public string ToServer(string clientPath) =>
        Prefix is null ? clientPath : clientPath.Length == 1 ? Prefix : Prefix + clientPath;

    public string ToClient(string serverPath)
    {
        if (Prefix is null) return serverPath;
        if (serverPath.Length == Prefix.Length && serverPath == Prefix) return "/";
        if (serverPath.Length > Prefix.Length && serverPath.StartsWith(Prefix, StringComparison.Ordinal) && serverPath[Prefix.Length] == '/')
            return serverPath[Prefix.Length..];
        return serverPath;
    }

    /// <summary>True when a server path lies inside the chroot.</summary>
    public bool Contains(string serverPath) =>
        Prefix is null || serverPath == Prefix ||
        (serverPath.StartsWith(Prefix, StringComparison.Ordinal) && serverPath.Length > Prefix.Length && serverPath[Prefix.Length] == '/');
}

/// <summary>jute RequestHeader.</summary>
internal readonly record struct RequestHeader(int Xid, OpCode Type)
{
    public void Write(ref JuteWriter w)
    {
        w.WriteInt(Xid);
        w.WriteInt((int)Type);
    }
}

/// <summary>jute ReplyHeader.</summary>
internal readonly record struct ReplyHeader(int Xid, long Zxid, ErrorCode Err)
{
    public const int Size = 16;
    public static ReplyHeader Read(ref JuteReader r) => new(r.ReadInt(), r.ReadLong(), (ErrorCode)r.ReadInt());
}
