using System.Text;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Cache;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Sessions;

/// <summary>Whole-ensemble outages (every server paused): stale marking and writes whose outcome is unknown.</summary>
[Collection(SessionsEnsembleCollection.Name)]
public sealed class DisconnectTests(EnsembleFixture fx, Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly ActingUser Alice = new("alice", ["admin"], null);

    [Fact]
    public async Task CachedViews_EnsemblePaused_MarkedStaleUntilFreshAgain()
    {
        await using var h = await SessionsHarness.StartAsync(fx);
        h.Registry.Put(SessionsHarness.Definition("short", h.ConnectString + h.Chroot, TimeSpan.FromSeconds(4)));
        await using var ext = await h.ExternalClientAsync();
        await ext.CreateAsync("/s", "x"u8.ToArray(), Acls.OpenUnsafe);
        await ext.CreateAsync("/s/c", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        using var open = h.Cache.Open("short", "/s");
        Assert.False((await h.Cache.GetChildrenPageAsync("short", "/s", new ChildrenQuery())).Stale);
        Assert.False((await h.Cache.GetDataAsync("short", "/s"))!.Stale);
        var session = h.Sessions.Get("short");
        try
        {
            await Task.WhenAll(h.Sandbox.Servers.Select(s => s.PauseAsync()));
            await Eventually.TrueAsync(() => !session.Status.IsLive, "the session notices the outage");
            var stalePage = await h.Cache.GetChildrenPageAsync("short", "/s", new ChildrenQuery());
            Assert.True(stalePage.Stale);
            Assert.Equal(1, stalePage.TotalChildren); // still shown, as stale
        }
        finally
        {
            await Task.WhenAll(h.Sandbox.Servers.Select(s => s.ResumeAsync()));
            await h.Sandbox.WaitForQuorumAsync(TimeSpan.FromSeconds(60));
        }
        await Eventually.TrueAsync(() => session.Status.IsLive, "the session is back (same or new)", TimeSpan.FromSeconds(60));
        await Eventually.TrueAsync(async () => !(await h.Cache.GetChildrenPageAsync("short", "/s", new ChildrenQuery())).Stale, "the children list is fresh again", TimeSpan.FromSeconds(60));
        await Eventually.TrueAsync(async () => (await h.Cache.GetDataAsync("short", "/s")) is { Stale: false }, "the node data is fresh again", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task SetData_ConnectionLostDuringWrite_ReportsWhatReallyHappened()
    {
        await using var h = await SessionsHarness.StartAsync(fx);
        h.Registry.Put(SessionsHarness.Definition("short", h.ConnectString + h.Chroot, TimeSpan.FromSeconds(4)));
        await using (var ext = await h.ExternalClientAsync())
        {
            await ext.CreateAsync("/u", "before"u8.ToArray(), Acls.OpenUnsafe);
        }
        var session = h.Sessions.Get("short");
        await session.GetClientAsync();
        Task<WriteResult> write;
        try
        {
            await Task.WhenAll(h.Sandbox.Servers.Select(s => s.PauseAsync()));
            write = h.Ops.SetDataAsync(Alice, "short", "/u", "after"u8.ToArray(), expectedVersion: 0);
            await Eventually.TrueAsync(() => !session.Status.IsLive, "the session notices the outage");
        }
        finally
        {
            await Task.WhenAll(h.Sandbox.Servers.Select(s => s.ResumeAsync()));
            await h.Sandbox.WaitForQuorumAsync(TimeSpan.FromSeconds(60));
        }

        string outcome;
        try
        {
            var result = await write;
            Assert.True(result.ConfirmedAfterConnectionLoss, "a write that lost its connection must not be reported as a plain success");
            outcome = "applied";
        }
        catch (WriteNotAppliedException)
        {
            outcome = "not applied";
        }
        catch (WriteOutcomeUnknownException ex)
        {
            outcome = "unknown";
            Assert.Contains("/u", ex.Message);
        }
        catch (ConnectionLossException ex) when (ex is not OperationOutcomeUnknownException)
        {
            outcome = "not sent"; // failed before it reached the server: nothing happened
        }

        output.WriteLine($"outcome: {outcome}");
        await using var check = await h.ExternalClientAsync();
        await check.SyncAsync("/");
        var now = Encoding.UTF8.GetString((await check.GetDataAsync("/u")).Data);
        switch (outcome)
        {
            case "applied":
                Assert.Equal("after", now);
                break;
            case "not applied":
            case "not sent":
                Assert.Equal("before", now);
                break;
        }
    }
}
