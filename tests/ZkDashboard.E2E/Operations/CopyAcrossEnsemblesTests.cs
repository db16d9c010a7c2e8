using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ZkDashboard.E2E.Explorer;
using ZkDashboard.E2E.Infrastructure;
using ZkDashboard.Sandbox;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Operations;

/// <summary>
/// Copy of a subtree to a second, real ensemble (a 1-server sandbox) with a dry run first, and rename within an
/// ensemble. The app runs with both ensembles configured (an app of its own next to the collection's).
/// </summary>
[Collection(SandboxE2ECollection.Name)]
public sealed class CopyAcrossEnsemblesTests(SandboxAppFixture app)
{
    private const string Second = "second";

    [Fact]
    public async Task CopySubtree_ToSecondEnsemble_DryRunThenDataAndChildrenOnTarget()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var source = scope.Chroot + "/app";
        await scope.Root.CreateAsync(source, "root-data"u8.ToArray(), Acls.OpenUnsafe);
        await scope.Root.CreateAsync(source + "/db", "{\"url\": \"jdbc:x\"}"u8.ToArray(), Acls.OpenUnsafe);
        await scope.Root.CreateAsync(source + "/db/pool", "size=10"u8.ToArray(), Acls.OpenUnsafe);
        await scope.Root.CreateAsync(source + "/flags", new byte[] { 0, 1, 2, 255 }, Acls.OpenUnsafe);

        await using var second = await SandboxEnsemble.StartAsync(new SandboxOptions { Servers = 1 });
        await using var target = await OpsPage.ObserverAsync(second.ConnectString);
        await target.CreateAsync("/copies", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await using var server = await WebAppServer.StartAsync(AppSettings.Ensembles(
            (SandboxAppFixture.EnsembleName, app.Ensemble.ConnectString), (Second, second.ConnectString)));
        var context = await app.NewContextAsync(server.BaseUrl);
        try
        {
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(30_000);
            await OpsPage.GoToAsync(page, source);
            await Expect(page.Button("Copy / move")).ToBeEnabledAsync(new() { Timeout = 30_000 });

            await page.Button("Copy / move").ClickAsync();
            var dialog = OpsPage.Dialog(page);
            await dialog.GetByLabel("Operation").SelectOptionAsync(new SelectOptionValue { Label = "Copy" });
            await dialog.GetByLabel("Target ensemble").SelectOptionAsync(new SelectOptionValue { Label = Second });
            await dialog.GetByLabel("Target path").FillAsync("/copies/app");
            var copy = OpsPage.DialogButton(dialog, "Copy");
            await Expect(copy).ToBeDisabledAsync();
            await OpsPage.DialogButton(dialog, "Dry run").ClickAsync();
            await Expect(dialog.GetByRole(AriaRole.Status).Filter(new() { HasTextRegex = new Regex(@"^Dry run: 4 node\(s\) would be copied to second:/copies/app\.") }))
                .ToBeVisibleAsync(OpsPage.Slow);
            Assert.Null(await target.ExistsAsync("/copies/app"));
            await page.SaveScreenshotAsync("ops-copy-across-dry-run");

            await Expect(copy).ToBeEnabledAsync();
            await copy.ClickAsync();
            await Expect(OpsPage.DialogButton(dialog, "Close")).ToBeVisibleAsync(OpsPage.Slow);
            await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("Copied 4 node(s) to second:/copies/app.", OpsPage.SlowText);
            await page.SaveScreenshotAsync("ops-copy-across-done");

            // Data and children on the target; the source is untouched.
            Assert.Equal("root-data", Encoding.UTF8.GetString((await target.GetDataAsync("/copies/app")).Data));
            Assert.Equal(new[] { "db", "flags" }, (await target.GetChildrenAsync("/copies/app")).Children.Order(StringComparer.Ordinal).ToArray());
            Assert.Equal("{\"url\": \"jdbc:x\"}", Encoding.UTF8.GetString((await target.GetDataAsync("/copies/app/db")).Data));
            Assert.Equal("size=10", Encoding.UTF8.GetString((await target.GetDataAsync("/copies/app/db/pool")).Data));
            Assert.Equal(new byte[] { 0, 1, 2, 255 }, (await target.GetDataAsync("/copies/app/flags")).Data);
            Assert.Equal(3, await scope.Root.GetAllChildrenNumberAsync(source));

            // The copy is browsable in the second ensemble.
            await OpsPage.DialogButton(dialog, "Close").ClickAsync();
            await OpsPage.GoToAsync(page, "/copies/app/db/pool", Second);
            await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Node data" })).ToContainTextAsync("size=10", OpsPage.SlowText);
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    [Fact]
    public async Task Rename_WithinEnsemble_NodeAndChildrenUnderNewName()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var source = scope.Chroot + "/before";
        await scope.Root.CreateAsync(source, "keep me"u8.ToArray(), Acls.OpenUnsafe);
        await scope.Root.CreateAsync(source + "/child", "c"u8.ToArray(), Acls.OpenUnsafe);
        await using var observer = await OpsPage.ObserverAsync(app.Ensemble.ConnectString);

        var page = await OpsPage.OpenAsync(app, source);
        await page.Button("Copy / move").ClickAsync();
        var dialog = OpsPage.Dialog(page);
        await Expect(dialog.GetByLabel("Operation")).ToHaveValueAsync("move");
        // The target starts as the node itself, which is refused with a reason.
        await Expect(dialog.GetByText("The target is the node itself; choose another path.")).ToBeVisibleAsync();
        await dialog.GetByLabel("Target path").FillAsync(scope.Chroot + "/after");
        await OpsPage.DialogButton(dialog, "Dry run").ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Status).Filter(new() { HasTextRegex = new Regex(@"^Dry run: 2 node\(s\) would be moved") }))
            .ToBeVisibleAsync(OpsPage.Slow);
        await page.SaveScreenshotAsync("ops-rename-dry-run");
        await OpsPage.DialogButton(dialog, "Move").ClickAsync();
        await Expect(OpsPage.DialogButton(dialog, "Close")).ToBeVisibleAsync(OpsPage.Slow);
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("Moved 2 node(s)", OpsPage.SlowText);

        Assert.Null(await observer.ExistsAsync(source));
        var (data, _) = await observer.GetDataAsync(scope.Chroot + "/after");
        Assert.Equal("keep me", Encoding.UTF8.GetString(data));
        Assert.Equal(new[] { "child" }, (await observer.GetChildrenAsync(scope.Chroot + "/after")).Children.ToArray());
        await OpsPage.DialogButton(dialog, "Close").ClickAsync();
        await Expect(page.Locator("#zk-node-title")).ToHaveTextAsync("after", OpsPage.SlowHave);
        await app.CloseContextsAsync();
    }
}
