using ZkDashboard.Core.Health;

namespace ZkDashboard.Core.Tests.Health;

/// <summary>The rules added for the documented ZooKeeper alerts: watches, data size, znode divergence, elections; disabled rules.</summary>
public sealed class AlertRuleAdditionsTests
{
    private static EnsembleHealth Build(params ServerHealth[] servers) => EnsembleHealthBuilder.Build("e", servers, DateTimeOffset.UnixEpoch, TimeSpan.Zero);

    [Fact]
    public void Conditions_FlagWatchesDataSizeAndDivergence_AboveThresholds()
    {
        var health = Build(
            new ServerHealth { HostPort = "a:1", Status = ServerStatus.Up, Mode = "leader", Zxid = 10, ZnodeCount = 1000, WatchCount = 20_000, ApproximateDataSize = 2_000_000_000 },
            new ServerHealth { HostPort = "b:1", Status = ServerStatus.Up, Mode = "follower", Zxid = 10, ZnodeCount = 500, WatchCount = 10 },
            new ServerHealth { HostPort = "c:1", Status = ServerStatus.Up, Mode = "follower", Zxid = 10, ZnodeCount = 1000 });

        var conditions = EnsembleHealthBuilder.Conditions(health, new HealthOptions().RulesFor("e"), []);
        var kinds = conditions.Select(c => (c.Server, c.Kind)).ToHashSet();

        Assert.Contains(("a:1", AlertKind.WatchCountHigh), kinds);
        Assert.Contains(("a:1", AlertKind.DataSizeHigh), kinds);
        Assert.Contains((null, AlertKind.ZnodeDivergence), kinds);
        Assert.DoesNotContain(("b:1", AlertKind.WatchCountHigh), kinds);
        Assert.Contains("500", conditions.Single(c => c.Kind == AlertKind.ZnodeDivergence).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Conditions_FlagRecentElection_AndSkipDisabledRules()
    {
        var health = Build(
            new ServerHealth { HostPort = "a:1", Status = ServerStatus.Up, Mode = "leader", Zxid = 0x3_0000_0001L, WatchCount = 20_000 },
            new ServerHealth { HostPort = "b:1", Status = ServerStatus.Up, Mode = "follower", Zxid = 0x3_0000_0001L });
        var options = new HealthOptions { DisabledRules = ["WatchCountHigh"] };

        var conditions = EnsembleHealthBuilder.Conditions(health, options.RulesFor("e"), [DateTimeOffset.UnixEpoch]);

        var election = Assert.Single(conditions, c => c.Kind == AlertKind.LeaderElection);
        Assert.Contains("epoch 3", election.Message, StringComparison.Ordinal);
        Assert.Contains("last 5 min", election.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(conditions, c => c.Kind == AlertKind.WatchCountHigh);
        Assert.DoesNotContain(EnsembleHealthBuilder.Conditions(health, options.RulesFor("e"), []), c => c.Kind == AlertKind.LeaderElection);
    }
}
