namespace ZkDashboard.ZooKeeper.Protocol.Records;

/// <summary>jute GetACLRequest; reply GetACLResponse (ACL, Stat).</summary>
internal readonly record struct GetAclRequest(string Path) : IRequest<AclResult>
{
    public OpCode OpCode => OpCode.GetAcl;
    public void Write(ref JuteWriter w) => w.WriteString(Path);
    public AclResult ReadReply(ref JuteReader r, Chroot chroot)
    {
        var acl = r.ReadAclVector();
        return new AclResult(acl, r.ReadStat());
    }
}

/// <summary>jute SetACLRequest; reply SetACLResponse (a Stat).</summary>
internal readonly record struct SetAclRequest(string Path, IReadOnlyList<Acl> Acl, int Version) : IRequest<Stat>
{
    public OpCode OpCode => OpCode.SetAcl;
    public void Write(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteAclVector(Acl);
        w.WriteInt(Version);
    }
    public Stat ReadReply(ref JuteReader r, Chroot chroot) => r.ReadStat();
}
