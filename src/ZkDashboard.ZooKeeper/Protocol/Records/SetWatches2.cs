namespace ZkDashboard.ZooKeeper.Protocol.Records;

/// <summary>jute SetWatches2 (sent with xid -8 after a reconnect to re-arm the session's watches).</summary>
internal sealed record SetWatches2(
    long RelativeZxid,
    IReadOnlyList<string> DataWatches,
    IReadOnlyList<string> ExistWatches,
    IReadOnlyList<string> ChildWatches,
    IReadOnlyList<string> PersistentWatches,
    IReadOnlyList<string> PersistentRecursiveWatches) : IRequestRecord
{
    public OpCode OpCode => OpCode.SetWatches2;

    public void Write(ref JuteWriter w)
    {
        w.WriteLong(RelativeZxid);
        w.WriteStringVector(DataWatches);
        w.WriteStringVector(ExistWatches);
        w.WriteStringVector(ChildWatches);
        w.WriteStringVector(PersistentWatches);
        w.WriteStringVector(PersistentRecursiveWatches);
    }

    /// <summary>
    /// Splits the watch lists (server paths) into packets whose encoded paths stay within
    /// <paramref name="maxBytes"/>, like ClientCnxn and go-zookeeper's sendSetWatches.
    /// </summary>
    public static List<SetWatches2> Chunk(long relativeZxid, IReadOnlyList<string> data, IReadOnlyList<string> exist,
        IReadOnlyList<string> child, IReadOnlyList<string> persistent, IReadOnlyList<string> recursive, int maxBytes = WireConstants.SetWatchesMaxBytes)
    {
        var result = new List<SetWatches2>();
        var lists = new[] { data, exist, child, persistent, recursive };
        var current = NewLists();
        var size = 0;
        for (var kind = 0; kind < lists.Length; kind++)
        {
            foreach (var path in lists[kind])
            {
                var cost = 4 + System.Text.Encoding.UTF8.GetByteCount(path);
                if (size > 0 && size + cost > maxBytes)
                {
                    result.Add(Make(relativeZxid, current));
                    current = NewLists();
                    size = 0;
                }
                current[kind].Add(path);
                size += cost;
            }
        }
        if (size > 0) result.Add(Make(relativeZxid, current));
        return result;

        static List<string>[] NewLists() => [[], [], [], [], []];
        static SetWatches2 Make(long zxid, List<string>[] l) => new(zxid, l[0], l[1], l[2], l[3], l[4]);
    }
}
