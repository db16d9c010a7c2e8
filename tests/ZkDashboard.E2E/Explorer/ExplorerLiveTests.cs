using System.Diagnostics;
using System.Text;
using Microsoft.Playwright;
using ZkDashboard.E2E.Infrastructure;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Explorer;

/// <summary>The explorer stays true to the ensemble: external changes appear live, big nodes are virtualized,
/// and a lost connection is shown as such (stale banner, writes disabled) until it recovers.</summary>
[Collection(SandboxE2ECollection.Name)]
public sealed class ExplorerLiveTests(SandboxAppFixture app)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 30_000 };

    [Fact]
    public async Task Explorer_ExternalCreateAndSetData_AppearWithoutReload()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var root = scope.Chroot;
        await scope.Root.CreateAsync(root + "/live", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await scope.Root.CreateAsync(root + "/live/first", "v1"u8.ToArray(), Acls.OpenUnsafe);

        var page = await app.NewPageAsync(ExplorerLink.To(root + "/live/first"));
        var tree = page.Role(AriaRole.Tree, "Nodes of sandbox");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "first", Exact = true })).ToHaveAttributeAsync("aria-selected", "true", new() { Timeout = 30_000 });
        await page.GetByRole(AriaRole.Tab, new() { Name = "Stat" }).ClickAsync();
        var dataVersion = page.Locator("tr", new() { Has = page.Locator("th", new() { HasTextString = "dataVersion" }) }).Locator("td");
        await Expect(dataVersion).ToContainTextAsync("0");

        // An external client (our ZooKeeperClient, not the dashboard's session) creates a sibling and changes the data.
        await using var external = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = app.Ensemble.ConnectString });
        await external.CreateAsync(root + "/live/second", "x"u8.ToArray(), Acls.OpenUnsafe);
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "second", Exact = true })).ToBeVisibleAsync(Slow);

        await external.SetDataAsync(root + "/live/first", "v2"u8.ToArray());
        await Expect(dataVersion).ToContainTextAsync("1", new() { Timeout = 30_000 });

        await page.GetByRole(AriaRole.Tab, new() { Name = "Events" }).ClickAsync();
        await external.SetDataAsync(root + "/live/first", "v3"u8.ToArray());
        await Expect(page.Role(AriaRole.List, "Watch events")).ToContainTextAsync("data changed", new() { Timeout = 30_000 });
        await page.SaveScreenshotAsync("explorer-events");

        await external.DeleteAsync(root + "/live/second");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "second", Exact = true })).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task DataTab_ExternalSetData_EachValueShownBeforeTheNextArrives()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var node = scope.Chroot + "/status";
        await scope.Root.CreateAsync(node, "value-0"u8.ToArray(), Acls.OpenUnsafe);
        var page = await app.NewPageAsync(ExplorerLink.To(node));
        var data = page.Role(AriaRole.Region, "Node data");
        await Expect(data).ToContainTextAsync("value-0", new() { Timeout = 30_000 });

        // Each change alone must reach the page: a view that renders the previous change (one behind) shows a value
        // only when the next one arrives, and never shows the last.
        await using var external = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = app.Ensemble.ConnectString });
        for (var i = 1; i <= 3; i++)
        {
            await external.SetDataAsync(node, Encoding.UTF8.GetBytes($"value-{i}"));
            await Expect(data).ToContainTextAsync($"value-{i}", new() { Timeout = 30_000 });
        }

        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task Explorer_HundredThousandChildren_VirtualizedWithTotalAndScrollsToEnd()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var big = scope.Chroot + "/big";
        await scope.Root.CreateAsync(big, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await CreateChildrenAsync(scope.Root, big, 100_000);

        var page = await app.NewPageAsync(ExplorerLink.To(big));
        var tree = page.Role(AriaRole.Tree, "Nodes of sandbox");
        var row = tree.GetByRole(AriaRole.Treeitem, new() { Name = "big", Exact = true });
        // A server that was paused by another test may still be catching up: the page selects the node once it sees it.
        await Expect(row).ToHaveAttributeAsync("aria-selected", "true", new() { Timeout = 60_000 });
        var clock = Stopwatch.StartNew();
        await row.Locator(".zk-row-twisty").ClickAsync();
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "n-000000", Exact = true })).ToBeVisibleAsync(Slow);
        Console.WriteLine($"first rows of 100k after {clock.ElapsedMilliseconds} ms");
        await Expect(page.Locator(".zk-tree-ctx-count")).ToHaveTextAsync("100,000 children", new() { Timeout = 30_000 });
        Assert.True(await tree.GetByRole(AriaRole.Treeitem).CountAsync() < 200);
        await page.SaveScreenshotAsync("explorer-100k");
        await page.UseThemeAsync(dark: true);
        await page.SaveScreenshotAsync("explorer-100k-dark");
        await page.UseThemeAsync(dark: false);

        await tree.EvaluateAsync("el => el.scrollTop = el.scrollHeight");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "n-099999", Exact = true })).ToBeVisibleAsync(Slow);
        Assert.True(await tree.GetByRole(AriaRole.Treeitem).CountAsync() < 200);

        // The Children tab pages the same node: total shown, 50 rows at a time.
        await page.GetByRole(AriaRole.Tab, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Children") }).ClickAsync();
        await Expect(page.Locator(".zk-children-count")).ToHaveTextAsync("100,000 children", new() { Timeout = 30_000 });
        var grid = page.Locator(".zk-children");
        await Expect(grid.GetByRole(AriaRole.Link, new() { Name = "n-000000", Exact = true })).ToBeVisibleAsync(Slow);
        Assert.True(await page.Locator(".zk-children tbody tr").CountAsync() <= 50);
        await page.SaveScreenshotAsync("explorer-100k-children-tab");
        await app.CloseContextsAsync();
        await DeleteChildrenAsync(scope.Root, big, 100_000);
    }

    [Fact]
    public async Task Explorer_AllServersPaused_ShowsStaleBannerThenRecovers()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        await scope.Root.CreateAsync(scope.Chroot + "/cfg", Encoding.UTF8.GetBytes("a=1"), Acls.OpenUnsafe);
        var page = await app.NewPageAsync(ExplorerLink.To(scope.Chroot + "/cfg"));
        await Expect(page.Heading("cfg")).ToBeVisibleAsync(Slow);
        var banner = page.Role(AriaRole.Alert, "Connection problem");
        await Expect(banner).ToHaveCountAsync(0);
        await Expect(page.Role(AriaRole.Status, "Connection to sandbox: connected")).ToBeVisibleAsync(Slow);
        await Expect(page.Button("Create child")).ToBeEnabledAsync(new() { Timeout = 30_000 });

        try
        {
            foreach (var server in app.Ensemble.Ensemble.Servers)
            {
                await server.PauseAsync();
            }

            await Expect(banner).ToBeVisibleAsync(new() { Timeout = 90_000 });
            await Expect(banner).ToContainTextAsync("stale");
            await Expect(page.Locator(".zk-node-badges")).ToContainTextAsync("stale");
            await Expect(page.Button("Create child")).ToBeDisabledAsync();
            await Expect(page.Role(AriaRole.Status, "Connection to sandbox: disconnected")).ToBeVisibleAsync(Slow);
            await page.SaveScreenshotAsync("explorer-disconnected");
            await page.UseThemeAsync(dark: true);
            await page.SaveScreenshotAsync("explorer-disconnected-dark");
        }
        finally
        {
            foreach (var server in app.Ensemble.Ensemble.Servers)
            {
                await server.ResumeAsync();
            }
        }

        await Expect(banner).ToHaveCountAsync(0, new() { Timeout = 90_000 });
        await Expect(page.Role(AriaRole.Status, "Connection to sandbox: connected")).ToBeVisibleAsync(new() { Timeout = 90_000 });
        await Expect(page.Locator(".zk-node-badges")).Not.ToContainTextAsync("stale");
        await Expect(page.Button("Create child")).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await app.CloseContextsAsync();
        await app.Ensemble.RestoreAsync();
    }

    /// <summary>Children in multi batches of 1,000, a few in flight (pipelined on one session); a batch whose
    /// reply was lost is checked (a multi is atomic: its first node tells) and sent again when it was not applied.</summary>
    private static async Task CreateChildrenAsync(ZooKeeperClient client, string parent, int count)
    {
        const int batch = 1_000;
        var inFlight = new List<Task>();
        for (var start = 0; start < count; start += batch)
        {
            inFlight.Add(RunBatchAsync(client, Enumerable.Range(start, Math.Min(batch, count - start))
                .Select(i => (Op)Op.Create($"{parent}/n-{i:D6}", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe)).ToList()));
            if (inFlight.Count >= 4)
            {
                var done = await Task.WhenAny(inFlight);
                inFlight.Remove(done);
                await done;
            }
        }

        await Task.WhenAll(inFlight);
    }

    /// <summary>Deletes the children made by <see cref="CreateChildrenAsync"/> the same way (faster than a node-by-node delete).</summary>
    private static async Task DeleteChildrenAsync(ZooKeeperClient client, string parent, int count)
    {
        const int batch = 1_000;
        for (var start = 0; start < count; start += batch)
        {
            await RunBatchAsync(client, Enumerable.Range(start, Math.Min(batch, count - start))
                .Select(i => (Op)Op.Delete($"{parent}/n-{i:D6}")).ToList());
        }
    }

    private static async Task RunBatchAsync(ZooKeeperClient client, IReadOnlyList<Op> ops)
    {
        var creating = ops[0] is CreateOp;
        var lost = false;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await client.MultiAsync(ops);
                return;
            }
            catch (MultiOperationException ex) when (lost && ex.FailedOpIndex == 0
                && ex.Code == (creating ? ErrorCode.NodeExists : ErrorCode.NoNode))
            {
                return; // the attempt whose reply was lost had been applied (a multi is all or nothing)
            }
            catch (ConnectionLossException) when (attempt < 8)
            {
                lost = true; // the client reconnects by itself; send again and let the server tell
            }
        }
    }
}
