namespace ZkDashboard.ZooKeeper.Protocol.Records;

/// <summary>
/// jute CreateRequest (sent as create2 or createContainer) or CreateTTLRequest (createTTL, with the ttl field);
/// the reply is a Create2Response.
/// </summary>
internal readonly record struct CreateRequest(string Path, ReadOnlyMemory<byte> Data, IReadOnlyList<Acl> Acl, CreateMode Mode, long Ttl) : IRequest<CreateResult>
{
    public OpCode OpCode => Mode switch
    {
        CreateMode.Container => OpCode.CreateContainer,
        CreateMode.PersistentWithTtl or CreateMode.PersistentSequentialWithTtl => OpCode.CreateTtl,
        _ => OpCode.Create2,
    };

    public void Write(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteBuffer(Data.Span);
        w.WriteAclVector(Acl);
        w.WriteInt(Mode.ToFlag());
        if (Mode.IsTtl()) w.WriteLong(Ttl);
    }

    public CreateResult ReadReply(ref JuteReader r, Chroot chroot) => ReadCreate2Response(ref r, chroot);

    /// <summary>jute Create2Response.</summary>
    public static CreateResult ReadCreate2Response(ref JuteReader r, Chroot chroot)
    {
        var path = chroot.ToClient(r.ReadRequiredString());
        return new CreateResult(path, r.ReadStat());
    }
}
