using System.Globalization;
using System.Text.RegularExpressions;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Recipes;

public enum RecipeKind
{
    LeaderElection,
    Lock,
    ReadWriteLock,
    Semaphore,
    Queue,
    DoubleBarrier,
    Party,
}

/// <summary>A child of the recipe root as read from ZooKeeper.</summary>
public sealed record RecipeNode(string Name, Stat Stat);

/// <summary>One participant of a recipe (a contender, a lock node, a lease, a queue entry).</summary>
/// <param name="Sequence">The sequence number ZooKeeper appended (null for non-sequential nodes).</param>
/// <param name="Mode">"read"/"write" for read/write locks; null otherwise.</param>
/// <param name="Holds">Leader, lock holder, lease holder or queue head.</param>
public sealed record RecipeParticipant(string Name, string Path, long? Sequence, string? Mode, long EphemeralOwner, DateTimeOffset Created, bool Holds);

/// <summary>What the children of a path were recognised as (or why not).</summary>
/// <param name="Kind">Null when not recognised.</param>
/// <param name="Layout">Whose layout, e.g. "Curator LeaderLatch".</param>
/// <param name="HolderTerm">"Leader", "Holder", "Lease holder", "Head", "Member".</param>
/// <param name="Participants">Holders first, then waiters in the order they will get their turn.</param>
/// <param name="Problem">Why the layout is not recognised (null when it is).</param>
public sealed record RecipeLayout(RecipeKind? Kind, string Layout, string HolderTerm, IReadOnlyList<RecipeParticipant> Participants, string? Problem)
{
    public bool IsRecognised => Kind is not null;

    public IEnumerable<RecipeParticipant> Holders => Participants.Where(p => p.Holds);

    public IEnumerable<RecipeParticipant> Waiters => Participants.Where(p => !p.Holds);

    public static RecipeLayout Unknown(string why) => new(null, "unknown", "", [], "Not a recognised recipe layout: " + why);
}

/// <summary>
/// Recognises the znode layouts of the Curator, kazoo and ZooKeeper recipes from the children of a recipe root. Every child
/// must fit one layout; anything else is reported as not recognised, with what was found, rather than guessed.
/// <list type="bullet">
/// <item>Curator LeaderLatch <c>_c_&lt;uuid&gt;-latch-N</c>; InterProcessMutex / LeaderSelector <c>[_c_&lt;uuid&gt;-]lock-N</c>;
/// InterProcessReadWriteLock <c>…__READ__N</c> / <c>…__WRIT__N</c>; InterProcessSemaphoreV2 <c>leases/…-lease-N</c> and
/// <c>locks/</c>; DistributedQueue <c>queue-N</c>; DistributedDoubleBarrier: uuid children and <c>ready</c>.</item>
/// <item>kazoo Lock / Election <c>&lt;hex&gt;__lock__N</c>, ReadLock <c>&lt;hex&gt;__rlock__N</c>, Queue <c>entry-PPP-N</c>,
/// Party <c>&lt;hex&gt;__party__id</c>, DoubleBarrier: hex children and <c>ready</c>, Semaphore: hex lease children (the root holds max_leases).</item>
/// <item>ZooKeeper recipes: election <c>[guid-]n_N</c>, WriteLock <c>x-&lt;session&gt;-N</c>, queue <c>qn-N</c>.</item>
/// </list>
/// </summary>
public static partial class RecipeLayouts
{
    private sealed record Pattern(Regex Regex, RecipeKind Kind, string Layout, string HolderTerm, bool Ephemeral, Func<Match, string?>? Mode = null);

    [GeneratedRegex(@"^_c_[0-9a-fA-F-]{36}-latch-(?<seq>\d{10})$")]
    private static partial Regex CuratorLatch();

    [GeneratedRegex(@"^(_c_[0-9a-fA-F-]{36}-)?lock-(?<seq>\d{10})$")]
    private static partial Regex CuratorLock();

    [GeneratedRegex(@"^(_c_[0-9a-fA-F-]{36}-)?(?<mode>__READ__|__WRIT__)(?<seq>\d{10})$")]
    private static partial Regex CuratorReadWrite();

    [GeneratedRegex(@"^(_c_[0-9a-fA-F-]{36}-)?lease-(?<seq>\d{10})$")]
    private static partial Regex CuratorLease();

    [GeneratedRegex(@"^queue-(?<seq>\d{10})$")]
    private static partial Regex CuratorQueue();

    [GeneratedRegex(@"^([0-9a-fA-F]{32})?(?<mode>__lock__|__rlock__)(?<seq>\d{10})$")]
    private static partial Regex KazooLock();

    [GeneratedRegex(@"^entry-\d{3}-(?<seq>\d{10})$")]
    private static partial Regex KazooQueue();

    [GeneratedRegex(@"^[0-9a-f]{32}__party__.*$")]
    private static partial Regex KazooParty();

    [GeneratedRegex(@"^([0-9A-Za-z-]+-)?n_(?<seq>\d{10})$")]
    private static partial Regex ZooKeeperElection();

    [GeneratedRegex(@"^x-(?<sid>-?\d+)-(?<seq>\d{10})$")]
    private static partial Regex ZooKeeperWriteLock();

    [GeneratedRegex(@"^qn-(?<seq>\d{10})$")]
    private static partial Regex ZooKeeperQueue();

    [GeneratedRegex(@"^([0-9a-fA-F]{32}|[0-9a-fA-F-]{36})$")]
    private static partial Regex UuidName();

    private static readonly Pattern[] Sequential =
    [
        new(CuratorLatch(), RecipeKind.LeaderElection, "Curator LeaderLatch", "Leader", true),
        new(CuratorLock(), RecipeKind.Lock, "Curator InterProcessMutex / LeaderSelector", "Holder", true),
        new(CuratorReadWrite(), RecipeKind.ReadWriteLock, "Curator InterProcessReadWriteLock", "Holder", true, m => m.Groups["mode"].Value == "__READ__" ? "read" : "write"),
        new(KazooLock(), RecipeKind.Lock, "kazoo Lock / Election", "Holder", true, m => m.Groups["mode"].Value == "__rlock__" ? "read" : "write"),
        new(ZooKeeperElection(), RecipeKind.LeaderElection, "ZooKeeper leader election recipe", "Leader", true),
        new(ZooKeeperWriteLock(), RecipeKind.Lock, "ZooKeeper WriteLock recipe", "Holder", true),
        new(CuratorQueue(), RecipeKind.Queue, "Curator DistributedQueue", "Head", false),
        new(KazooQueue(), RecipeKind.Queue, "kazoo Queue", "Head", false),
        new(ZooKeeperQueue(), RecipeKind.Queue, "ZooKeeper queue recipe", "Head", false),
    ];

    /// <param name="root">The recipe root path.</param>
    /// <param name="rootData">The root's data (kazoo's Semaphore keeps max_leases there).</param>
    /// <param name="children">The root's children with their stats.</param>
    /// <param name="leases">For a Curator semaphore (a "leases" child): the children of root/leases.</param>
    public static RecipeLayout Recognise(string root, ReadOnlySpan<byte> rootData, IReadOnlyList<RecipeNode> children, IReadOnlyList<RecipeNode>? leases = null)
    {
        ArgumentNullException.ThrowIfNull(children);
        if (children.Count == 0)
        {
            return RecipeLayout.Unknown($"{root} has no children. (A Curator or kazoo barrier is a single node whose existence is the barrier; an idle election or lock has no contenders.)");
        }
        var names = children.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);

        if (names.Contains("leases") && names.IsSubsetOf(["leases", "locks"]))
        {
            var pool = leases ?? [];
            var notLease = pool.FirstOrDefault(l => !CuratorLease().IsMatch(l.Name));
            if (notLease is not null)
            {
                return RecipeLayout.Unknown($"{root}/leases holds '{notLease.Name}', which is not a Curator lease node (…lease-NNNNNNNNNN).");
            }
            var leased = pool.Select(l => Participant(root + "/leases", l, Sequence(CuratorLease().Match(l.Name)), null, holds: true)).OrderBy(p => p.Sequence).ToList();
            return new RecipeLayout(RecipeKind.Semaphore, "Curator InterProcessSemaphoreV2", "Lease holder", leased, null);
        }

        if (names.Contains("ready") && children.Where(c => c.Name != "ready").All(c => UuidName().IsMatch(c.Name)))
        {
            var members = children.Where(c => c.Name != "ready").OrderBy(c => c.Stat.Czxid).Select(c => Participant(root, c, null, null, holds: true)).ToList();
            return new RecipeLayout(RecipeKind.DoubleBarrier, "Curator / kazoo DoubleBarrier (ready: everyone entered)", "Member", members, null);
        }

        if (children.All(c => KazooParty().IsMatch(c.Name)))
        {
            var members = children.OrderBy(c => c.Stat.Czxid).Select(c => Participant(root, c, null, c.Name[(c.Name.IndexOf("__party__", StringComparison.Ordinal) + 9)..], holds: true)).ToList();
            return new RecipeLayout(RecipeKind.Party, "kazoo Party", "Member", members, null);
        }

        if (children.All(c => UuidName().IsMatch(c.Name) && c.Stat.EphemeralOwner != 0))
        {
            var max = int.TryParse(System.Text.Encoding.UTF8.GetString(rootData), NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : (int?)null;
            if (max is null)
            {
                return RecipeLayout.Unknown($"{root} has ephemeral children with uuid names ({Sample(children)}) but no 'ready' node and no max_leases in its data: "
                                            + "this could be a kazoo Semaphore or a double barrier being entered.");
            }
            var leased = children.OrderBy(c => c.Stat.Czxid).Select(c => Participant(root, c, null, null, holds: true)).ToList();
            return new RecipeLayout(RecipeKind.Semaphore, $"kazoo Semaphore (max_leases {max})", "Lease holder", leased, null);
        }

        foreach (var pattern in Sequential)
        {
            var matches = children.Select(c => (Node: c, Match: pattern.Regex.Match(c.Name))).ToList();
            if (!matches.All(m => m.Match.Success))
            {
                continue;
            }
            var wrongMode = matches.FirstOrDefault(m => (m.Node.Stat.EphemeralOwner != 0) != pattern.Ephemeral);
            if (wrongMode.Node is not null)
            {
                return RecipeLayout.Unknown($"{root}/{wrongMode.Node.Name} is named like a {pattern.Layout} node but is {(pattern.Ephemeral ? "not ephemeral" : "ephemeral")}.");
            }
            var ordered = matches.OrderBy(m => Sequence(m.Match)).ToList();
            var modes = ordered.Select(m => pattern.Mode?.Invoke(m.Match)).ToList();
            var kind = pattern.Kind;
            var layout = pattern.Layout;
            if (kind == RecipeKind.Lock && modes.Contains("read"))
            {
                kind = RecipeKind.ReadWriteLock;
                layout = "kazoo ReadLock / WriteLock";
            }
            var holds = Holding(kind, modes);
            var list = ordered.Select((m, i) => Participant(root, m.Node, Sequence(m.Match), kind == RecipeKind.ReadWriteLock ? modes[i] : null, holds[i])).ToList();
            return new RecipeLayout(kind, layout, pattern.HolderTerm, list, null);
        }

        return RecipeLayout.Unknown($"the children of {root} ({Sample(children)}) match no Curator, kazoo or ZooKeeper recipe (elections, locks, read/write locks, semaphores, queues, barriers).");
    }

    /// <summary>Who holds: the lowest node; for read/write locks every read before the first write, or the first write alone; for queues the head.</summary>
    private static bool[] Holding(RecipeKind kind, IReadOnlyList<string?> modes)
    {
        var holds = new bool[modes.Count];
        if (modes.Count == 0)
        {
            return holds;
        }
        if (kind != RecipeKind.ReadWriteLock || modes[0] == "write")
        {
            holds[0] = true;
            return holds;
        }
        for (var i = 0; i < modes.Count && modes[i] == "read"; i++)
        {
            holds[i] = true;
        }
        return holds;
    }

    private static long? Sequence(Match m)
        => m.Groups["seq"] is { Success: true } g && long.TryParse(g.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static RecipeParticipant Participant(string root, RecipeNode node, long? sequence, string? mode, bool holds)
        => new(node.Name, root == "/" ? "/" + node.Name : root + "/" + node.Name, sequence, mode, node.Stat.EphemeralOwner,
            DateTimeOffset.FromUnixTimeMilliseconds(node.Stat.Ctime), holds);

    private static string Sample(IReadOnlyList<RecipeNode> children)
        => string.Join(", ", children.Take(3).Select(c => "'" + c.Name + "'")) + (children.Count > 3 ? $", … {children.Count} in all" : "");
}
