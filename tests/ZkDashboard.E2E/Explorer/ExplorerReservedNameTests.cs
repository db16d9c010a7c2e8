using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ZkDashboard.E2E.Infrastructure;
using ZkDashboard.Testing;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Explorer;

/// <summary>
/// A root znode named like a tool page (<c>/health</c>) opens in the explorer through its escaped link (<c>/e/sandbox/-/health</c>),
/// which survives a reload, while <c>/e/sandbox/health</c> stays the health page.
/// </summary>
[Collection(SandboxE2ECollection.Name)]
public sealed class ExplorerReservedNameTests(SandboxAppFixture app)
{
    private const string Kazoo = """
        import sys
        from kazoo.client import KazooClient
        zk = KazooClient(hosts=sys.argv[1])
        zk.start(timeout=30)
        if zk.exists("/health"):
            zk.delete("/health", recursive=True)
        if sys.argv[2] == "create":
            zk.create("/health", b"a znode, not the page")
            zk.create("/health/child", b"x")
        zk.stop()
        """;

    [Fact]
    public async Task RootZnodeNamedHealth_OpensInTheExplorer_AndTheHealthPageStillOpens()
    {
        var created = await PeerClients.KazooAsync(Kazoo, app.Ensemble.ConnectString, "create");
        Assert.True(created.ExitCode == 0, $"kazoo create /health failed: {created}");
        try
        {
            var page = await app.NewPageAsync("e/sandbox/-/health/child");
            var tree = page.Role(AriaRole.Tree, "Nodes of sandbox");
            await Expect(page.Locator("#zk-node-title")).ToHaveTextAsync("child", new() { Timeout = 30_000 });
            await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "child", Exact = true })).ToHaveAttributeAsync("aria-selected", "true", new() { Timeout = 30_000 });

            // The explorer's own link to /health carries the escape, and opens the znode.
            var crumb = page.Link("health");
            await Expect(crumb).ToHaveAttributeAsync("href", "e/sandbox/-/health");
            await crumb.ClickAsync();
            await page.WaitForURLAsync(new Regex("/e/sandbox/-/health$"), new() { Timeout = 30_000 });
            await Expect(page.Locator("#zk-node-title")).ToHaveTextAsync("health", new() { Timeout = 30_000 });
            await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "health", Exact = true })).ToHaveAttributeAsync("aria-selected", "true", new() { Timeout = 30_000 });
            await page.SaveScreenshotAsync("explorer-root-znode-health");

            // A bookmark of that URL opens the same node.
            await page.ReloadAsync();
            await page.WaitForInteractiveAsync();
            await Expect(page.Locator("#zk-node-title")).ToHaveTextAsync("health", new() { Timeout = 30_000 });

            // The explorer's Health link and /e/sandbox/health are the health page.
            await page.Link("Health of sandbox").ClickAsync();
            await page.WaitForURLAsync(new Regex("/e/sandbox/health$"), new() { Timeout = 30_000 });
            await Expect(page.Heading("Health of sandbox")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            var direct = await app.NewPageAsync("e/sandbox/health");
            await Expect(direct.Heading("Health of sandbox")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        }
        finally
        {
            await app.CloseContextsAsync();
            var deleted = await PeerClients.KazooAsync(Kazoo, app.Ensemble.ConnectString, "delete");
            Assert.True(deleted.ExitCode == 0, $"kazoo delete /health failed: {deleted}");
        }
    }
}
