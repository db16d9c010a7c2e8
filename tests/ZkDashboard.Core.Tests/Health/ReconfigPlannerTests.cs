using ZkDashboard.Core.Health;

namespace ZkDashboard.Core.Tests.Health;

public sealed class ReconfigPlannerTests
{
    private const string Config = """
        server.1=127.0.0.1:2888:3888:participant;0.0.0.0:2181
        server.2=127.0.0.1:2889:3889:participant;0.0.0.0:2182
        server.3=127.0.0.1:2890:3890:participant;0.0.0.0:2183
        version=100000000
        """;

    private static readonly IReadOnlyList<ConfigMember> Members = ReconfigPlanner.ParseConfig(Config).Members;

    [Fact]
    public void ParseConfig_ReadsMembersAndVersion()
    {
        var (members, version) = ReconfigPlanner.ParseConfig(Config);

        Assert.Equal("100000000", version);
        Assert.Equal([1L, 2, 3], members.Select(m => m.Id));
        Assert.Equal((2889, 3889, true, 2182), (members[1].QuorumPort, members[1].ElectionPort, members[1].IsVoter, members[1].ClientPort));
        Assert.Equal("server.2=127.0.0.1:2889:3889:participant;0.0.0.0:2182", members[1].Spec);
    }

    [Fact]
    public void Plan_AllowsRemovingAServer_WhenTheRestKeepAQuorum()
    {
        var plan = ReconfigPlanner.Plan(Members, new HashSet<long> { 1, 2, 3 }, new ReconfigChange(ReconfigAction.Remove, 3));

        Assert.True(plan.Allowed, plan.Summary);
        Assert.Equal((2, 2, 2), (plan.VotersAfter, plan.QuorumAfter, plan.ServingVotersAfter));
        Assert.Equal("3", plan.Leaving);
        Assert.Contains("quorum is 2 of 2", plan.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_RefusesRemoval_ThatWouldLeaveNoQuorum()
    {
        // Server 2 is down: removing 3 leaves 1 and 2, a quorum of 2 with only 1 serving.
        var plan = ReconfigPlanner.Plan(Members, new HashSet<long> { 1, 3 }, new ReconfigChange(ReconfigAction.Remove, 3));

        Assert.False(plan.Allowed);
        Assert.Contains("would lose its quorum", plan.Summary, StringComparison.Ordinal);
        Assert.Contains("only 1 of them is serving", plan.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_RefusesAddingAVoter_ThatIsNotServingYet_WhenItBreaksTheQuorum()
    {
        // 3 voters, one down; a 4th (not running yet) makes the quorum 3 of 4 with 2 serving.
        var plan = ReconfigPlanner.Plan(Members, new HashSet<long> { 1, 2 },
            new ReconfigChange(ReconfigAction.Add, 0, "server.4=127.0.0.1:2891:3891:participant;2184"));

        Assert.False(plan.Allowed, plan.Summary);
        Assert.Equal((4, 3, 2), (plan.VotersAfter, plan.QuorumAfter, plan.ServingVotersAfter));
    }

    [Fact]
    public void Plan_ChangeRole_MakesAnObserverAndSendsItsNewSpec()
    {
        var plan = ReconfigPlanner.Plan(Members, new HashSet<long> { 1, 2, 3 }, new ReconfigChange(ReconfigAction.ChangeRole, 3, NewRole: "observer"));

        Assert.True(plan.Allowed, plan.Summary);
        Assert.Equal("server.3=127.0.0.1:2890:3890:observer;0.0.0.0:2183", plan.Joining);
        Assert.Equal(2, plan.VotersAfter);
        Assert.Contains("1 observer", plan.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ReconfigAction.Remove, 9, null, null, "not a member")]
    [InlineData(ReconfigAction.Add, 0, "server.1=127.0.0.1:2895:3895:participant;2185", null, "already a member")]
    [InlineData(ReconfigAction.Add, 0, "4=host", null, "not a server line")]
    [InlineData(ReconfigAction.ChangeRole, 1, null, "boss", "unknown")]
    [InlineData(ReconfigAction.ChangeRole, 1, null, "participant", "already a participant")]
    public void Plan_RefusesInvalidChanges_SayingWhy(ReconfigAction action, long id, string? spec, string? role, string expected)
    {
        var plan = ReconfigPlanner.Plan(Members, new HashSet<long> { 1, 2, 3 }, new ReconfigChange(action, id, spec, role));

        Assert.False(plan.Allowed);
        Assert.Contains(expected, plan.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_RefusesAnything_WithoutDynamicConfiguration()
    {
        var plan = ReconfigPlanner.Plan([], new HashSet<long>(), new ReconfigChange(ReconfigAction.Remove, 1));

        Assert.False(plan.Allowed);
        Assert.Contains("no dynamic configuration", plan.Summary, StringComparison.Ordinal);
    }
}
