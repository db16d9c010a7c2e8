using System.Text;
using Microsoft.Playwright;
using ZkDashboard.E2E.Explorer;
using ZkDashboard.E2E.Infrastructure;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Operations;

/// <summary>Copy path / copy data to the clipboard, Ctrl+S in the data editor, and Del with its confirmation.</summary>
[Collection(SandboxE2ECollection.Name)]
public sealed class ClipboardAndKeyboardTests(SandboxAppFixture app)
{
    [Fact]
    public async Task CopyPathAndData_PutsExactTextOnClipboard_WithConfirmation()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var path = scope.Chroot + "/config.json";
        const string Json = "{\n  \"name\": \"ünïcode ✓\",\n  \"size\": 3\n}";
        await scope.Root.CreateAsync(path, Encoding.UTF8.GetBytes(Json), Acls.OpenUnsafe);
        var binary = scope.Chroot + "/blob";
        await scope.Root.CreateAsync(binary, new byte[] { 0, 159, 146, 150, 255 }, Acls.OpenUnsafe);

        var page = await OpsPage.OpenAsync(app, path);
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = app.BaseUrl.TrimEnd('/') });
        var toolbar = page.GetByRole(AriaRole.Toolbar, new() { Name = "Node actions" });

        await page.Button("Copy path").ClickAsync();
        await Expect(toolbar.GetByRole(AriaRole.Status)).ToHaveTextAsync("Path copied");
        Assert.Equal(path, await ReadClipboardAsync(page));
        await page.SaveScreenshotAsync("ops-copy-path");

        await page.Button("Copy data").ClickAsync();
        await Expect(toolbar.GetByRole(AriaRole.Status)).ToHaveTextAsync("Data copied");
        Assert.Equal(Json, await ReadClipboardAsync(page));

        // Binary data is copied as base64, and the confirmation says so.
        await OpsPage.GoToAsync(page, binary);
        await Expect(toolbar.GetByRole(AriaRole.Status)).ToHaveCountAsync(0);
        await page.Button("Copy data").ClickAsync();
        await Expect(toolbar.GetByRole(AriaRole.Status)).ToHaveTextAsync("Data copied as base64 (binary)");
        Assert.Equal(Convert.ToBase64String(new byte[] { 0, 159, 146, 150, 255 }), await ReadClipboardAsync(page));
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task CtrlS_InDataEditor_SavesVersionedAndConflictsAreNotOverwritten()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var path = scope.Chroot + "/settings";
        await scope.Root.CreateAsync(path, "a=1"u8.ToArray(), Acls.OpenUnsafe);
        await using var observer = await OpsPage.ObserverAsync(app.Ensemble.ConnectString);

        var page = await OpsPage.OpenAsync(app, path);
        await page.Button("Edit data").ClickAsync();
        var editor = OpsPage.Editor(page);
        await editor.FillAsync("a=2");
        await editor.PressAsync("Control+s");
        await Expect(OpsPage.SavedMessage(page, 1)).ToBeVisibleAsync(OpsPage.Slow);
        var (data, stat) = await observer.GetDataAsync(path);
        Assert.Equal("a=2", Encoding.UTF8.GetString(data));
        Assert.Equal(1, stat.Version);

        // Ctrl+S saves with the version the edit started from: a concurrent write opens the conflict dialog.
        await page.Button("Edit data").ClickAsync();
        await Expect(page.GetByText("editing version 1")).ToBeVisibleAsync(OpsPage.Slow);
        await editor.FillAsync("a=3 (mine)");
        await observer.SetDataAsync(path, "a=3 (theirs)"u8.ToArray(), 1);
        await editor.PressAsync("Control+s");
        var conflict = page.GetByRole(AriaRole.Dialog, new() { Name = "Someone else changed this node" });
        await Expect(conflict).ToBeVisibleAsync(OpsPage.Slow);
        await Expect(conflict.GetByRole(AriaRole.Button, new() { Name = "Keep editing", Exact = true })).ToBeFocusedAsync();

        // Escape leaves the dialog and keeps the edits; nothing was overwritten.
        await page.Keyboard.PressAsync("Escape");
        await Expect(conflict).ToHaveCountAsync(0);
        await Expect(editor).ToHaveValueAsync("a=3 (mine)");
        (data, stat) = await observer.GetDataAsync(path);
        Assert.Equal("a=3 (theirs)", Encoding.UTF8.GetString(data));
        Assert.Equal(2, stat.Version);
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task DelKey_OnSelectedTreeNode_ConfirmsBeforeDeleting()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var path = scope.Chroot + "/doomed";
        await scope.Root.CreateAsync(path, "x"u8.ToArray(), Acls.OpenUnsafe);
        await using var observer = await OpsPage.ObserverAsync(app.Ensemble.ConnectString);

        var page = await OpsPage.OpenAsync(app, path);
        var row = page.GetByRole(AriaRole.Treeitem, new() { Name = "doomed", Exact = true });
        await row.ClickAsync();
        await Expect(row).ToHaveAttributeAsync("aria-selected", "true");

        // Del asks first; Escape leaves the node alone and gives the focus back to the tree.
        await page.Keyboard.PressAsync("Delete");
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = $"Delete {path}" });
        await Expect(dialog).ToBeVisibleAsync(OpsPage.Slow);
        await Expect(dialog).ToContainTextAsync("(version 0)");
        await page.SaveScreenshotAsync("ops-delete-confirm");
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToHaveCountAsync(0);
        Assert.NotNull(await observer.ExistsAsync(path));

        // Cancel leaves it too.
        await page.Keyboard.PressAsync("Delete");
        await Expect(dialog).ToBeVisibleAsync(OpsPage.Slow);
        await OpsPage.DialogButton(dialog, "Cancel").ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        Assert.NotNull(await observer.ExistsAsync(path));

        // Confirming deletes it.
        await row.ClickAsync();
        await page.Keyboard.PressAsync("Delete");
        await Expect(dialog).ToBeVisibleAsync(OpsPage.Slow);
        await OpsPage.DialogButton(dialog, "Delete").ClickAsync();
        await OpsPage.WaitForNoDialogAsync(page);
        Assert.Null(await observer.ExistsAsync(path));
        await Expect(page.Locator("#zk-node-title")).ToHaveTextAsync(OpsPage.Name(scope.Chroot), OpsPage.SlowHave);
        await app.CloseContextsAsync();
    }

    private static Task<string> ReadClipboardAsync(IPage page) => page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
}
