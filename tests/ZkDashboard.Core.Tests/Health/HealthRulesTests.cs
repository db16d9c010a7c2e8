using ZkDashboard.Core.Health;

namespace ZkDashboard.Core.Tests.Health;

/// <summary>Derived state and alert rules on hand-made server samples (the live paths are covered by the sandbox tests).</summary>
public sealed class HealthRulesTests
{
    [Fact]
    public void AlertConditions_FlagThresholdsAndDisabledWords()
    {
        var servers = new[]
        {
            new ServerHealth { HostPort = "a:1", Status = ServerStatus.Up, Mode = "leader", Zxid = 5000, LatencyAvg = 500, Outstanding = 99, OpenFileDescriptors = 95, MaxFileDescriptors = 100 },
            new ServerHealth { HostPort = "b:1", Status = ServerStatus.Up, Mode = "follower", Zxid = 10, DisabledCommands = ["cons"] },
            new ServerHealth { HostPort = "c:1", Status = ServerStatus.Unreachable, Error = "refused" },
        };
        var health = EnsembleHealthBuilder.Build("e", servers, DateTimeOffset.UnixEpoch, TimeSpan.Zero);
        var kinds = EnsembleHealthBuilder.Conditions(health, new HealthThresholds()).Select(c => (c.Server, c.Kind)).ToHashSet();

        Assert.Equal("a:1", health.Leader);
        Assert.Equal(4990, health.Servers[1].ZxidLag);
        Assert.Equal(3, health.Quorum.Voters);
        Assert.Equal(0, health.Quorum.FailuresToleratedNow);
        Assert.Contains(("a:1", AlertKind.LatencyHigh), kinds);
        Assert.Contains(("a:1", AlertKind.OutstandingHigh), kinds);
        Assert.Contains(("a:1", AlertKind.FdUsageHigh), kinds);
        Assert.Contains(("b:1", AlertKind.ZxidLagHigh), kinds);
        Assert.Contains(("b:1", AlertKind.FourLetterWordsDisabled), kinds);
        Assert.Contains(("c:1", AlertKind.ServerUnreachable), kinds);
        Assert.DoesNotContain(kinds, k => k.Kind is AlertKind.NoQuorum or AlertKind.NoLeader);
    }

    [Theory]
    [InlineData(0x1_0000_0010L, 0x1_0000_0004L, 12)]
    [InlineData(0x2_0000_0003L, 0x1_0000_0050L, 3)]
    [InlineData(0x2_0000_0000L, 0x1_0000_0050L, 0)]
    [InlineData(0x1_0000_0003L, 0x2_0000_0001L, 0)]
    public void ZxidLag_CountsTransactions_AcrossEpochs(long leader, long server, long expected)
        => Assert.Equal(expected, EnsembleHealthBuilder.ZxidLag(leader, server));

    [Fact]
    public void AlertTracker_RaisesKeepsAndResolves_WithTimestamps()
    {
        var tracker = new AlertTracker(10);
        var t0 = DateTimeOffset.UnixEpoch;
        var cond = new EnsembleHealthBuilder.AlertCondition("a:1", AlertKind.ServerUnreachable, AlertSeverity.Critical, "down");
        var first = Assert.Single(tracker.Apply("e", [cond], t0));
        var second = Assert.Single(tracker.Apply("e", [cond], t0.AddSeconds(5)));
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(t0.AddSeconds(5), second.LastSeenAt);
        Assert.Empty(tracker.Apply("e", [], t0.AddSeconds(10)));
        var resolved = Assert.Single(tracker.History("e"));
        Assert.Equal(t0, resolved.RaisedAt);
        Assert.Equal(t0.AddSeconds(10), resolved.ResolvedAt);
        Assert.False(resolved.IsActive);
    }
}
