using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ZkDashboard.E2E.Infrastructure;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Explorer;

/// <summary>The explorer page against the real sandbox ensemble: deep links, navigation, hostile names, not-found.</summary>
[Collection(SandboxE2ECollection.Name)]
public sealed class ExplorerPageTests(SandboxAppFixture app)
{
    private const string Hostile = "<img src=x onerror=alert(1)>";

    [Fact]
    public async Task Explorer_DeepLink_SurvivesReloadAndBackForward()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var root = scope.Chroot;
        await scope.Root.CreateAsync(root + "/app", "app"u8.ToArray(), Acls.OpenUnsafe);
        await scope.Root.CreateAsync(root + "/app/config", Encoding.UTF8.GetBytes("{\"feature\":true}"), Acls.OpenUnsafe);
        await scope.Root.CreateAsync(root + "/app/db", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);

        var page = await app.NewPageAsync(ExplorerLink.To(root + "/app/config"));
        var tree = page.Role(AriaRole.Tree, "Nodes of sandbox");
        await Expect(page.Heading("config")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "config", Exact = true })).ToHaveAttributeAsync("aria-selected", "true", new() { Timeout = 30_000 });
        var crumbs = page.Role(AriaRole.Navigation, "Breadcrumb");
        await Expect(crumbs.GetByRole(AriaRole.Link, new() { Name = "app", Exact = true })).ToBeVisibleAsync();
        await Expect(page).ToHaveTitleAsync(new Regex("^config · sandbox"));
        await page.SaveScreenshotAsync("explorer-node");

        await page.ReloadAsync();
        await page.WaitForInteractiveAsync();
        await Expect(page.Heading("config")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "config", Exact = true })).ToHaveAttributeAsync("aria-selected", "true", new() { Timeout = 30_000 });

        await tree.GetByRole(AriaRole.Treeitem, new() { Name = "db", Exact = true }).ClickAsync();
        await Expect(page.Heading("db")).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(ExplorerLink.To(root + "/app/db")) + "$"));

        await crumbs.GetByRole(AriaRole.Link, new() { Name = "app", Exact = true }).ClickAsync();
        await Expect(page.Heading("app")).ToBeVisibleAsync();

        await page.GoBackAsync();
        await Expect(page.Heading("db")).ToBeVisibleAsync();
        await page.GoBackAsync();
        await Expect(page.Heading("config")).ToBeVisibleAsync();
        await page.GoForwardAsync();
        await Expect(page.Heading("db")).ToBeVisibleAsync();
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task Explorer_OddAndHostileNames_RenderLiterally()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var root = scope.Chroot;
        const string odd = "a b%20c#d?e 日本語";
        await scope.Root.CreateAsync(root + "/" + odd, "odd"u8.ToArray(), Acls.OpenUnsafe);
        await scope.Root.CreateAsync(root + "/" + Hostile, Encoding.UTF8.GetBytes(Hostile), Acls.OpenUnsafe);

        var page = await app.NewPageAsync(ExplorerLink.To(root + "/" + odd));
        await Expect(page.Heading(odd)).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.ReloadAsync();
        await page.WaitForInteractiveAsync();
        await Expect(page.Heading(odd)).ToBeVisibleAsync(new() { Timeout = 30_000 });

        var dialogs = 0;
        page.Dialog += (_, d) => { dialogs++; _ = d.DismissAsync(); };
        await page.GotoAndWaitForInteractiveAsync(ExplorerLink.To(root + "/" + Hostile));
        await Expect(page.Heading(Hostile)).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var tree = page.Role(AriaRole.Tree, "Nodes of sandbox");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = Hostile, Exact = true })).ToBeVisibleAsync();
        await Expect(page.Role(AriaRole.Navigation, "Breadcrumb")).ToContainTextAsync(Hostile);
        await Expect(page).ToHaveTitleAsync(Hostile + " · sandbox · ZkDashboard");
        Assert.Equal(0, await page.Locator("img[src=x]").CountAsync());
        Assert.Equal(0, dialogs);
        await page.SaveScreenshotAsync("explorer-hostile-name");
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task Explorer_KeyboardAndSubtreeSearch_FindAndOpenNodes()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var root = scope.Chroot;
        foreach (var path in new[] { "/app", "/app/alpha", "/app/beta", "/app/beta/gamma-target", "/app/delta" })
        {
            await scope.Root.CreateAsync(root + path, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        }

        var page = await app.NewPageAsync(ExplorerLink.To(root + "/app"));
        await Expect(page.Heading("app")).ToBeVisibleAsync(new() { Timeout = 30_000 });

        // Arrows walk the tree: expand "app", step to its first child.
        var tree = page.Role(AriaRole.Tree, "Nodes of sandbox");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "app", Exact = true })).ToHaveAttributeAsync("aria-selected", "true", new() { Timeout = 30_000 });
        await tree.FocusAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "app", Exact = true })).ToHaveAttributeAsync("aria-expanded", "true");
        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(page.Heading("alpha")).ToBeVisibleAsync();

        // '/' focuses the subtree search; the search runs in the background and links to what it finds.
        await page.Role(AriaRole.Navigation, "Breadcrumb").GetByRole(AriaRole.Link, new() { Name = "app", Exact = true }).ClickAsync();
        await Expect(page.Heading("app")).ToBeVisibleAsync();
        await page.EvaluateAsync("() => document.activeElement && document.activeElement.blur()");
        await page.Keyboard.PressAsync("/");
        var search = page.Labelled("Search subtree");
        await Expect(search).ToBeFocusedAsync();
        await search.FillAsync("target");
        await search.PressAsync("Enter");
        var results = page.Role(AriaRole.List, "Matching nodes");
        await Expect(results.GetByRole(AriaRole.Link, new() { Name = root + "/app/beta/gamma-target", Exact = true })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.Role(AriaRole.Region, "Search results")).ToContainTextAsync("Done: 1 match");
        await page.SaveScreenshotAsync("explorer-search");
        await results.GetByRole(AriaRole.Link).First.ClickAsync();
        await Expect(page.Heading("gamma-target")).ToBeVisibleAsync();

        // '?' lists the shortcuts.
        await page.EvaluateAsync("() => document.activeElement && document.activeElement.blur()");
        await page.Keyboard.PressAsync("?");
        await Expect(page.Role(AriaRole.Table, "Keyboard shortcuts")).ToBeVisibleAsync();
        await page.SaveScreenshotAsync("explorer-shortcuts");
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task Explorer_UnknownEnsemble_ShowsNotFoundWithConfiguredLinks()
    {
        var page = await app.NewPageAsync("e/no-such-ensemble/some/path");
        await Expect(page.Heading("Ensemble not found")).ToBeVisibleAsync();
        await Expect(page.Role(AriaRole.List, "Configured ensembles").GetByRole(AriaRole.Link, new() { Name = "sandbox", Exact = true }))
            .ToHaveAttributeAsync("href", "e/sandbox/");
        await app.CloseContextsAsync();
    }
}
