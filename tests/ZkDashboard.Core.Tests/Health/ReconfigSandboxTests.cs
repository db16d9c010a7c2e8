using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Audit;
using ZkDashboard.Core.Health;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Tests.Support;
using ZkDashboard.Sandbox;

namespace ZkDashboard.Core.Tests.Health;

/// <summary>Reconfig through the health boundary on a real 3-server sandbox (reconfigEnabled, the session as super user).</summary>
public sealed class ReconfigSandboxTests
{
    [Fact]
    public async Task ReconfigAsync_RemovesAServer_AfterCheckingVersionAndQuorum()
    {
        await using var ensemble = await SandboxEnsemble.StartAsync(new SandboxOptions { Servers = 3 });
        await ensemble.WaitForQuorumAsync();
        await using var host = await StartHostAsync(ensemble);
        var ops = host.Services.GetRequiredService<IEnsembleHealthOperations>();
        var admin = new ActingUser("root", ["admins"], null);
        var deadline = DateTime.UtcNow.AddSeconds(60);

        var before = await ops.GetConfigurationAsync(admin, "rc");
        Assert.Equal(3, before.Voters);
        var removed = before.Members[^1];
        var change = new ReconfigChange(ReconfigAction.Remove, removed.Id);

        var plan = await ops.PlanReconfigAsync(admin, "rc", change);
        Assert.True(plan.Allowed, plan.Summary);
        var stale = await Assert.ThrowsAsync<ReconfigRefusedException>(() => ops.ReconfigAsync(admin, "rc", change, "deadbeef"));
        Assert.Contains("changed meanwhile", stale.Message, StringComparison.Ordinal);

        var result = await ops.ReconfigAsync(admin, "rc", change, before.Version);

        Assert.NotEqual(before.Version, result.NewVersion);
        // The removed server closes its clients; the session moves on to another server. Until it has, a read may
        // report that the config could not be read (an honest answer, not a wrong one).
        EnsembleConfiguration after;
        do
        {
            after = await ops.GetConfigurationAsync(admin, "rc");
        }
        while (after.Error is not null && DateTime.UtcNow < deadline.AddSeconds(60));
        Assert.Null(after.Error);
        Assert.Equal(result.NewVersion, after.Version);
        Assert.DoesNotContain(after.Members, m => m.Id == removed.Id);
        Assert.Equal(2, after.Voters);
    }

    [Fact]
    public async Task ReconfigAsync_AuditStoreUnavailable_RefusedBeforeSending_ConfigUnchanged()
    {
        await using var ensemble = await SandboxEnsemble.StartAsync(new SandboxOptions { Servers = 3 });
        await ensemble.WaitForQuorumAsync();
        using var store = new StoreTestHost();
        await using var host = await StartHostAsync(ensemble, store, audit: true);
        var ops = host.Services.GetRequiredService<IEnsembleHealthOperations>();
        var admin = new ActingUser("root", ["admins"], null);
        var before = await ops.GetConfigurationAsync(admin, "rc");
        var change = new ReconfigChange(ReconfigAction.Remove, before.Members[^1].Id);
        Assert.True((await ops.PlanReconfigAsync(admin, "rc", change)).Allowed);
        await host.Services.GetRequiredService<DbAuditTrail>().FlushAsync();

        await using (var locked = new SqliteConnection($"Data Source={store.DatabasePath};Pooling=False"))
        {
            await locked.OpenAsync();
            await using (var cmd = locked.CreateCommand())
            {
                cmd.CommandText = "BEGIN EXCLUSIVE"; // the store is unavailable until this connection is closed
                await cmd.ExecuteNonQueryAsync();
            }
            var refused = await Assert.ThrowsAsync<AuditUnavailableException>(() => ops.ReconfigAsync(admin, "rc", change, before.Version));
            Assert.Contains("Nothing was changed", refused.Message, StringComparison.Ordinal);
        }

        var after = await ops.GetConfigurationAsync(admin, "rc");
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(3, after.Voters);
    }

    [Fact]
    public async Task ReconfigAsync_RefusedAndApplied_EachOutcomeRecordLinksToItsIntent()
    {
        await using var ensemble = await SandboxEnsemble.StartAsync(new SandboxOptions { Servers = 3 });
        await ensemble.WaitForQuorumAsync();
        using var store = new StoreTestHost();
        // "anon" is the same ensemble without credentials: ZooKeeper refuses its reconfig (no super user, no write on /zookeeper/config).
        await using var host = await StartHostAsync(ensemble, store, audit: true, anonymous: true);
        var ops = host.Services.GetRequiredService<IEnsembleHealthOperations>();
        var admin = new ActingUser("root", ["admins"], null);
        var before = await ops.GetConfigurationAsync(admin, "rc");
        var change = new ReconfigChange(ReconfigAction.Remove, before.Members[^1].Id);

        var refused = await Assert.ThrowsAsync<ReconfigRefusedException>(() => ops.ReconfigAsync(admin, "anon", change, before.Version));
        Assert.Contains("refused the reconfig", refused.Message, StringComparison.Ordinal);
        await ops.ReconfigAsync(admin, "rc", change, before.Version);

        var trail = host.Services.GetRequiredService<DbAuditTrail>();
        var records = new List<AuditEntry>();
        await foreach (var e in trail.QueryAsync(ActingUser.System, new AuditQuery { Operation = nameof(ZkOperationKind.Reconfig), IncludeIntents = true, Limit = 0 }))
        {
            records.Add(e);
        }
        records.Reverse();
        var intents = records.Where(e => e.Outcome == AuditOutcome.Pending).ToList();
        Assert.Equal(["anon", "rc"], intents.Select(e => e.Ensemble));
        Assert.All(intents, e => Assert.StartsWith("sending: ", e.Detail, StringComparison.Ordinal));
        var failed = Assert.Single(records, e => e.Outcome == AuditOutcome.Failed);
        Assert.Equal(("anon", intents[0].Id), (failed.Ensemble, failed.LinkedId));
        var applied = Assert.Single(records, e => e.Outcome == AuditOutcome.Succeeded);
        Assert.Equal(("rc", intents[1].Id), (applied.Ensemble, applied.LinkedId));
        // With the links, the audit page's default list shows no intent as "outcome never recorded".
        var listed = new List<AuditEntry>();
        await foreach (var e in trail.QueryAsync(ActingUser.System, new AuditQuery { Operation = nameof(ZkOperationKind.Reconfig), Limit = 0 }))
        {
            listed.Add(e);
        }
        Assert.Equal(2, listed.Count);
        Assert.DoesNotContain(listed, e => e.Outcome == AuditOutcome.Pending);
    }

    /// <summary>The health boundary over the sandbox as super user, once the monitor sees all 3 voters serving.</summary>
    private static async Task<HealthTestHost> StartHostAsync(SandboxEnsemble ensemble, StoreTestHost? store = null, bool audit = false, bool anonymous = false)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ZkDashboard:Ensembles:0:Name"] = "rc",
            ["ZkDashboard:Ensembles:0:ConnectString"] = ensemble.ConnectString,
            ["ZkDashboard:Ensembles:0:Digest:User"] = SandboxEnsemble.SuperUser,
            ["ZkDashboard:Ensembles:0:Digest:Password"] = ensemble.SuperPassword,
            ["ZkDashboard:Audit:StoreTimeout"] = "00:00:01",
        };
        if (anonymous)
        {
            settings["ZkDashboard:Ensembles:1:Name"] = "anon";
            settings["ZkDashboard:Ensembles:1:ConnectString"] = ensemble.ConnectString;
        }
        var host = await HealthTestHost.StartAsync(settings, startPolling: false, store: store, configure: (s, c) =>
        {
            s.AddZkDashboardSessions(c);
            s.AddZkDashboardHealthOperations();
            if (audit)
            {
                s.AddZkDashboardAudit(c);
            }
        });
        var deadline = DateTime.UtcNow.AddSeconds(60);
        EnsembleHealth? polled;
        do
        {
            polled = await host.Monitor.PollNowAsync("rc");
        }
        while (polled!.Quorum.VotersServing < 3 && DateTime.UtcNow < deadline);
        Assert.Equal(3, polled.Quorum.VotersServing);
        if (anonymous)
        {
            do
            {
                polled = await host.Monitor.PollNowAsync("anon");
            }
            while (polled!.Quorum.VotersServing < 3 && DateTime.UtcNow < deadline);
            Assert.Equal(3, polled.Quorum.VotersServing);
        }
        return host;
    }
}
