namespace ZkDashboard.ZooKeeper.Protocol.Records;

/// <summary>
/// jute MultiOperationRecord: for each op a MultiHeader(type, done=false, err=-1) and the op's record,
/// then MultiHeader(-1, true, -1). The reply (MultiResponse) is a MultiHeader per result, each followed by
/// its response record (ErrorResponse for errors), ended by a header with done=true.
/// </summary>
internal sealed record MultiRequest(IReadOnlyList<Op> Ops, bool ReadOnly, Chroot Chroot) : IRequest<IReadOnlyList<OpResult>>
{
    public OpCode OpCode => ReadOnly ? OpCode.MultiRead : OpCode.Multi;

    public void Write(ref JuteWriter w)
    {
        foreach (var op in Ops)
        {
            var path = Chroot.ToServer(op.Path);
            switch (op)
            {
                case CreateOp c:
                    var create = new CreateRequest(path, c.Data, c.Acl, c.Mode, c.Ttl);
                    WriteHeader(ref w, create.OpCode);
                    create.Write(ref w);
                    break;
                case DeleteOp d:
                    WriteHeader(ref w, OpCode.Delete);
                    new DeleteRequest(path, d.Version).Write(ref w);
                    break;
                case SetDataOp s:
                    WriteHeader(ref w, OpCode.SetData);
                    new SetDataRequest(path, s.Data, s.Version).Write(ref w);
                    break;
                case CheckOp k:
                    WriteHeader(ref w, OpCode.Check);
                    new CheckVersionRequest(path, k.Version).Write(ref w);
                    break;
                case GetDataOp:
                    WriteHeader(ref w, OpCode.GetData);
                    new GetDataRequest(path, false).Write(ref w);
                    break;
                case GetChildrenOp:
                    WriteHeader(ref w, OpCode.GetChildren);
                    new GetChildrenRequest(path, false).Write(ref w);
                    break;
                default:
                    throw new ArgumentException($"Unsupported op {op.GetType().Name}.");
            }
        }
        w.WriteInt(-1);
        w.WriteBool(true);
        w.WriteInt(-1);

        static void WriteHeader(ref JuteWriter w, OpCode type)
        {
            w.WriteInt((int)type);
            w.WriteBool(false);
            w.WriteInt(-1);
        }
    }

    public IReadOnlyList<OpResult> ReadReply(ref JuteReader r, Chroot chroot)
    {
        var results = new List<OpResult>(Ops.Count);
        while (true)
        {
            var type = (OpCode)r.ReadInt();
            var done = r.ReadBool();
            var err = (ErrorCode)r.ReadInt();
            if (done) break;
            OpResult result = type switch
            {
                OpCode.Create => new CreateOpResult(chroot.ToClient(r.ReadRequiredString()), null),
                OpCode.Create2 or OpCode.CreateTtl or OpCode.CreateContainer => ReadCreate2(ref r, chroot),
                OpCode.Delete => new DeleteOpResult(),
                OpCode.SetData => new SetDataOpResult(r.ReadStat()),
                OpCode.Check => new CheckOpResult(),
                OpCode.GetData => ReadGetData(ref r),
                OpCode.GetChildren => new GetChildrenOpResult(r.ReadStringVector()),
                OpCode.Error => new ErrorOpResult((ErrorCode)r.ReadInt()),
                _ => throw new ZooKeeperProtocolException($"Malformed multi reply: unknown result type {(int)type} (header err {(int)err})."),
            };
            results.Add(result);
            if (results.Count > Ops.Count) throw new ZooKeeperProtocolException("Malformed multi reply: more results than ops.");
        }
        return results;

        static CreateOpResult ReadCreate2(ref JuteReader r, Chroot chroot)
        {
            var c = CreateRequest.ReadCreate2Response(ref r, chroot);
            return new CreateOpResult(c.Path, c.Stat);
        }
        static GetDataOpResult ReadGetData(ref JuteReader r)
        {
            var d = GetDataRequest.ReadGetDataResponse(ref r);
            return new GetDataOpResult(d.Data, d.Stat);
        }
    }
}
