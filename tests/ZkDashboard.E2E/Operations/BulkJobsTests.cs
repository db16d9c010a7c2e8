using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ZkDashboard.E2E.Explorer;
using ZkDashboard.E2E.Infrastructure;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Operations;

/// <summary>
/// A recursive delete is a server-side job: reloading or leaving the page does not stop it, and the Jobs panel in the
/// header follows and cancels it from any page. The app deletes one node per multi (BulkBatchSize 1) so the job of
/// 6,013 nodes runs long enough to reload and navigate while it works.
/// </summary>
[Collection(SandboxE2ECollection.Name)]
public sealed partial class BulkJobsTests(SandboxAppFixture app)
{
    private const int Branches = 12;
    private const int LeavesPerBranch = 500;
    private const int Total = 1 + Branches + (Branches * LeavesPerBranch); // 6,013

    private const string KazooExists = """
        import sys
        from kazoo.client import KazooClient
        zk = KazooClient(hosts=sys.argv[1]); zk.start(timeout=30)
        stat = zk.exists(sys.argv[2])
        print("absent" if stat is None else "present")
        zk.stop()
        """;

    [Fact]
    public async Task DeleteRecursive_PageReloadedThenLeft_JobGoesOnAndFinishes()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var tree = scope.Chroot + "/big";
        await SeedAsync(scope.Root, tree);
        await using var server = await StartSlowAppAsync();
        var context = await app.NewContextAsync(server.BaseUrl);
        try
        {
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(30_000);
            await OpsPage.GoToAsync(page, tree);
            await StartDeleteAsync(page);

            // Reload: the new page shows the job still running in the header.
            await page.ReloadAsync();
            await page.WaitForInteractiveAsync();
            var item = await OpenJobAsync(page, tree);
            await Expect(item.GetByRole(AriaRole.Status)).ToContainTextAsync(new Regex("^Running — deleting: [1-9]"), OpsPage.SlowText);
            await page.SaveScreenshotAsync("jobs-after-reload");

            // Leave the explorer: the job goes on to the end.
            await page.GotoAndWaitForInteractiveAsync("");
            item = await OpenJobAsync(page, tree);
            await Expect(item.GetByRole(AriaRole.Status))
                .ToContainTextAsync($"Done — Deleted {Total.ToString("N0", CultureInfo.InvariantCulture)} node(s)", new() { Timeout = 120_000 });
            await page.SaveScreenshotAsync("jobs-finished-elsewhere");
        }
        finally
        {
            await context.CloseAsync();
        }

        // An independent client (kazoo) agrees: the subtree is gone.
        var kazoo = await PeerClients.KazooAsync(KazooExists, app.Ensemble.ConnectString, tree);
        Assert.True(kazoo.ExitCode == 0, kazoo.StdErr);
        Assert.Equal("absent", kazoo.StdOut.Trim());
    }

    [Fact]
    public async Task CancelJob_FromAnotherPage_StopsTheDeleteAndBothPagesTellTheTruth()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var tree = scope.Chroot + "/big";
        await SeedAsync(scope.Root, tree);
        await using var observer = await OpsPage.ObserverAsync(app.Ensemble.ConnectString);
        await using var server = await StartSlowAppAsync();
        var context = await app.NewContextAsync(server.BaseUrl);
        try
        {
            var explorer = await context.NewPageAsync();
            explorer.SetDefaultTimeout(30_000);
            await OpsPage.GoToAsync(explorer, tree);
            var dialog = await StartDeleteAsync(explorer);

            // Another page (the home page) cancels it through the Jobs panel.
            var other = await context.NewPageAsync();
            other.SetDefaultTimeout(30_000);
            await other.GotoAndWaitForInteractiveAsync("");
            var item = await OpenJobAsync(other, tree);
            await item.GetByRole(AriaRole.Button, new() { Name = "Cancel job", Exact = true }).ClickAsync();
            var state = item.GetByRole(AriaRole.Status);
            await Expect(state).ToContainTextAsync("Cancelled — Cancelled: deleted", OpsPage.SlowText);
            await other.SaveScreenshotAsync("jobs-cancelled-from-home");

            var match = SummaryPattern().Match(await state.InnerTextAsync());
            Assert.True(match.Success, await state.InnerTextAsync());
            var deleted = long.Parse(match.Groups["deleted"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            var remain = long.Parse(match.Groups["remain"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            Assert.Equal(Total, long.Parse(match.Groups["of"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
            Assert.InRange(deleted, 1, Total - 1);
            Assert.Equal(Total - deleted, remain);
            Assert.NotNull(await observer.ExistsAsync(tree));
            Assert.Equal(remain - 1, (long)await observer.GetAllChildrenNumberAsync(tree));

            // The page that started it shows the same result in its dialog.
            await Expect(dialog.Locator(".zk-na-alert")).ToContainTextAsync(match.Value, OpsPage.SlowText);
            await Expect(OpsPage.DialogButton(dialog, "Close")).ToBeVisibleAsync(OpsPage.Slow);
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    private async Task<WebAppServer> StartSlowAppAsync()
    {
        var settings = AppSettings.Ensembles((SandboxAppFixture.EnsembleName, app.Ensemble.ConnectString));
        settings["ZkDashboard:Sessions:BulkBatchSize"] = "1";
        return await WebAppServer.StartAsync(settings);
    }

    /// <summary>Confirms the recursive delete and waits until nodes are being deleted; returns the dialog.</summary>
    private static async Task<ILocator> StartDeleteAsync(IPage page)
    {
        await Expect(page.Button("Delete")).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await page.Button("Delete").ClickAsync();
        var dialog = OpsPage.Dialog(page);
        await Expect(dialog).ToContainTextAsync(Total.ToString("N0", CultureInfo.InvariantCulture) + " nodes", OpsPage.SlowText);
        await dialog.GetByLabel(new Regex("^Type the node's name")).FillAsync("big");
        await OpsPage.DialogButton(dialog, "Delete everything").ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Status).Filter(new() { HasTextRegex = new Regex(@"^Deleting: [1-9]") })).ToBeVisibleAsync(OpsPage.Slow);
        await Expect(dialog).ToContainTextAsync("you may leave this page");
        return dialog;
    }

    /// <summary>Opens the header's Jobs panel and returns the job of <paramref name="tree"/>.</summary>
    private static async Task<ILocator> OpenJobAsync(IPage page, string tree)
    {
        var jobs = page.Button("Jobs");
        await Expect(jobs).ToBeVisibleAsync(OpsPage.Slow);
        await jobs.ClickAsync();
        var panel = page.GetByRole(AriaRole.Region, new() { Name = "Bulk jobs" });
        await Expect(panel).ToBeVisibleAsync();
        var item = panel.GetByRole(AriaRole.Listitem, new() { Name = $"Delete {SandboxAppFixture.EnsembleName}:{tree}", Exact = true });
        await Expect(item).ToBeVisibleAsync();
        return item;
    }

    [GeneratedRegex(@"Cancelled: deleted (?<deleted>[\d,]+) of (?<of>[\d,]+) node\(s\); (?<remain>[\d,]+) remain under and including \S+")]
    private static partial Regex SummaryPattern();

    /// <summary>Branches with leaves, created in multi batches of up to 1,000 nodes.</summary>
    private static async Task SeedAsync(ZooKeeperClient client, string tree)
    {
        await client.CreateAsync(tree, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await client.MultiAsync(Enumerable.Range(0, Branches)
            .Select(b => (Op)Op.Create($"{tree}/b{b:00}", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe)));
        for (var b = 0; b < Branches; b += 2)
        {
            var ops = Enumerable.Range(b, 2).SelectMany(branch => Enumerable.Range(0, LeavesPerBranch)
                .Select(l => (Op)Op.Create($"{tree}/b{branch:00}/leaf-{l:000}", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe)));
            await client.MultiAsync(ops);
        }
    }
}
