using Xunit.Abstractions;
using ZkDashboard.Core.Health;
using ZkDashboard.Core.Tests.Support;
using ZkDashboard.Sandbox;

namespace ZkDashboard.Core.Tests.Health;

/// <summary>A private 3-server sandbox (so other classes' ensemble is not disturbed) with a monitor polling it every 500 ms.</summary>
public sealed class FaultEnsembleFixture : IAsyncLifetime
{
    public const string Name = "faults";

    public SandboxEnsemble Ensemble { get; private set; } = null!;

    public HealthTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Ensemble = await SandboxEnsemble.StartAsync(new SandboxOptions { Servers = 3 });
        Host = await HealthTestHost.StartAsync(new()
        {
            ["ZkDashboard:Ensembles:0:Name"] = Name,
            ["ZkDashboard:Ensembles:0:ConnectString"] = Ensemble.ConnectString,
            ["ZkDashboard:Health:PollInterval"] = "00:00:00.5",
            ["ZkDashboard:Health:CommandTimeout"] = "00:00:01",
            // The leader-kill test causes an election; its 5-minute LeaderElection alert would keep the next test from seeing "Healthy".
            ["ZkDashboard:Health:DisabledRules:0"] = "LeaderElection",
        });
    }

    /// <summary>Starts any server a failed test left down.</summary>
    public async Task RestoreAsync()
    {
        foreach (var server in Ensemble.Servers.Where(s => !s.IsRunning))
        {
            await server.StartAsync();
        }
        await Ensemble.WaitForQuorumAsync();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Ensemble.DisposeAsync();
    }
}

/// <summary>Fault injection: kill -9 a follower or the leader and watch the monitor notice, then recover.</summary>
public sealed class HealthMonitorFaultTests(FaultEnsembleFixture fixture, ITestOutputHelper output) : IClassFixture<FaultEnsembleFixture>, IAsyncLifetime
{
    private const string Name = FaultEnsembleFixture.Name;
    private readonly SandboxEnsemble _ensemble = fixture.Ensemble;
    private readonly HealthTestHost _host = fixture.Host;

    public Task InitializeAsync() => fixture.RestoreAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<EnsembleHealth> WaitAllUpAsync(string? leader = null)
        => _host.WaitForAsync(Name, h => h.Servers.All(s => s.Status == ServerStatus.Up) && h.Leader is not null && (leader is null || h.Leader == leader)
                                          && h.Followers.Count == 2, what: "all three servers up");

    [Fact]
    public async Task Poll_ShowsFollowerDownWithinOnePoll_AndResolvesAlertAfterRestart()
    {
        var leader = await _ensemble.WaitForLeaderAsync();
        var healthy = await WaitAllUpAsync(leader.HostPort);
        Assert.True(healthy.Status == EnsembleStatus.Healthy, string.Join("; ", healthy.ActiveAlerts.Select(a => a.Message)));
        Assert.Equal((3, 2, 1, 1), (healthy.Quorum.Voters, healthy.Quorum.QuorumSize, healthy.Quorum.FailuresTolerated, healthy.Quorum.FailuresToleratedNow));
        Assert.All(healthy.Servers, s => Assert.NotNull(s.Zxid));
        Assert.Equal(healthy.Servers.Single(s => s.IsLeader).Epoch, healthy.Epoch);
        Assert.Equal(2, healthy.SyncedFollowers);
        Assert.Equal(0, healthy.ZnodeCountDivergence);

        var follower = _ensemble.Servers.First(s => s.HostPort != leader.HostPort);
        await follower.KillAsync();
        var killedAt = DateTimeOffset.UtcNow;

        // The first poll cycle that starts after the kill must already show it (so: within two poll intervals).
        var firstAfter = await _host.WaitForAsync(Name, h => h.Timestamp > killedAt, what: "a poll after the kill");
        var down = firstAfter.Servers.Single(s => s.HostPort == follower.HostPort);
        Assert.Equal(ServerStatus.Unreachable, down.Status);
        var alert = Assert.Single(firstAfter.ActiveAlerts, a => a.Kind == AlertKind.ServerUnreachable);
        Assert.Equal(follower.HostPort, alert.Server);
        Assert.True(firstAfter.Quorum.HasQuorum);
        Assert.Equal(0, firstAfter.Quorum.FailuresToleratedNow);
        Assert.Equal(EnsembleStatus.Degraded, firstAfter.Status);
        Assert.Equal(leader.HostPort, firstAfter.Leader);
        Assert.Equal(0, _host.Monitor.GetHistory(Name, follower.HostPort, HistoryMetricNames.Up)[^1].Value);

        await follower.StartAsync();
        var recovered = await WaitAllUpAsync();
        Assert.DoesNotContain(recovered.ActiveAlerts, a => a.Kind == AlertKind.ServerUnreachable);
        var resolved = Assert.Single(_host.Monitor.GetAlertHistory(Name), a => a.Id == alert.Id);
        Assert.NotNull(resolved.ResolvedAt);
        Assert.True(resolved.ResolvedAt > resolved.RaisedAt);
    }

    [Fact]
    public async Task Poll_ShowsNewLeader_AfterLeaderIsKilled()
    {
        var leader = await _ensemble.WaitForLeaderAsync();
        var before = await WaitAllUpAsync(leader.HostPort);
        Assert.Equal(leader.HostPort, before.Leader);

        await leader.KillAsync();
        var after = await _host.WaitForAsync(Name, h => h.Leader is not null && h.Leader != leader.HostPort, what: "a new leader");
        Assert.Contains(after.Servers, s => s.HostPort == leader.HostPort && s.Status == ServerStatus.Unreachable);
        Assert.True(after.Quorum.HasQuorum);
        Assert.Equal(after.Leader, after.Servers.Single(s => s.IsLeader).HostPort);
        Assert.Contains(_host.Monitor.GetAlertHistory(Name), a => a.Kind == AlertKind.ServerUnreachable && a.Server == leader.HostPort);

        await leader.StartAsync();
        await WaitAllUpAsync();
    }

    [Fact]
    public async Task Poll_MeasuresCycleDuration_AndHistoryMemory()
    {
        await WaitAllUpAsync();
        var durations = new List<double>();
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (_host.Monitor.Subscribe(h =>
        {
            lock (durations)
            {
                durations.Add(h.PollDuration.TotalMilliseconds);
                if (durations.Count >= 20)
                {
                    tcs.TrySetResult();
                }
            }
        }))
        {
            await tcs.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        double[] sorted;
        lock (durations)
        {
            sorted = [.. durations.Order()];
        }
        var bytes = _host.Monitor.HistoryBytes;
        var series = _ensemble.Servers.Sum(s => _host.Monitor.GetHistoryMetrics(Name, s.HostPort).Count);
        output.WriteLine($"poll cycle (3 servers x 7 words): median {sorted[sorted.Length / 2]:0.0} ms, max {sorted[^1]:0.0} ms over {sorted.Length} polls");
        output.WriteLine($"history: {series} series over 3 servers, {bytes / 1024.0:0.0} KiB at 500 ms (7200 points/series); at the default 5 s (720 points) that is {8L * 720 * (3 + series) / 1024.0:0.0} KiB");
        Assert.True(sorted[^1] > 0);
        Assert.Equal(8L * 7200 * (3 + series), bytes);
    }
}
