using ZkDashboard.Core.Access;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Tests.Sessions;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Operations;

/// <summary>The one re-read that settles a write whose outcome is unknown, for each kind of write and each outcome.</summary>
[Collection(SessionsEnsembleCollection.Name)]
public sealed class UnknownWriteOutcomesTests(EnsembleFixture fx)
{
    private static readonly ActingUser Alice = new("alice", ["admin"], "127.0.0.1");
    private const string Main = SessionsHarness.Main;

    [Fact]
    public async Task SettleUnknownWriteAsync_Create_TellsAppliedNotAppliedAndSomeoneElses()
    {
        await using var h = await SessionsHarness.StartAsync(fx);
        await using var ext = await h.ExternalClientAsync();
        await ext.CreateAsync("/mine", "x"u8.ToArray(), Acls.OpenUnsafe);

        var applied = await h.Ops.SettleUnknownWriteAsync(Alice, Main, PendingWrite.Create("/mine", "x"u8.ToArray()));
        Assert.Equal(WriteVerdict.Applied, applied.Verdict);
        Assert.True(applied.DataMatches);
        Assert.Equal("/mine", applied.Node!.Path);

        Assert.Equal(WriteVerdict.NotApplied, (await h.Ops.SettleUnknownWriteAsync(Alice, Main, PendingWrite.Create("/never", "x"u8.ToArray()))).Verdict);
        var theirs = await h.Ops.SettleUnknownWriteAsync(Alice, Main, PendingWrite.Create("/mine", "y"u8.ToArray()));
        Assert.Equal(WriteVerdict.ChangedByOthers, theirs.Verdict);
        Assert.False(theirs.DataMatches);
    }

    [Fact]
    public async Task SettleUnknownWriteAsync_SetDataAndDelete_TellEachOutcome()
    {
        await using var h = await SessionsHarness.StartAsync(fx);
        await using var ext = await h.ExternalClientAsync();
        await ext.CreateAsync("/n", "a"u8.ToArray(), Acls.OpenUnsafe);
        await ext.SetDataAsync("/n", "b"u8.ToArray(), 0); // version 1

        Assert.Equal(WriteVerdict.Applied, (await h.Ops.SettleUnknownWriteAsync(Alice, Main, PendingWrite.SetData("/n", "b"u8.ToArray(), 0))).Verdict);
        var notApplied = await h.Ops.SettleUnknownWriteAsync(Alice, Main, PendingWrite.SetData("/n", "c"u8.ToArray(), 1));
        Assert.Equal(WriteVerdict.NotApplied, notApplied.Verdict);
        Assert.Equal(1, notApplied.Stat!.Version);
        var later = await h.Ops.SettleUnknownWriteAsync(Alice, Main, PendingWrite.SetData("/n", "b"u8.ToArray(), -1));
        Assert.Equal(WriteVerdict.Applied, later.Verdict); // -1: any version, and the data is ours
        var changed = await h.Ops.SettleUnknownWriteAsync(Alice, Main, PendingWrite.SetData("/n", "z"u8.ToArray(), 5));
        Assert.Equal(WriteVerdict.ChangedByOthers, changed.Verdict);
        Assert.Equal(WriteVerdict.NodeGone, (await h.Ops.SettleUnknownWriteAsync(Alice, Main, PendingWrite.SetData("/gone", "z"u8.ToArray(), 0))).Verdict);

        Assert.Equal(WriteVerdict.NotApplied, (await h.Ops.SettleUnknownWriteAsync(Alice, Main, PendingWrite.Delete("/n", 1))).Verdict);
        var moved = await h.Ops.SettleUnknownWriteAsync(Alice, Main, PendingWrite.Delete("/n", 0));
        Assert.Equal(WriteVerdict.ChangedByOthers, moved.Verdict);
        Assert.Equal(1, moved.Stat!.Version);
        await ext.DeleteAsync("/n", -1);
        Assert.Equal(WriteVerdict.Applied, (await h.Ops.SettleUnknownWriteAsync(Alice, Main, PendingWrite.Delete("/n", 1))).Verdict);
    }

    [Fact]
    public async Task SettleUnknownWriteAsync_UnknownEnsemble_StaysUnknownWithTheReason()
    {
        await using var h = await SessionsHarness.StartAsync(fx);
        var settled = await h.Ops.SettleUnknownWriteAsync(Alice, "no-such-ensemble", PendingWrite.Delete("/x", 0));
        Assert.Equal(WriteVerdict.StillUnknown, settled.Verdict);
        Assert.NotNull(settled.Error);
    }
}
