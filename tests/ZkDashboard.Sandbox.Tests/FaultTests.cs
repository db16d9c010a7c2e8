using ZkDashboard.Testing;

namespace ZkDashboard.Sandbox.Tests;

/// <summary>Fault controls on the shared ensemble; every test leaves it with a full quorum again.</summary>
[Collection(EnsembleCollection.Name)]
public sealed class FaultTests(EnsembleFixture fx) : IAsyncLifetime
{
    public Task InitializeAsync() => fx.Ensemble.WaitForQuorumAsync();

    public Task DisposeAsync() => fx.RestoreAsync();

    [Fact]
    public async Task KillAsync_OfLeader_ElectsNewLeaderAndRestartRejoinsAsFollower()
    {
        var oldLeader = await fx.Ensemble.WaitForLeaderAsync();
        var oldPid = oldLeader.ProcessId!.Value;

        await oldLeader.KillAsync();

        Assert.False(oldLeader.IsRunning);
        Assert.Null(oldLeader.ProcessId);
        Assert.False(ProcessProbe.IsAlive(oldPid));
        var newLeader = await fx.Ensemble.WaitForLeaderAsync(TimeSpan.FromSeconds(60));
        Assert.NotEqual(oldLeader.Id, newLeader.Id);
        Assert.Null(await oldLeader.GetModeAsync());

        await oldLeader.StartAsync();
        await fx.Ensemble.WaitForQuorumAsync(TimeSpan.FromSeconds(60));

        Assert.Equal("follower", await oldLeader.GetModeAsync());
        Assert.Equal("leader", await newLeader.GetModeAsync());
        Assert.NotEqual(oldPid, oldLeader.ProcessId);
    }

    [Fact]
    public async Task PauseAsync_StopsTheJavaProcess_AndResumeAsyncServesAgain()
    {
        var leader = await fx.Ensemble.WaitForLeaderAsync();
        var follower = fx.Ensemble.Servers.First(s => s != leader);
        var pid = follower.ProcessId!.Value;

        await follower.PauseAsync();

        Assert.True(follower.IsPaused);
        Assert.True(follower.IsRunning);
        Assert.Equal('T', ProcessProbe.State(pid));
        await Assert.ThrowsAsync<TimeoutException>(() => follower.SendFourLetterWordAsync("ruok"));

        await follower.ResumeAsync();

        Assert.False(follower.IsPaused);
        Assert.Equal("imok", await follower.SendFourLetterWordAsync("ruok"));
        await fx.Ensemble.WaitForQuorumAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(pid, follower.ProcessId);
    }

    [Fact]
    public async Task StopAllAsync_StopsEveryServer_AndStartAllAsyncFormsQuorumAgain()
    {
        var pids = fx.Ensemble.Servers.Select(s => s.ProcessId!.Value).ToList();

        await fx.Ensemble.StopAllAsync();

        Assert.All(fx.Ensemble.Servers, s => Assert.False(s.IsRunning));
        Assert.All(pids, pid => Assert.False(ProcessProbe.IsAlive(pid)));
        await Assert.ThrowsAnyAsync<Exception>(() => fx.Ensemble.Servers[0].SendFourLetterWordAsync("ruok"));

        await fx.Ensemble.StartAllAsync();

        var modes = await Task.WhenAll(fx.Ensemble.Servers.Select(s => s.GetModeAsync()));
        Assert.Equal(1, modes.Count(m => m == "leader"));
        Assert.Equal(2, modes.Count(m => m == "follower"));
    }

    [Fact]
    public async Task RestartAsync_OfFollower_KeepsPortsAndRejoins()
    {
        var leader = await fx.Ensemble.WaitForLeaderAsync();
        var follower = fx.Ensemble.Servers.First(s => s != leader);
        var port = follower.ClientPort;
        var pid = follower.ProcessId;

        await follower.RestartAsync();
        await fx.Ensemble.WaitForQuorumAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(port, follower.ClientPort);
        Assert.NotEqual(pid, follower.ProcessId);
        Assert.Equal("follower", await follower.GetModeAsync());
    }
}
