using Microsoft.Playwright;
using ZkDashboard.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Explorer;

/// <summary>
/// The explorer components in a real browser, on the Development-only gallery page over an in-memory tree
/// (no ZooKeeper needed): virtualized tree, keyboard, 100k children, hostile names, live highlight.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class TreePreviewTests(AppFixture app)
{
    private const string Hostile = "<img src=x onerror=alert(1)>";

    [Fact]
    public async Task Tree_RendersRowsAndRevealsSelection_OnLoad()
    {
        var page = await app.NewPageAsync("dev/explorer-preview");
        var tree = page.Role(AriaRole.Tree, "Nodes of preview");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "config", Exact = true })).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "app", Exact = true })).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = Hostile, Exact = true })).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("img[src=x]").CountAsync());
        await page.SaveScreenshotAsync("explorer-preview");
    }

    [Fact]
    public async Task Tree_HundredThousandChildren_KeepsDomSmallAndScrolls()
    {
        var page = await app.NewPageAsync("dev/explorer-preview");
        var tree = page.Role(AriaRole.Tree, "Nodes of preview");
        var big = tree.GetByRole(AriaRole.Treeitem, new() { Name = "big", Exact = true });
        await big.Locator(".zk-row-twisty").ClickAsync();
        await Expect(big).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(page.Locator(".zk-tree-ctx-count")).ToHaveTextAsync("100,000 children");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "n-0000000000", Exact = true })).ToBeVisibleAsync();
        Assert.True(await tree.GetByRole(AriaRole.Treeitem).CountAsync() < 200);

        await tree.EvaluateAsync("el => el.scrollTop = el.scrollHeight");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "n-0000099999", Exact = true })).ToBeVisibleAsync();
        Assert.True(await tree.GetByRole(AriaRole.Treeitem).CountAsync() < 200);
        await page.SaveScreenshotAsync("explorer-preview-100k");
    }

    [Fact]
    public async Task Tree_Keyboard_WalksAndExpands()
    {
        var page = await app.NewPageAsync("dev/explorer-preview");
        var tree = page.Role(AriaRole.Tree, "Nodes of preview");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "app", Exact = true })).ToHaveAttributeAsync("aria-selected", "true");
        await tree.FocusAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "db", Exact = true })).ToHaveAttributeAsync("aria-selected", "true");
        await page.Keyboard.PressAsync("ArrowLeft");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "config", Exact = true })).ToHaveAttributeAsync("aria-selected", "true");
        await page.Keyboard.PressAsync("ArrowLeft");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "config", Exact = true })).ToHaveAttributeAsync("aria-expanded", "false");
        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "jobs", Exact = true })).ToHaveAttributeAsync("aria-selected", "true");
        await page.Keyboard.PressAsync("ArrowDown");
        var locks = tree.GetByRole(AriaRole.Treeitem, new() { Name = "locks", Exact = true });
        await Expect(locks).ToHaveAttributeAsync("aria-selected", "true");
        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(locks).ToHaveAttributeAsync("aria-expanded", "true");
        await page.Keyboard.PressAsync("End");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "zookeeper", Exact = true })).ToHaveAttributeAsync("aria-selected", "true");
        await page.Keyboard.PressAsync("Home");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "/", Exact = true })).ToHaveAttributeAsync("aria-selected", "true");
    }

    [Fact]
    public async Task Tree_FilterAndSort_ShowNofN()
    {
        var page = await app.NewPageAsync("dev/explorer-preview");
        var tree = page.Role(AriaRole.Tree, "Nodes of preview");
        var locks = tree.GetByRole(AriaRole.Treeitem, new() { Name = "locks", Exact = true });
        await locks.ClickAsync();
        await locks.Locator(".zk-row-twisty").ClickAsync();
        var count = page.Locator(".zk-tree-ctx-count");
        await Expect(count).ToHaveTextAsync("3 children");
        await page.Labelled("Filter children").FillAsync("lock-");
        await page.Labelled("Filter children").PressAsync("Enter");
        await Expect(count).ToHaveTextAsync("2 of 3 match");
        await page.Labelled("Filter children").FillAsync("");
        await page.Labelled("Filter children").PressAsync("Enter");
        await page.Labelled("Sort children by").SelectOptionAsync("Sequence");
        var names = tree.Locator(".zk-row[title^='/locks/'] .zk-row-name");
        await Expect(names).ToHaveTextAsync(["lock-0000000003", "read-0000000007", "lock-0000000012"]);
    }

    [Fact]
    public async Task Tree_ExternalCreate_AppearsHighlighted()
    {
        var page = await app.NewPageAsync("dev/explorer-preview");
        var tree = page.Role(AriaRole.Tree, "Nodes of preview");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "app", Exact = true })).ToBeVisibleAsync();
        await page.Button("Simulate external create").ClickAsync();
        var added = tree.Locator(".zk-row.flash");
        await Expect(added).ToHaveCountAsync(1);
        await Expect(added).ToContainTextAsync("added-");
    }

    [Fact]
    public async Task Editor_TypingInvalidJson_ShowsLineAndColumn_AndKeepsTheCaret()
    {
        var page = await app.NewPageAsync("dev/explorer-preview");
        var editor = page.GetByRole(AriaRole.Textbox, new() { Name = "Edit node data", Exact = true });
        await editor.ClickAsync();
        await page.Keyboard.PressAsync("Control+Home");
        await page.Keyboard.TypeAsync("xy", new() { Delay = 150 });
        await Expect(editor).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^xy\\{"));
        await Expect(page.GetByText("Invalid JSON: Line 1, column 1")).ToBeVisibleAsync();
        await Expect(page.GetByText("Save anyway")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Backspace");
        await page.Keyboard.PressAsync("Backspace");
        await Expect(page.Locator(".zk-ed-good")).ToContainTextAsync("Valid JSON");
        await page.SaveScreenshotAsync("explorer-preview-editor");
    }

    [Fact]
    public async Task Components_DarkTheme_UseLightTextOnDarkSurfaces()
    {
        var page = await app.NewPageAsync("dev/explorer-preview");
        var tree = page.Role(AriaRole.Tree, "Nodes of preview");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "app", Exact = true })).ToBeVisibleAsync();
        await page.Button("Dark theme").ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        await page.WaitForFunctionAsync(LightTextScript, ".zk-row-name");
        Assert.True(await page.EvaluateAsync<bool>(LightTextScript, ".zk-acl-perms"), "ACL words should be light on dark");
        Assert.True(await page.EvaluateAsync<bool>(DarkBackgroundScript, ".zk-data-bar"), "data viewer bar should be dark");
        await page.SaveScreenshotAsync("explorer-preview-dark");
    }

    private const string LightTextScript = """
        sel => { const el = document.querySelector(sel); if (!el) return false;
                 const [r, g, b] = getComputedStyle(el).color.match(/[\d.]+/g).map(Number);
                 return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 > 0.55; }
        """;

    private const string DarkBackgroundScript = """
        sel => { const el = document.querySelector(sel); if (!el) return false;
                 let node = el;
                 while (node) { const c = getComputedStyle(node).backgroundColor; const v = c.match(/[\d.]+/g).map(Number);
                   if (v.length < 4 || v[3] > 0.5) return (0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]) / 255 < 0.35;
                   node = node.parentElement; }
                 return false; }
        """;
}
