using ZkDashboard.Core.Health;
using ZkDashboard.Web.Components.Pages.Health;

namespace ZkDashboard.Web.Tests.Components;

/// <summary>The health page's servers table and quorum diagram rendered to static HTML from hand-made snapshots.</summary>
public sealed class HealthComponentTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static EnsembleHealth Snapshot()
    {
        ServerHealth[] servers =
        [
            new() { HostPort = "a:1", Status = ServerStatus.Up, Mode = "leader", ServerId = 1, Zxid = 0x3_0000_0010, LatencyAvg = 250, LatencyMin = 1, LatencyMax = 900, ZnodeCount = 42,
                    OpenFileDescriptors = 90, MaxFileDescriptors = 100, Metrics = new Dictionary<string, double> { ["zk_uptime"] = 3_600_000 } },
            new() { HostPort = "b:1", Status = ServerStatus.Up, Mode = "follower", ServerId = 2, Zxid = 0x3_0000_000f, ZxidLag = 1 },
            new() { HostPort = "c:1", Status = ServerStatus.Unreachable, Error = "c:1 is unreachable: connection refused" },
        ];
        return new EnsembleHealth
        {
            Ensemble = "e",
            Timestamp = T0,
            Status = EnsembleStatus.Degraded,
            Servers = servers,
            Leader = "a:1",
            Followers = ["b:1"],
            Quorum = QuorumState.Compute(3, 2, true),
            SyncedFollowers = 1,
            ActiveAlerts =
            [
                new HealthAlert(1, "e", "a:1", AlertKind.LatencyHigh, AlertSeverity.Warning, "a:1: average latency 250 ms is above 100 ms.", T0, null, T0),
                new HealthAlert(2, "e", "c:1", AlertKind.ServerUnreachable, AlertSeverity.Critical, "c:1 is unreachable: connection refused", T0, null, T0),
            ],
        };
    }

    [Fact]
    public async Task ServersTable_HighlightsProblemCells_WithTheReasonInWords()
    {
        var html = await ComponentRenderer.RenderAsync<ServersTable>(new() { [nameof(ServersTable.Health)] = Snapshot() });

        Assert.Contains("0x300000010", html, StringComparison.Ordinal);
        Assert.Contains("1 h 0 min", html, StringComparison.Ordinal);
        Assert.Contains("90 / 100", html, StringComparison.Ordinal);
        Assert.Matches("class=\"zk-h-problem\" data-col=\"latency\"[^>]*>[^<]*<span class=\"zk-h-why\">a:1: average latency 250 ms is above 100 ms.</span>", html);
        Assert.Matches("class=\"zk-h-problem\" data-col=\"status\"[^>]*>\\s*down\\s*<span class=\"zk-h-why\">c:1 is unreachable: connection refused</span>", html);
        Assert.DoesNotMatch("class=\"zk-h-problem\" data-col=\"fds\"", html);
    }

    [Fact]
    public async Task QuorumDiagram_DrawsEveryServer_AndExplainsTheTolerance()
    {
        var html = await ComponentRenderer.RenderAsync<QuorumDiagram>(new() { [nameof(QuorumDiagram.Health)] = Snapshot() });

        Assert.Contains("zk-hq-node zk-hq-leader", html, StringComparison.Ordinal);
        Assert.Contains("zk-hq-node zk-hq-follower", html, StringComparison.Ordinal);
        Assert.Contains("zk-hq-node zk-hq-down", html, StringComparison.Ordinal);
        Assert.Contains("0 more failures tolerated now (by design 1 of 3)", html, StringComparison.Ordinal);
        Assert.Contains("3 voters need a majority of 2; 2 are serving (1 down), so 0 more voters may fail", html, StringComparison.Ordinal);
        Assert.Contains("The leader reports 1 synced follower.", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(5, 2)]
    [InlineData(7, 3)]
    public void Tolerance_ByDesign_FollowsTheVoterCount(int voters, int tolerated)
        => Assert.Contains($"by design {tolerated} of {voters}", HealthText.Tolerance(QuorumState.Compute(voters, voters, true)), StringComparison.Ordinal);
}
