using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ZkDashboard.E2E.Explorer;
using ZkDashboard.E2E.Infrastructure;
using ZkDashboard.E2E.Operations;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Transfer;

/// <summary>
/// The Import and Compare pages used as a person would (upload, dry run, apply; compare, select, apply to the right),
/// checked on the real sandbox ensemble with a client of the test's own.
/// </summary>
[Collection(SandboxE2ECollection.Name)]
public sealed class TransferPagesTests(SandboxAppFixture app)
{
    [Fact]
    public async Task Import_UploadDryRunApply_NodesExistOnTheEnsemble()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var target = scope.Chroot + "/imported";
        await using var external = await OpsPage.ObserverAsync(app.Ensemble.ConnectString);
        var file = """
            {"format":"zkdashboard-export","version":1,"ensemble":"staging","root":"/configs","nodes":[
              {"path":"/configs","encoding":"utf8","data":""},
              {"path":"/configs/app","encoding":"utf8","data":"hello from the file"},
              {"path":"/configs/app/db","encoding":"utf8","data":"url=jdbc:pg://db/app"}
            ]}
            """;

        var page = await app.NewPageAsync("transfer/import");
        page.SetDefaultTimeout(30_000);
        await page.Labelled("File").SetInputFilesAsync(new FilePayload { Name = "configs.json", MimeType = "application/json", Buffer = Encoding.UTF8.GetBytes(file) });
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "File: configs.json" })).ToContainTextAsync("3 node(s)", OpsPage.SlowText);
        await page.Labelled("Target ensemble").SelectOptionAsync(SandboxAppFixture.EnsembleName);
        await page.Labelled("Target path").FillAsync(target);
        await page.Labelled("Target path").PressAsync("Tab");
        await page.Button("Dry run").ClickAsync();

        // The plan: three creates under the target, and nothing written yet.
        var plan = page.GetByRole(AriaRole.Region, new() { Name = "Dry run", Exact = true });
        await Expect(plan.GetByRole(AriaRole.Status)).ToContainTextAsync("3 create, 0 update", OpsPage.SlowText);
        await Expect(plan.GetByRole(AriaRole.Status)).ToContainTextAsync("Nothing was written.");
        var rows = plan.GetByRole(AriaRole.Table, new() { Name = "Planned changes", Exact = true }).Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(rows.Filter(new() { HasText = target + "/app/db" })).ToContainTextAsync("Create");
        Assert.Null(await external.ExistsAsync(target));
        await page.SaveScreenshotAsync("import-dry-run");

        await plan.GetByRole(AriaRole.Button, new() { Name = "Apply 3 write(s)" }).ClickAsync();
        var job = page.GetByRole(AriaRole.Region, new() { Name = "Import job", Exact = true });
        await Expect(job.GetByRole(AriaRole.Status)).ToContainTextAsync("Done — ", OpsPage.SlowText);
        await Expect(job.Locator(".zk-transfer-fail")).ToHaveCountAsync(0);

        var (app1, _) = await external.GetDataAsync(target + "/app");
        var (db, _) = await external.GetDataAsync(target + "/app/db");
        Assert.Equal("hello from the file", Encoding.UTF8.GetString(app1));
        Assert.Equal("url=jdbc:pg://db/app", Encoding.UTF8.GetString(db));
        Assert.Equal(["app"], (await external.GetChildrenAsync(target)).Children);
    }

    [Fact]
    public async Task Compare_OneNodeDiffers_ListedAndAppliedToTheRight_SidesMatch()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var left = scope.Chroot + "/staging";
        var right = scope.Chroot + "/prod";
        foreach (var (side, a) in new[] { (left, "timeout=30"), (right, "timeout=10") })
        {
            await scope.Root.CreateAsync(side, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
            await scope.Root.CreateAsync(side + "/a", Encoding.UTF8.GetBytes(a), Acls.OpenUnsafe);
            await scope.Root.CreateAsync(side + "/b", Encoding.UTF8.GetBytes("same on both"), Acls.OpenUnsafe);
        }
        await using var external = await OpsPage.ObserverAsync(app.Ensemble.ConnectString);

        var page = await app.NewPageAsync("compare");
        page.SetDefaultTimeout(30_000);
        var leftSide = page.GetByRole(AriaRole.Group, new() { Name = "Left side", Exact = true });
        var rightSide = page.GetByRole(AriaRole.Group, new() { Name = "Right side", Exact = true });
        await leftSide.GetByLabel("Ensemble").SelectOptionAsync(SandboxAppFixture.EnsembleName);
        await leftSide.GetByLabel("Path").FillAsync(left);
        await leftSide.GetByLabel("Path").PressAsync("Tab");
        await rightSide.GetByLabel("Ensemble").SelectOptionAsync(SandboxAppFixture.EnsembleName);
        await rightSide.GetByLabel("Path").FillAsync(right);
        await rightSide.GetByLabel("Path").PressAsync("Tab");
        await page.Button("Compare").ClickAsync();

        // Only /a is listed, as a data difference.
        var differences = page.GetByRole(AriaRole.Region, new() { Name = "Differences", Exact = true });
        await Expect(differences.GetByRole(AriaRole.Status).First).ToContainTextAsync("0 only left, 0 only right, 1 different, 2 identical", OpsPage.SlowText);
        var rows = differences.GetByRole(AriaRole.Table, new() { Name = "Differences", Exact = true }).Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows).ToContainTextAsync("/a");
        await Expect(rows).ToContainTextAsync("data differs");
        await page.SaveScreenshotAsync("compare-differences");

        await differences.GetByRole(AriaRole.Checkbox, new() { Name = "Select /a" }).CheckAsync();
        await differences.GetByRole(AriaRole.Button, new() { Name = "Apply 1 selected to the right" }).ClickAsync();
        var job = page.GetByRole(AriaRole.Region, new() { Name = "Apply job", Exact = true });
        await Expect(job.GetByRole(AriaRole.Status)).ToContainTextAsync("Done — ", OpsPage.SlowText);
        await Expect(job.Locator(".zk-transfer-fail")).ToHaveCountAsync(0);

        // The right side now has the left's data, and the rest of it is untouched.
        Assert.Equal("timeout=30", Encoding.UTF8.GetString((await external.GetDataAsync(right + "/a")).Data));
        Assert.Equal("same on both", Encoding.UTF8.GetString((await external.GetDataAsync(right + "/b")).Data));
        Assert.Equal("timeout=30", Encoding.UTF8.GetString((await external.GetDataAsync(left + "/a")).Data));

        // Compared again: no difference left.
        await page.Button("Compare").ClickAsync();
        await Expect(differences.GetByRole(AriaRole.Status).First).ToContainTextAsync(new Regex("0 only left, 0 only right, 0 different, 3 identical"), OpsPage.SlowText);
        await Expect(rows).ToHaveCountAsync(0);
    }
}
