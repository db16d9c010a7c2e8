using ZkDashboard.Core.Recipes;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Recipes;

/// <summary>Layouts of the Curator, kazoo and ZooKeeper recipes (node names as those libraries create them).</summary>
public sealed class RecipeLayoutsTests
{
    private static long _zxid = 100;

    private static RecipeNode Node(string name, long owner = 0x42, long ctime = 1_700_000_000_000)
        => new(name, new Stat(++_zxid, _zxid, ctime, ctime, 0, 0, 0, owner, 0, 0, _zxid));

    private static RecipeLayout Recognise(params RecipeNode[] children) => RecipeLayouts.Recognise("/r", default, children);

    [Fact]
    public void Recognise_CuratorLeaderLatch_LowestSequenceLeads()
    {
        var layout = Recognise(
            Node("_c_0f8c4f8e-6c44-4c53-9d0e-0a1a3b1b2c3d-latch-0000000007", owner: 7),
            Node("_c_1a2b3c4d-1111-2222-3333-444455556666-latch-0000000003", owner: 3),
            Node("_c_aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee-latch-0000000005", owner: 5));

        Assert.Equal(RecipeKind.LeaderElection, layout.Kind);
        Assert.Equal("Curator LeaderLatch", layout.Layout);
        Assert.Equal("Leader", layout.HolderTerm);
        Assert.Equal(3, Assert.Single(layout.Holders).EphemeralOwner);
        Assert.Equal([5L, 7L], layout.Waiters.Select(w => w.EphemeralOwner));
        Assert.Equal("/r/_c_1a2b3c4d-1111-2222-3333-444455556666-latch-0000000003", layout.Holders.Single().Path);
    }

    [Fact]
    public void Recognise_CuratorMutex_AsInTheDemo()
    {
        var layout = Recognise(
            Node("_c_bd1d01b6-c70c-4326-94d0-32c07fccb001-lock-0000000001", owner: 2),
            Node("_c_fe1a4062-1941-4dfa-8904-4b9dd33ffeab-lock-0000000000", owner: 1));

        Assert.Equal(RecipeKind.Lock, layout.Kind);
        Assert.Equal(1, layout.Holders.Single().EphemeralOwner);
        Assert.Equal(0, layout.Holders.Single().Sequence);
    }

    [Fact]
    public void Recognise_ZooKeeperElectionRecipe_WithAndWithoutGuid()
    {
        var plain = Recognise(Node("n_0000000002", owner: 2), Node("n_0000000001", owner: 1), Node("n_0000000000", owner: 9));
        var guid = Recognise(Node("guid-n_0000000011", owner: 2), Node("guid-n_0000000010", owner: 1));

        Assert.Equal((RecipeKind.LeaderElection, 9L), (plain.Kind!.Value, plain.Holders.Single().EphemeralOwner));
        Assert.Equal([1L, 2L], plain.Waiters.Select(w => w.EphemeralOwner));
        Assert.Equal((RecipeKind.LeaderElection, 1L), (guid.Kind!.Value, guid.Holders.Single().EphemeralOwner));
    }

    [Fact]
    public void Recognise_KazooLockAndReadWriteLock()
    {
        var lockLayout = Recognise(Node("3f1e0c5b9a8d4e7f8a6b5c4d3e2f1a0b__lock__0000000004", owner: 4), Node("9a8d4e7f8a6b5c4d3e2f1a0b3f1e0c5b__lock__0000000002", owner: 2));
        var rw = Recognise(
            Node("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa__rlock__0000000001", owner: 1),
            Node("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb__rlock__0000000002", owner: 2),
            Node("cccccccccccccccccccccccccccccccc__lock__0000000003", owner: 3),
            Node("dddddddddddddddddddddddddddddddd__rlock__0000000004", owner: 4));

        Assert.Equal((RecipeKind.Lock, "kazoo Lock / Election", 2L), (lockLayout.Kind!.Value, lockLayout.Layout, lockLayout.Holders.Single().EphemeralOwner));
        Assert.Equal(RecipeKind.ReadWriteLock, rw.Kind);
        Assert.Equal([1L, 2L], rw.Holders.Select(h => h.EphemeralOwner));
        Assert.Equal([("write", 3L), ("read", 4L)], rw.Waiters.Select(w => (w.Mode!, w.EphemeralOwner)));
    }

    [Fact]
    public void Recognise_CuratorReadWriteLock_WriterFirstHoldsAlone()
    {
        var layout = Recognise(
            Node("_c_0f8c4f8e-6c44-4c53-9d0e-0a1a3b1b2c3d-__WRIT__0000000000", owner: 1),
            Node("_c_1a2b3c4d-1111-2222-3333-444455556666-__READ__0000000001", owner: 2));

        Assert.Equal(RecipeKind.ReadWriteLock, layout.Kind);
        Assert.Equal(("write", 1L), (layout.Holders.Single().Mode!, layout.Holders.Single().EphemeralOwner));
        Assert.Equal("read", layout.Waiters.Single().Mode);
    }

    [Fact]
    public void Recognise_ZooKeeperWriteLockRecipe()
    {
        var layout = Recognise(Node("x-72057751352705025-0000000001", owner: 5), Node("x-144115345477468160-0000000000", owner: 6));

        Assert.Equal((RecipeKind.Lock, 6L), (layout.Kind!.Value, layout.Holders.Single().EphemeralOwner));
    }

    [Fact]
    public void Recognise_Queues_HeadIsLowestPersistentEntry()
    {
        var zk = Recognise(Node("qn-0000000009", owner: 0), Node("qn-0000000008", owner: 0));
        var kazoo = Recognise(Node("entry-100-0000000001", owner: 0), Node("entry-100-0000000000", owner: 0));
        var curator = Recognise(Node("queue-0000000000", owner: 0));

        Assert.Equal((RecipeKind.Queue, "qn-0000000008"), (zk.Kind!.Value, zk.Holders.Single().Name));
        Assert.Equal((RecipeKind.Queue, "kazoo Queue", "entry-100-0000000000"), (kazoo.Kind!.Value, kazoo.Layout, kazoo.Holders.Single().Name));
        Assert.Equal(RecipeKind.Queue, curator.Kind);
    }

    [Fact]
    public void Recognise_CuratorSemaphore_FromLeasesChildren()
    {
        var layout = RecipeLayouts.Recognise("/sem", default, [Node("leases", owner: 0), Node("locks", owner: 0)],
            [Node("_c_1a2b3c4d-1111-2222-3333-444455556666-lease-0000000001", owner: 11), Node("_c_0f8c4f8e-6c44-4c53-9d0e-0a1a3b1b2c3d-lease-0000000000", owner: 10)]);

        Assert.Equal(RecipeKind.Semaphore, layout.Kind);
        Assert.Equal([10L, 11L], layout.Holders.Select(h => h.EphemeralOwner));
        Assert.StartsWith("/sem/leases/", layout.Holders.First().Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Recognise_KazooSemaphore_NeedsMaxLeasesInRootData()
    {
        RecipeNode[] pool = [Node("0123456789abcdef0123456789abcdef", owner: 1), Node("fedcba9876543210fedcba9876543210", owner: 2)];

        var withMax = RecipeLayouts.Recognise("/s", "2"u8, pool);
        var without = RecipeLayouts.Recognise("/s", default, pool);

        Assert.Equal((RecipeKind.Semaphore, 2), (withMax.Kind!.Value, withMax.Holders.Count()));
        Assert.False(without.IsRecognised);
        Assert.StartsWith("Not a recognised recipe layout:", without.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Recognise_DoubleBarrierAndParty()
    {
        var barrier = Recognise(Node("ready", owner: 0), Node("0123456789abcdef0123456789abcdef", owner: 1), Node("fedcba9876543210fedcba9876543210", owner: 2));
        var party = Recognise(Node("0123456789abcdef0123456789abcdef__party__worker-1", owner: 1));

        Assert.Equal((RecipeKind.DoubleBarrier, 2), (barrier.Kind!.Value, barrier.Participants.Count));
        Assert.Equal((RecipeKind.Party, "worker-1"), (party.Kind!.Value, party.Participants.Single().Mode!));
    }

    [Theory]
    [InlineData("config", "match no Curator, kazoo or ZooKeeper recipe")]
    [InlineData("n_12", "match no Curator")]
    public void Recognise_SaysSo_ForUnknownLayouts(string name, string expected)
    {
        var layout = Recognise(Node(name), Node("lock-0000000001"));

        Assert.Null(layout.Kind);
        Assert.Contains(expected, layout.Problem, StringComparison.Ordinal);
        Assert.StartsWith("Not a recognised recipe layout:", layout.Problem, StringComparison.Ordinal);
        Assert.Empty(layout.Participants);
    }

    [Fact]
    public void Recognise_Refuses_PersistentNodesNamedLikeLockNodes_AndEmptyRoots()
    {
        var persistent = Recognise(Node("lock-0000000001", owner: 0));
        var empty = Recognise();

        Assert.Contains("is not ephemeral", persistent.Problem, StringComparison.Ordinal);
        Assert.Contains("has no children", empty.Problem, StringComparison.Ordinal);
    }
}
