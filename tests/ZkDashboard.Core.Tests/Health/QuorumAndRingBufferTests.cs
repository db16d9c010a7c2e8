using ZkDashboard.Core.Health;

namespace ZkDashboard.Core.Tests.Health;

public sealed class QuorumAndRingBufferTests
{
    [Theory]
    [InlineData(1, 1, 0)]
    [InlineData(2, 2, 0)]
    [InlineData(3, 2, 1)]
    [InlineData(4, 3, 1)]
    [InlineData(5, 3, 2)]
    [InlineData(7, 4, 3)]
    public void Compute_GivesQuorumAndTolerance_ForVoterCount(int voters, int quorum, int tolerated)
    {
        var state = QuorumState.Compute(voters, voters, hasQuorum: true);
        Assert.Equal(quorum, state.QuorumSize);
        Assert.Equal(tolerated, state.FailuresTolerated);
        Assert.Equal(tolerated, state.FailuresToleratedNow);
    }

    [Fact]
    public void Compute_ReducesCurrentTolerance_WhenVotersAreDown()
    {
        var five = QuorumState.Compute(5, 4, hasQuorum: true);
        Assert.Equal(2, five.FailuresTolerated);
        Assert.Equal(1, five.FailuresToleratedNow);
        Assert.Equal(0, QuorumState.Compute(3, 1, hasQuorum: false).FailuresToleratedNow);
    }

    [Fact]
    public void RingBuffer_KeepsNewestItems_WhenFull()
    {
        var ring = new RingBuffer<int>(3);
        for (var i = 1; i <= 7; i++)
        {
            ring.Add(i);
        }
        Assert.Equal(3, ring.Count);
        Assert.Equal([5, 6, 7], ring.ToArray());
    }

    [Fact]
    public void ServerMetricHistory_StaysBounded_AndReturnsOldestFirst()
    {
        var history = new ServerMetricHistory(720);
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 2000; i++)
        {
            var sample = new Dictionary<string, double> { ["a"] = i };
            if (i % 2 == 0)
            {
                sample["b"] = i;
            }
            history.Record(t0.AddSeconds(5 * i), sample);
        }
        var bytesAfter = history.ApproximateBytes;
        history.Record(t0.AddSeconds(5 * 2000), new Dictionary<string, double> { ["a"] = 2000, ["b"] = 2000 });

        Assert.Equal(720, history.Count);
        Assert.Equal(bytesAfter, history.ApproximateBytes);
        Assert.Equal(8L * 720 * 3, history.ApproximateBytes);
        var a = history.Get("a");
        Assert.Equal(720, a.Count);
        Assert.Equal(1281, a[0].Value);
        Assert.Equal(2000, a[^1].Value);
        Assert.Equal(t0.AddSeconds(5 * 2000), a[^1].Timestamp);
        Assert.Equal(360, history.Get("b").Count);
        Assert.Equal(11, history.Get("a", since: t0.AddSeconds(5 * 1990)).Count);
        Assert.Empty(history.Get("missing"));
    }
}
