using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ZkDashboard.E2E.Infrastructure;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Explorer;

/// <summary>Unsaved edits are never dropped silently: every way of leaving the node asks first (Stay / Discard).</summary>
[Collection(SandboxE2ECollection.Name)]
public sealed class UnsavedEditsTests(SandboxAppFixture app)
{
    private const string Mine = "{\"feature\": false, \"mine\": true}";
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 30_000 };

    [Fact]
    public async Task DataEditor_AsksBeforeLeaving_WhenAnotherTreeNodeIsClicked()
    {
        await using var scope = await CreateNodesAsync();
        var config = scope.Chroot + "/app/config";
        var page = await OpenAndEditAsync(config);
        var tree = page.Role(AriaRole.Tree, "Nodes of sandbox");

        await tree.GetByRole(AriaRole.Treeitem, new() { Name = "db", Exact = true }).ClickAsync();
        var dialog = DiscardDialog(page);
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog).ToContainTextAsync($"Discard unsaved edits to {config}?");
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Stay", Exact = true })).ToBeFocusedAsync();
        await page.WaitForFunctionAsync("() => document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)");
        await page.SaveScreenshotAsync("explorer-unsaved-edits");

        // Stay: the edits, the node, the address and the tree's selection are as they were.
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Stay", Exact = true }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(page.Labelled("Edit node data")).ToHaveValueAsync(Mine);
        await Expect(page.Heading("config")).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(ExplorerLink.To(config)) + "$"));
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "config", Exact = true })).ToHaveAttributeAsync("aria-selected", "true");

        // Discard: goes where the click pointed; the server still has the old data.
        await tree.GetByRole(AriaRole.Treeitem, new() { Name = "db", Exact = true }).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Discard", Exact = true }).ClickAsync();
        await Expect(page.Heading("db")).ToBeVisibleAsync(Slow);
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(ExplorerLink.To(scope.Chroot + "/app/db")) + "$"));
        await Expect(page.GetByText(new Regex("unsaved edits .* were discarded"))).ToHaveCountAsync(0);
        var (data, _) = await scope.Root.GetDataAsync(config);
        Assert.Equal("{\"feature\":true}", Encoding.UTF8.GetString(data));
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task DataEditor_AsksBeforeLeaving_WhenBackButtonBreadcrumbOrGoToPathIsUsed()
    {
        await using var scope = await CreateNodesAsync();
        var config = scope.Chroot + "/app/config";
        var page = await app.NewPageAsync(ExplorerLink.To(scope.Chroot + "/app/db"));
        await Expect(page.Heading("db")).ToBeVisibleAsync(Slow);
        await page.Role(AriaRole.Tree, "Nodes of sandbox").GetByRole(AriaRole.Treeitem, new() { Name = "config", Exact = true }).ClickAsync();
        await Expect(page.Heading("config")).ToBeVisibleAsync(Slow);
        await EditAsync(page);
        var dialog = DiscardDialog(page);

        // Back button: asked; Stay keeps the page and the address.
        await page.GoBackAsync();
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Stay", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(ExplorerLink.To(config)) + "$"));
        await Expect(page.Labelled("Edit node data")).ToHaveValueAsync(Mine);

        // Breadcrumb: asked; Escape means Stay.
        await page.Role(AriaRole.Navigation, "Breadcrumb").GetByRole(AriaRole.Link, new() { Name = "app", Exact = true }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Stay", Exact = true })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(page.Heading("config")).ToBeVisibleAsync();
        await Expect(page.Labelled("Edit node data")).ToHaveValueAsync(Mine);

        // Go to path: asked too.
        var goTo = page.Role(AriaRole.Combobox, "Go to path");
        await goTo.FillAsync(scope.Chroot + "/app");
        await goTo.PressAsync("Enter");
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Stay", Exact = true }).ClickAsync();
        await Expect(page.Labelled("Edit node data")).ToHaveValueAsync(Mine);

        // Back again, then Discard: arrives at the previous node.
        await page.GoBackAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Discard", Exact = true }).ClickAsync();
        await Expect(page.Heading("db")).ToBeVisibleAsync(Slow);
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(ExplorerLink.To(scope.Chroot + "/app/db")) + "$"));
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task DataEditor_BrowserAsksBeforeUnload_WhenDirty()
    {
        await using var scope = await CreateNodesAsync();
        var page = await OpenAndEditAsync(scope.Chroot + "/app/config");
        await Expect(page.GetByText("Unsaved changes")).ToBeVisibleAsync();

        // The page arms the browser's prompt just after rendering "Unsaved changes": wait until a beforeunload event
        // would be cancelled (the page's handler says "ask first").
        await page.WaitForFunctionAsync(WouldAskBeforeUnloadScript);

        var asked = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        page.Dialog += (_, d) =>
        {
            asked.TrySetResult(d.Type);
            _ = d.DismissAsync();
        };

        // The browser's own "Leave site?" prompt appears; dismissing it keeps the page and the edits.
        await page.CloseAsync(new() { RunBeforeUnload = true });
        Assert.Equal("beforeunload", await asked.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(page.IsClosed);
        await Expect(page.Labelled("Edit node data")).ToHaveValueAsync(Mine);

        // Saved edits: no prompt any more.
        await page.Button("Save").ClickAsync();
        await Expect(page.GetByText(new Regex("^Saved .*config")).First).ToBeVisibleAsync(Slow);
        await page.WaitForFunctionAsync("() => !(" + WouldAskBeforeUnloadScript + ")()");
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        page.Close += (_, _) => closed.TrySetResult();
        await page.CloseAsync(new() { RunBeforeUnload = true });
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(page.IsClosed);
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task Editors_AskBeforeSwitchingTab_WhenDataOrAclIsDirty()
    {
        await using var scope = await CreateNodesAsync();
        var config = scope.Chroot + "/app/config";
        var page = await OpenAndEditAsync(config);
        var dialog = DiscardDialog(page);

        // Another tab would drop the data editor: asked; Stay keeps the Data tab and the text.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Stat" }).ClickAsync();
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog).ToContainTextAsync($"Discard unsaved edits to {config}?");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Stay", Exact = true }).ClickAsync();
        await Expect(page.Labelled("Edit node data")).ToHaveValueAsync(Mine);

        // The keyboard way (focus the tab list, arrow to the next tab, Enter) is asked about too.
        await page.Locator(".zk-node-tabs > [role=tablist]").FocusAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await page.Keyboard.PressAsync("Enter");
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Stay", Exact = true })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(page.Labelled("Edit node data")).ToHaveValueAsync(Mine);

        // Discard: the ACL tab opens.
        await page.GetByRole(AriaRole.Tab, new() { Name = "ACL" }).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Discard", Exact = true }).ClickAsync();
        await Expect(page.Button("Edit ACL")).ToBeVisibleAsync();

        // An ACL edit is guarded too (here against a tree click).
        await page.Button("Edit ACL").ClickAsync();
        await page.Labelled("Admin for entry 1").UncheckAsync();
        await page.Role(AriaRole.Tree, "Nodes of sandbox").GetByRole(AriaRole.Treeitem, new() { Name = "db", Exact = true }).ClickAsync();
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog).ToContainTextAsync("ACL of this node");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Stay", Exact = true }).ClickAsync();
        await Expect(page.Labelled("Admin for entry 1")).Not.ToBeCheckedAsync();
        await Expect(page.Heading("config")).ToBeVisibleAsync();
        await app.CloseContextsAsync();
    }

    private const string WouldAskBeforeUnloadScript = """
        () => {
          const e = new Event('beforeunload', { cancelable: true });
          window.dispatchEvent(e);
          return e.defaultPrevented;
        }
        """;

    private static ILocator DiscardDialog(IPage page) => page.Role(AriaRole.Dialog, "Unsaved edits");

    private async Task<ChrootScope> CreateNodesAsync()
    {
        var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        await scope.Root.CreateAsync(scope.Chroot + "/app", "app"u8.ToArray(), Acls.OpenUnsafe);
        await scope.Root.CreateAsync(scope.Chroot + "/app/config", Encoding.UTF8.GetBytes("{\"feature\":true}"), Acls.OpenUnsafe);
        await scope.Root.CreateAsync(scope.Chroot + "/app/db", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        return scope;
    }

    private async Task<IPage> OpenAndEditAsync(string path)
    {
        var page = await app.NewPageAsync(ExplorerLink.To(path));
        await Expect(page.Heading(path[(path.LastIndexOf('/') + 1)..])).ToBeVisibleAsync(Slow);
        await EditAsync(page);
        return page;
    }

    private static async Task EditAsync(IPage page)
    {
        await Expect(page.Button("Edit data")).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await page.Button("Edit data").ClickAsync();
        var editor = page.Labelled("Edit node data");
        await editor.FillAsync(Mine);
        await Expect(page.GetByText("Unsaved changes")).ToBeVisibleAsync();
    }
}
