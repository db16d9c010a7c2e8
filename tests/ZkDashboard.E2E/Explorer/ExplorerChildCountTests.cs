using Microsoft.Playwright;
using ZkDashboard.E2E.Infrastructure;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Explorer;

/// <summary>
/// Issue 11 §1 as it was reproduced: a node created as a leaf gains a child from another client; its tree row gains
/// an expander (and the children grid its count) without a reload, and both are still right after a reload.
/// </summary>
[Collection(SandboxE2ECollection.Name)]
public sealed class ExplorerChildCountTests(SandboxAppFixture app)
{
    private const string KazooCreate = """
        import sys
        from kazoo.client import KazooClient
        zk = KazooClient(hosts=sys.argv[1])
        zk.start(timeout=30)
        zk.create(sys.argv[2], sys.argv[3].encode())
        zk.stop()
        """;

    private async Task KazooCreateAsync(string path, string data)
    {
        var result = await PeerClients.KazooAsync(KazooCreate, app.Ensemble.ConnectString, path, data);
        Assert.True(result.ExitCode == 0, $"kazoo create {path} failed: {result}");
    }

    [Fact]
    public async Task Tree_GrandchildCreatedByKazoo_RowGainsExpanderLiveAndAfterReload()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var root = scope.Chroot;
        await scope.Root.CreateAsync(root + "/anchor", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        // The explorer open with the folder listed (opened at a child, so the folder is expanded), the folder selected.
        var page = await app.NewPageAsync(ExplorerLink.To(root + "/anchor"));
        var tree = page.Role(AriaRole.Tree, "Nodes of sandbox");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "anchor", Exact = true })).ToHaveAttributeAsync("aria-selected", "true", new() { Timeout = 30_000 });
        var folder = tree.GetByRole(AriaRole.Treeitem, new() { Name = root.TrimStart('/'), Exact = true });
        await folder.ClickAsync();
        await Expect(folder).ToHaveAttributeAsync("aria-selected", "true", new() { Timeout = 30_000 });
        await page.GetByRole(AriaRole.Tab, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Children") }).ClickAsync();
        var grid = page.Role(AriaRole.Table, "Children of " + root);
        await Expect(grid).ToBeVisibleAsync(new() { Timeout = 30_000 });

        // create /grow '': it appears as a leaf.
        await KazooCreateAsync(root + "/grow", "");
        var grow = tree.GetByRole(AriaRole.Treeitem, new() { Name = "grow", Exact = true });
        await Expect(grow).ToBeVisibleAsync(new() { Timeout = 30_000 });
        Assert.Null(await grow.GetAttributeAsync("aria-expanded"));
        var growRow = grid.Locator("tr", new() { Has = page.GetByRole(AriaRole.Link, new() { Name = "grow", Exact = true }) });
        await Expect(growRow.Locator(".zk-children-col-children")).ToHaveTextAsync("0", new() { Timeout = 30_000 });

        // create /grow/child x: the row gains an expander and the grid counts the child, without a reload.
        await KazooCreateAsync(root + "/grow/child", "x");
        await Expect(grow).ToHaveAttributeAsync("aria-expanded", "false", new() { Timeout = 30_000 });
        await Expect(growRow.Locator(".zk-children-col-children")).ToHaveTextAsync("1", new() { Timeout = 30_000 });

        // And after a reload.
        await page.ReloadAsync();
        await page.WaitForInteractiveAsync();
        tree = page.Role(AriaRole.Tree, "Nodes of sandbox");
        folder = tree.GetByRole(AriaRole.Treeitem, new() { Name = root.TrimStart('/'), Exact = true });
        await Expect(folder).ToHaveAttributeAsync("aria-selected", "true", new() { Timeout = 30_000 });
        if (await folder.GetAttributeAsync("aria-expanded") != "true")
        {
            await folder.Locator(".zk-row-twisty").ClickAsync();
        }

        grow = tree.GetByRole(AriaRole.Treeitem, new() { Name = "grow", Exact = true });
        await Expect(grow).ToHaveAttributeAsync("aria-expanded", "false", new() { Timeout = 30_000 });
        await grow.Locator(".zk-row-twisty").ClickAsync();
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "child", Exact = true })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.SaveScreenshotAsync("explorer-grown-child");
        await app.CloseContextsAsync();
    }
}
