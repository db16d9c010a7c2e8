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
/// A recursive delete of a big subtree cancelled while it runs reports exactly what it did. The app here deletes in
/// multi batches of 2 nodes (ZkDashboard:Sessions:BulkBatchSize), so thousands of round trips leave time to click
/// Cancel midway on any machine; with the default 200 the whole subtree can be gone before the click arrives.
/// </summary>
[Collection(SandboxE2ECollection.Name)]
public sealed partial class RecursiveDeleteCancelTests(SandboxAppFixture app)
{
    private const int Branches = 12;
    private const int LeavesPerBranch = 500;
    private const int Total = 1 + Branches + (Branches * LeavesPerBranch); // 6,013

    [Fact]
    public async Task DeleteRecursive_CancelledMidway_ReportsWhatIsLeftTruthfully()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var tree = scope.Chroot + "/big";
        await SeedAsync(scope.Root, tree);
        await using var observer = await OpsPage.ObserverAsync(app.Ensemble.ConnectString);
        Assert.Equal(Total - 1, await observer.GetAllChildrenNumberAsync(tree));

        var settings = AppSettings.Ensembles((SandboxAppFixture.EnsembleName, app.Ensemble.ConnectString));
        settings["ZkDashboard:Sessions:BulkBatchSize"] = "2";
        await using var server = await WebAppServer.StartAsync(settings);
        var context = await app.NewContextAsync(server.BaseUrl);
        try
        {
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(30_000);
            await OpsPage.GoToAsync(page, tree);
            await CancelMidwayAsync(page, tree, observer);
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    private static async Task CancelMidwayAsync(IPage page, string tree, ZooKeeperClient observer)
    {
        await Expect(page.Button("Delete")).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await page.Button("Delete").ClickAsync();
        var dialog = OpsPage.Dialog(page);
        await Expect(dialog).ToContainTextAsync(Total.ToString("N0", CultureInfo.InvariantCulture) + " nodes", OpsPage.SlowText);
        await dialog.GetByLabel(new Regex("^Type the node's name")).FillAsync("big");
        await OpsPage.DialogButton(dialog, "Delete everything").ClickAsync();

        // Cancel once deleting has visibly started (progress shows a count), so the cut is really midway.
        var cancel = OpsPage.DialogButton(dialog, "Cancel deletion");
        await Expect(cancel).ToBeVisibleAsync(OpsPage.Slow);
        await Expect(dialog.GetByRole(AriaRole.Status).Filter(new() { HasTextRegex = new Regex(@"^Deleting: [1-9]") }))
            .ToBeVisibleAsync(OpsPage.Slow);
        await cancel.ClickAsync();

        await Expect(OpsPage.DialogButton(dialog, "Close")).ToBeVisibleAsync(OpsPage.Slow);
        var result = dialog.Locator(".zk-na-alert");
        await Expect(result).ToContainTextAsync("Cancelled:", OpsPage.SlowText);
        await page.SaveScreenshotAsync("ops-recursive-delete-cancelled");
        var summary = await result.InnerTextAsync();
        var match = SummaryPattern().Match(summary);
        Assert.True(match.Success, $"Unexpected summary: {summary}");
        var deleted = long.Parse(match.Groups["deleted"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        var of = long.Parse(match.Groups["of"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        var remain = long.Parse(match.Groups["remain"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        Assert.Equal(Total, of);
        Assert.InRange(deleted, 1, Total - 1);
        Assert.Equal(Total - deleted, remain);

        // What the dialog says is what the ensemble has: the root (deleted last) and `remain - 1` descendants.
        Assert.NotNull(await observer.ExistsAsync(tree));
        Assert.Equal(remain - 1, (long)await observer.GetAllChildrenNumberAsync(tree));

        // Closing shows the node again with its real child count.
        await OpsPage.DialogButton(dialog, "Close").ClickAsync();
        await OpsPage.WaitForNoDialogAsync(page);
        var children = (await observer.GetChildrenAsync(tree)).Children.Count;
        var tab = children == 0 ? "Children" : $"Children ({children.ToString("N0", CultureInfo.InvariantCulture)})";
        await Expect(page.GetByRole(AriaRole.Tab, new() { Name = tab, Exact = true })).ToBeVisibleAsync(OpsPage.Slow);
    }

    [GeneratedRegex(@"Cancelled: deleted (?<deleted>[\d,]+) of (?<of>[\d,]+) node\(s\); (?<remain>[\d,]+) remain under and including ")]
    private static partial Regex SummaryPattern();

    /// <summary>Branches with leaves, created in multi batches of up to 1,000 nodes.</summary>
    private static async Task SeedAsync(ZooKeeperClient client, string tree)
    {
        await client.CreateAsync(tree, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await client.MultiAsync(Enumerable.Range(0, Branches)
            .Select(b => (Op)Op.Create($"{tree}/b{b:00}", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe)));
        var data = new byte[16];
        for (var b = 0; b < Branches; b += 2)
        {
            var ops = Enumerable.Range(b, 2).SelectMany(branch => Enumerable.Range(0, LeavesPerBranch)
                .Select(l => (Op)Op.Create($"{tree}/b{branch:00}/leaf-{l:000}", data, Acls.OpenUnsafe)));
            await client.MultiAsync(ops);
        }
    }
}
