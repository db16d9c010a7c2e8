using Microsoft.Playwright;
using ZkDashboard.E2E.Explorer;
using ZkDashboard.E2E.Infrastructure;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Insights;

/// <summary>The sessions view on the sandbox: the S4 case (which process holds task-N, and that it vanishes when the process dies).</summary>
[Collection(SandboxE2ECollection.Name)]
public sealed class SessionsPageTests(SandboxAppFixture app)
{
    [Fact]
    public async Task SessionsPage_ListsSessionWithItsEphemeral_AndDropsTheRowWhenTheSessionCloses()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var task = scope.Chroot + "/task-0000000003";
        var process = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = app.Ensemble.ConnectString });
        var closed = false;
        string sessionHex;
        try
        {
            await process.CreateAsync(task, "worker-3"u8.ToArray(), Acls.OpenUnsafe, CreateMode.Ephemeral);
            sessionHex = $"0x{process.SessionId:x}";

            var page = await app.NewPageAsync($"e/{SandboxAppFixture.EnsembleName}/sessions");
            await Expect(page.Heading($"Sessions of {SandboxAppFixture.EnsembleName}")).ToBeVisibleAsync();
            await page.Labelled("Filter sessions").FillAsync(scope.Chroot);
            var row = page.Role(AriaRole.Row, $"Session {sessionHex}");
            await Expect(row).ToBeVisibleAsync(new() { Timeout = 30_000 });
            var link = row.GetByRole(AriaRole.Link, new() { Name = task, Exact = true });
            await Expect(link).ToBeVisibleAsync();
            await Expect(row).ToContainTextAsync("127.0.0.1:");
            await page.SaveScreenshotAsync("sessions-with-ephemeral");

            await process.DisposeAsync();
            closed = true;
            // The page refreshes on its own (server-side timer): the closed session's row goes without a click.
            await Expect(row).ToHaveCountAsync(0, new() { Timeout = 30_000 });
            await Expect(page.GetByText($"No session matches “{scope.Chroot}”.")).ToBeVisibleAsync();
        }
        finally
        {
            if (!closed)
            {
                await process.DisposeAsync();
            }
            await app.CloseContextsAsync();
        }
    }

    [Fact]
    public async Task SessionsPage_EphemeralLink_OpensTheNodeInTheExplorer()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var node = scope.Chroot + "/lock-holder";
        await using var holder = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = app.Ensemble.ConnectString });
        await holder.CreateAsync(node, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe, CreateMode.Ephemeral);

        var page = await app.NewPageAsync($"e/{SandboxAppFixture.EnsembleName}/sessions");
        await page.Labelled("Filter sessions").FillAsync("lock-holder");
        var link = page.Role(AriaRole.Link, node);
        await Expect(link).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await link.ClickAsync();

        await page.WaitForURLAsync(u => u.Contains("lock-holder", StringComparison.Ordinal), new() { Timeout = 30_000 });
        var tree = page.Role(AriaRole.Tree, $"Nodes of {SandboxAppFixture.EnsembleName}");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "lock-holder", Exact = true })).ToHaveAttributeAsync("aria-selected", "true", new() { Timeout = 30_000 });
        await app.CloseContextsAsync();
    }
}
