using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ZkDashboard.E2E.Explorer;
using ZkDashboard.E2E.Infrastructure;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Operations;

/// <summary>Bad names, oversized data and bad ACL specs are refused with a reason: nothing sent, nothing lost.</summary>
[Collection(SandboxE2ECollection.Name)]
public sealed class BadInputTests(SandboxAppFixture app)
{
    private const int OneMiB = 1024 * 1024;

    [Fact]
    public async Task CreateChild_InvalidNames_ErrorNamesTheCharacterAndNothingIsSent()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var parent = scope.Chroot + "/names";
        await scope.Root.CreateAsync(parent, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await using var observer = await OpsPage.ObserverAsync(app.Ensemble.ConnectString);

        var page = await OpsPage.OpenAsync(app, parent);
        var dialog = await OpsPage.FillCreateAsync(page, "ok\uE000name", "Persistent", "x");
        var name = dialog.GetByLabel("Name", new() { Exact = true });
        var create = OpsPage.DialogButton(dialog, "Create");
        await Expect(dialog.GetByText("Character U+E000 (private-use character) at position 3 is not allowed in ZooKeeper node names.")).ToBeVisibleAsync();
        await Expect(name).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(create).ToBeDisabledAsync();
        await page.SaveScreenshotAsync("ops-create-bad-name");

        await name.FillAsync("a/b");
        await Expect(dialog.GetByText(new Regex("^A name cannot contain '/'"))).ToBeVisibleAsync();
        await Expect(create).ToBeDisabledAsync();
        await name.FillAsync("..");
        await Expect(dialog.GetByText("'..' is not allowed as a node name (relative paths are not supported).")).ToBeVisibleAsync();
        await Expect(create).ToBeDisabledAsync();
        await name.FillAsync("del\u007Fchar");
        await Expect(dialog.GetByText(new Regex(@"U\+007F \(control character\)"))).ToBeVisibleAsync();
        await Expect(create).ToBeDisabledAsync();

        // Data over 1 MiB is refused in the dialog, saying what to do; the name is fine now.
        await name.FillAsync("big");
        var data = dialog.GetByLabel("Data of the new node", new() { Exact = true }).Last;
        await data.FillAsync(new string('x', OneMiB + 1));
        await Expect(dialog.GetByText(new Regex(@"larger than the ensemble's limit of 1\.0 MiB.*Shorten it"))).ToBeVisibleAsync(OpsPage.Slow);
        await Expect(create).ToBeDisabledAsync();
        await data.FillAsync("small");
        await Expect(create).ToBeEnabledAsync();
        await OpsPage.DialogButton(dialog, "Cancel").ClickAsync();
        await OpsPage.WaitForNoDialogAsync(page);

        Assert.Empty((await observer.GetChildrenAsync(parent)).Children);
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task SaveData_OverOneMiB_RefusedAndEditsKept()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var path = scope.Chroot + "/small";
        await scope.Root.CreateAsync(path, "original"u8.ToArray(), Acls.OpenUnsafe);
        await using var observer = await OpsPage.ObserverAsync(app.Ensemble.ConnectString);

        var page = await OpsPage.OpenAsync(app, path);
        await page.Button("Edit data").ClickAsync();
        var editor = OpsPage.Editor(page);
        var huge = new string('y', OneMiB + 10);
        await editor.FillAsync(huge);
        await Expect(page.GetByText(new Regex(@"larger than the ensemble's limit of 1\.0 MiB.*Shorten it"))).ToBeVisibleAsync(OpsPage.Slow);

        // Save (button and Ctrl+S) refuses with a reason; the text stays in the editor.
        await page.Button("Save").ClickAsync();
        var refusal = page.Locator(".zk-nde-msg").GetByText(new Regex("^Not saved: the data is 1,048,586 bytes"));
        await Expect(refusal).ToBeVisibleAsync(OpsPage.Slow);
        await page.Locator(".zk-nde-msg").GetByRole(AriaRole.Button, new() { Name = "Dismiss message" }).ClickAsync();
        await editor.PressAsync("Control+s");
        await Expect(refusal).ToBeVisibleAsync(OpsPage.Slow);
        await page.SaveScreenshotAsync("ops-save-too-large");
        Assert.Equal(huge.Length, await editor.EvaluateAsync<int>("e => e.value.length"));

        var (data, stat) = await observer.GetDataAsync(path);
        Assert.Equal("original", Encoding.UTF8.GetString(data));
        Assert.Equal(0, stat.Version);
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task EditAcl_BadCidr_RefusedWithReasonAndAclUnchanged()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var path = scope.Chroot + "/guarded";
        await scope.Root.CreateAsync(path, "x"u8.ToArray(), Acls.OpenUnsafe);
        await using var observer = await OpsPage.ObserverAsync(app.Ensemble.ConnectString);

        var page = await OpsPage.OpenAsync(app, path);
        await OpsPage.OpenAclEditorAsync(page);
        await page.Button("Add entry").ClickAsync();
        await page.Labelled("Scheme of entry 2").SelectOptionAsync("ip");
        var id = page.Labelled("Id of entry 2");
        await id.FillAsync("10.0.0.0/33");
        await Expect(id).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator(".zk-acle-rowerr")).ToContainTextAsync("33");
        var save = page.Button("Save ACL");
        await Expect(save).ToBeDisabledAsync();
        await page.SaveScreenshotAsync("ops-acl-bad-cidr");

        // The same spec typed as text is refused too.
        await page.Button("Edit as text").ClickAsync();
        await Expect(page.Locator(".zk-acle-errors")).ToContainTextAsync("33");
        await Expect(save).ToBeDisabledAsync();

        var (acl, stat) = await observer.GetAclAsync(path);
        Assert.Equal(0, stat.Aversion);
        var only = Assert.Single(acl);
        Assert.Equal("world", only.Id.Scheme);
        await app.CloseContextsAsync();
    }
}
