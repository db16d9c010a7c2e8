using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Health;
using ZkDashboard.Core.Insights;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Tests.Health.Notifications;
using ZkDashboard.Core.Tests.Sessions;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Insights;

/// <summary>Sessions from cons joined with the dump's ephemerals, on the shared sandbox (the S4 case: who holds task-N, and that it goes away).</summary>
[Collection(SessionsEnsembleCollection.Name)]
public sealed class SessionInsightsTests(EnsembleFixture fx) : IAsyncLifetime
{
    private static readonly ActingUser Viewer = new("vera", ["viewers"], "127.0.0.1");
    private readonly string _chroot = EnsembleFixture.NewChrootName();
    private readonly RecordingAuditSink _audit = new();
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        await using (var root = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = fx.ConnectString }))
        {
            await root.CreateAsync(_chroot, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        }
        _services = Build(null);
    }

    private ServiceProvider Build(IAccessPolicy? policy)
    {
        var registry = new TestRegistry();
        registry.Put(EnsembleDefinition.Create("main", fx.ConnectString, source: EnsembleSource.Configuration));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ZkDashboard:Health:Enabled"] = "false" }).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IEnsembleRegistry>(registry);
        services.AddSingleton<IAuditSink>(_audit);
        if (policy is not null)
        {
            services.AddSingleton(policy);
        }
        services.AddZkDashboardSessions(configuration);
        services.AddZkDashboardHealth(configuration);
        services.AddZkDashboardInsights();
        return services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await using var root = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = fx.ConnectString });
        await root.DeleteRecursiveAsync(_chroot);
    }

    private async Task<SessionsSnapshot> WaitForAsync(Func<SessionsSnapshot, bool> condition, string what)
    {
        var insights = _services.GetRequiredService<ISessionInsights>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var snapshot = await insights.GetSessionsAsync(Viewer, "main");
            if (condition(snapshot))
            {
                return snapshot;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}; sessions: {string.Join("; ", snapshot.Sessions.Select(s => $"{s.SessionIdHex} {s.Server} [{string.Join(",", s.Ephemerals)}]"))}; "
                            + $"problems: {string.Join("; ", snapshot.Problems.Select(p => p.Message))}");
            }
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task GetSessions_ListsSessionWithItsEphemeral_AndDropsItWhenTheSessionCloses()
    {
        var path = _chroot + "/task-0000000007";
        var process = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = fx.ConnectString });
        long id;
        try
        {
            await process.CreateAsync(path, "worker-7"u8.ToArray(), Acls.OpenUnsafe, CreateMode.Ephemeral);
            id = process.SessionId;

            var listed = await WaitForAsync(s => s.Find(id) is { Server: not null } row && row.Ephemerals.Contains(path), "the session with its ephemeral");

            var row = listed.Find(id)!;
            Assert.Equal($"0x{id:x}", row.SessionIdHex);
            Assert.Contains(row.Server, fx.Ensemble.Servers.Select(s => s.HostPort));
            Assert.StartsWith("127.0.0.1:", row.ClientAddress, StringComparison.Ordinal);
            Assert.NotNull(row.Connection?.Established);
            Assert.True(row.Connection!.Received > 0);
            Assert.Same(row, listed.OwnerOf(path));
            Assert.True(row.Matches("TASK-0000000007"));
            Assert.False(row.Matches("no-such-thing"));
            Assert.NotNull(listed.DumpServer);
        }
        finally
        {
            await process.DisposeAsync();
        }

        var gone = await WaitForAsync(s => s.Find(id) is null, "the closed session to disappear");
        Assert.Null(gone.OwnerOf(path));
        Assert.Contains(_audit.Records, r => r.Operation is { Kind: ZkOperationKind.Read, Path: "/", TargetPath: "sessions" } && r.Outcome == AuditOutcome.Succeeded
                                             && r.Operation.User.Name == "vera");
    }

    [Fact]
    public async Task GetSessions_IsRefusedAndAudited_WhenPolicyDeniesRead()
    {
        await using var denied = Build(new DenyKindPolicy(ZkOperationKind.Read));

        await Assert.ThrowsAsync<AccessDeniedException>(() => denied.GetRequiredService<ISessionInsights>().GetSessionsAsync(Viewer, "main"));

        Assert.Contains(_audit.Records, r => r.Outcome == AuditOutcome.Denied && r.Operation.TargetPath == "sessions");
        await Assert.ThrowsAsync<UnknownEnsembleException>(() => _services.GetRequiredService<ISessionInsights>().GetSessionsAsync(Viewer, "nope"));
    }
}
