using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Znodes.Stats;

/// <summary>What a stat row holds, so the table can add links or time details.</summary>
public enum StatValueKind
{
    Zxid,
    Time,
    Number,
    Session,
    Size,
}

/// <summary>One line of the stat table, named exactly as <c>zkCli stat</c> prints it.</summary>
public sealed record StatRow(string Name, string Value, StatValueKind Kind, string Description, DateTimeOffset? Time = null, long Raw = 0);

/// <summary>Builds the rows of the stat table in zkCli's order with zkCli's names.</summary>
public static class StatRows
{
    public static IReadOnlyList<StatRow> Build(Stat stat) =>
    [
        new("cZxid", Hex(stat.Czxid), StatValueKind.Zxid, "Transaction that created the node", Raw: stat.Czxid),
        new("ctime", string.Empty, StatValueKind.Time, "When the node was created", TimeFormat.FromEpochMs(stat.Ctime), stat.Ctime),
        new("mZxid", Hex(stat.Mzxid), StatValueKind.Zxid, "Transaction that last changed the data", Raw: stat.Mzxid),
        new("mtime", string.Empty, StatValueKind.Time, "When the data last changed", TimeFormat.FromEpochMs(stat.Mtime), stat.Mtime),
        new("pZxid", Hex(stat.Pzxid), StatValueKind.Zxid, "Transaction that last changed the children", Raw: stat.Pzxid),
        new("cversion", Num(stat.Cversion), StatValueKind.Number, "Number of changes to the children", Raw: stat.Cversion),
        new("dataVersion", Num(stat.Version), StatValueKind.Number, "Number of changes to the data (the version a write expects)", Raw: stat.Version),
        new("aclVersion", Num(stat.Aversion), StatValueKind.Number, "Number of changes to the ACL", Raw: stat.Aversion),
        new("ephemeralOwner", Hex(stat.EphemeralOwner), StatValueKind.Session,
            stat.IsEphemeral ? "Session that owns this ephemeral node" : "0x0: not an ephemeral node", Raw: stat.EphemeralOwner),
        new("dataLength", Num(stat.DataLength), StatValueKind.Size, "Size of the data in bytes", Raw: stat.DataLength),
        new("numChildren", Num(stat.NumChildren), StatValueKind.Number, "Number of children", Raw: stat.NumChildren),
    ];

    /// <summary>"0x100000002" — lower-case hex like zkCli.</summary>
    public static string Hex(long value) => "0x" + value.ToString("x", System.Globalization.CultureInfo.InvariantCulture);

    private static string Num(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
