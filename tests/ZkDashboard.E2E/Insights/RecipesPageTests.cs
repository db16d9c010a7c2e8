using Microsoft.Playwright;
using ZkDashboard.E2E.Explorer;
using ZkDashboard.E2E.Infrastructure;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Insights;

/// <summary>The recipes view on the sandbox: an election built with our own clients (ZooKeeper recipe layout n_), a Curator-style lock.</summary>
[Collection(SandboxE2ECollection.Name)]
public sealed class RecipesPageTests(SandboxAppFixture app)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 30_000 };

    private static string RecipeUrl(string path) => $"e/{SandboxAppFixture.EnsembleName}/recipes/" + ExplorerLink.To(path)[(SandboxAppFixture.EnsembleName.Length + 3)..];

    [Fact]
    public async Task RecipesPage_ShowsElectionLeaderWithItsClient_AndFollowsAChangeOfLeader()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var election = scope.Chroot + "/checkout-leader";
        await scope.Root.CreateAsync(election, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        var contenders = new List<ZooKeeperClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var c = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = app.Ensemble.ConnectString });
                contenders.Add(c);
                await c.CreateAsync(election + "/n_", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe, CreateMode.EphemeralSequential);
            }
            var page = await app.NewPageAsync(RecipeUrl(election));
            var table = page.Role(AriaRole.Table, "Participants");
            var leader = table.GetByRole(AriaRole.Row, new() { Name = "Leader: n_0000000000", Exact = true });
            await Expect(leader).ToBeVisibleAsync(Slow);
            await Expect(leader).ToContainTextAsync($"0x{contenders[0].SessionId:x}");
            await Expect(leader).ToContainTextAsync("127.0.0.1:");
            await Expect(table.GetByRole(AriaRole.Row, new() { Name = "Waiting #1: n_0000000001", Exact = true })).ToBeVisibleAsync();
            await Expect(table.GetByRole(AriaRole.Row, new() { Name = "Waiting #2: n_0000000002", Exact = true })).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasTextString = "Leader election" })).ToContainTextAsync("ZooKeeper leader election recipe");
            await page.SaveScreenshotAsync("recipes-election");

            // The leader's process dies: its ephemeral goes, the next contender leads; the page follows without a reload.
            await contenders[0].DisposeAsync();
            contenders.RemoveAt(0);
            var next = table.GetByRole(AriaRole.Row, new() { Name = "Leader: n_0000000001", Exact = true });
            await Expect(next).ToBeVisibleAsync(Slow);
            await Expect(next).ToContainTextAsync($"0x{contenders[0].SessionId:x}");
            await Expect(table.GetByRole(AriaRole.Row, new() { Name = "Leader: n_0000000000", Exact = true })).ToHaveCountAsync(0);
            await Expect(table.GetByRole(AriaRole.Row, new() { Name = "Waiting #1: n_0000000002", Exact = true })).ToBeVisibleAsync();
        }
        finally
        {
            foreach (var c in contenders)
            {
                await c.DisposeAsync();
            }
            await app.CloseContextsAsync();
        }
    }

    [Fact]
    public async Task RecipesPage_ShowsLockHolder_AndSaysSoForUnknownLayouts()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var lockPath = scope.Chroot + "/inventory-rebalance";
        var config = scope.Chroot + "/config";
        await scope.Root.CreateAsync(lockPath, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await scope.Root.CreateAsync(config, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await scope.Root.CreateAsync(config + "/database-url", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await using var holder = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = app.Ensemble.ConnectString });
        await holder.CreateAsync($"{lockPath}/_c_{Guid.NewGuid()}-lock-", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe, CreateMode.EphemeralSequential);
        await using var waiter = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = app.Ensemble.ConnectString });
        await waiter.CreateAsync($"{lockPath}/_c_{Guid.NewGuid()}-lock-", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe, CreateMode.EphemeralSequential);

        // From the explorer's node panel, as a person would.
        var page = await app.NewPageAsync(ExplorerLink.To(lockPath));
        await page.Link("Recipe view").ClickAsync(new() { Timeout = 30_000 });
        var table = page.Role(AriaRole.Table, "Participants");
        var holderRow = table.GetByRole(AriaRole.Row).Filter(new() { HasTextString = "Holder" });
        await Expect(holderRow).ToContainTextAsync("lock-0000000000", new() { Timeout = 30_000 });
        await Expect(holderRow).ToContainTextAsync($"0x{holder.SessionId:x}");
        await Expect(table.GetByRole(AriaRole.Row).Filter(new() { HasTextString = "Waiting #1" })).ToContainTextAsync($"0x{waiter.SessionId:x}");

        await page.GotoAndWaitForInteractiveAsync(RecipeUrl(config));
        await Expect(page.GetByText("Not a recognised recipe layout:")).ToBeVisibleAsync(Slow);
        await Expect(page.GetByText("Not a recognised recipe layout:")).ToContainTextAsync("'database-url'");
        await app.CloseContextsAsync();
    }
}
