using ZkDashboard.Sandbox;

namespace ZkDashboard.ZooKeeper.Tests.Ensemble;

/// <summary>
/// Read-only mode needs servers started with -Dreadonlymode.enabled=true (and, on 3.8, local sessions:
/// a read-only server creates only local sessions and refuses to revive global ones), so this class runs
/// its own ensemble in its own collection and leaves the shared one alone.
/// </summary>
[Collection(nameof(ReadOnlyModeTests))]
public sealed class ReadOnlyModeTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private SandboxEnsemble _ensemble = null!;

    public async Task InitializeAsync() =>
        _ensemble = await SandboxEnsemble.StartAsync(new SandboxOptions
        {
            Servers = 3,
            ExtraJvmArgs = ["-Dreadonlymode.enabled=true"],
            ExtraConfig = new Dictionary<string, string> { ["localSessionsEnabled"] = "true", ["localSessionsUpgradingEnabled"] = "true" },
        });

    public async Task DisposeAsync() => await _ensemble.DisposeAsync();

    [Fact]
    public async Task CanBeReadOnly_ConnectsReadOnly_InMinority_ThenMovesToReadWrite()
    {
        await using (var setup = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = _ensemble.ConnectString }))
            await setup.CreateAsync("/ro", "v"u8.ToArray(), Acls.OpenUnsafe);

        var survivor = _ensemble.Servers[0];
        foreach (var s in _ensemble.Servers.Skip(1)) await s.StopAsync();
        await Eventually.WaitAsync(async () => (await survivor.SendFourLetterWordAsync("isro")).Trim() == "ro", Deadline, "survivor is read-only");

        var logger = new ListLogger();
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions
        {
            ConnectString = string.Join(",", _ensemble.Servers.Select(s => s.HostPort)),
            CanBeReadOnly = true,
            SessionTimeout = TimeSpan.FromSeconds(20),
            ConnectTimeout = TimeSpan.FromSeconds(60),
            LoggerFactory = logger,
        });
        var log = new EventLog(zk);
        Assert.Equal(ConnectionState.ConnectedReadOnly, zk.State);
        Assert.Equal(survivor.HostPort, zk.ConnectedServer);
        Assert.Equal("v"u8.ToArray(), (await zk.GetDataAsync("/ro", watch: true)).Data);
        await Assert.ThrowsAsync<NotReadOnlyException>(() => zk.SetDataAsync("/ro", "w"u8.ToArray()));

        foreach (var s in _ensemble.Servers.Skip(1)) await s.StartAsync();
        try
        {
            await log.WaitForAsync(_ => zk.State == ConnectionState.Connected, Deadline, "moved to a read-write server");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + "\n" + logger.Text);
        }
        await zk.SetDataAsync("/ro", "w"u8.ToArray());
        await log.WaitForAsync(l => l.NodeEvents.Any(e => e.Type == EventType.NodeDataChanged && e.Path == "/ro"), Deadline, "watch set in read-only mode fires");
    }
}
