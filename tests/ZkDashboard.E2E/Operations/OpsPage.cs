using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ZkDashboard.E2E.Explorer;
using ZkDashboard.E2E.Infrastructure;
using ZkDashboard.ZooKeeper;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Operations;

/// <summary>What the operations tests do on the explorer page, as a person would (roles and labels).</summary>
internal static class OpsPage
{
    public static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 30_000 };
    public static readonly LocatorAssertionsToContainTextOptions SlowText = new() { Timeout = 30_000 };
    public static readonly LocatorAssertionsToHaveTextOptions SlowHave = new() { Timeout = 30_000 };

    /// <summary>Waits until the node panel shows <paramref name="path"/> and its actions are usable.</summary>
    public static async Task WaitForNodeAsync(IPage page, string path)
    {
        await Expect(page.Locator("#zk-node-title")).ToHaveTextAsync(Name(path), SlowHave);
        await Expect(page.Button("Create child")).ToBeEnabledAsync(new() { Timeout = 30_000 });
    }

    /// <summary>Opens the explorer at <paramref name="path"/> of the sandbox ensemble in a new page of <paramref name="app"/>.</summary>
    public static async Task<IPage> OpenAsync(AppFixture app, string path)
    {
        var page = await app.NewPageAsync(ExplorerLink.To(path));
        await WaitForNodeAsync(page, path);
        return page;
    }

    /// <summary>Navigates an open page to <paramref name="path"/>.</summary>
    public static async Task GoToAsync(IPage page, string path, string ensemble = "sandbox")
    {
        await page.GotoAndWaitForInteractiveAsync(ExplorerLink.To(path, ensemble));
        await Expect(page.Locator("#zk-node-title")).ToHaveTextAsync(Name(path), SlowHave);
    }

    public static string Name(string path) => path == "/" ? "/" : path[(path.LastIndexOf('/') + 1)..];

    /// <summary>The open dialog (our dialogs are role=dialog, labelled by their title).</summary>
    public static ILocator Dialog(IPage page) => page.GetByRole(AriaRole.Dialog);

    public static ILocator DialogButton(ILocator dialog, string name) =>
        dialog.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    /// <summary>Opens "Create child" and fills name, mode, TTL and data; returns the dialog (not yet submitted).</summary>
    public static async Task<ILocator> FillCreateAsync(IPage page, string name, string modeLabel, string data, long? ttlSeconds = null)
    {
        await page.Button("Create child").ClickAsync();
        var dialog = Dialog(page);
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await dialog.GetByLabel("Mode", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = modeLabel });
        if (ttlSeconds is { } ttl)
        {
            await dialog.GetByLabel("TTL (seconds)").FillAsync(ttl.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await dialog.GetByLabel("Data of the new node", new() { Exact = true }).Last.FillAsync(data);
        return dialog;
    }

    /// <summary>Opens the ACL tab's editor.</summary>
    public static async Task OpenAclEditorAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Tab, new() { Name = "ACL" }).ClickAsync();
        await page.Button("Edit ACL").ClickAsync();
    }

    /// <summary>Opens the ACL tab's editor and adds a digest entry through the digest helper.</summary>
    public static async Task AddDigestEntryAsync(IPage page, string user, string password)
    {
        await OpenAclEditorAsync(page);
        await page.GetByLabel("User", new() { Exact = true }).FillAsync(user);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.Button("Add digest entry").ClickAsync();
    }

    /// <summary>Waits until no dialog is open.</summary>
    public static Task WaitForNoDialogAsync(IPage page) =>
        Expect(Dialog(page)).ToHaveCountAsync(0, new() { Timeout = 30_000 });

    /// <summary>The data editor's text area.</summary>
    public static ILocator Editor(IPage page) => page.GetByLabel("Edit node data", new() { Exact = true });

    /// <summary>The editor's "Saved … (version n)." confirmation.</summary>
    public static ILocator SavedMessage(IPage page, int version) =>
        page.Locator(".zk-nde-msg").GetByText(new Regex($@"^Saved .* \(version {version}\)\.$"));

    /// <summary>A client of the ensemble as an independent observer.</summary>
    public static Task<ZooKeeperClient> ObserverAsync(string connectString) =>
        ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = connectString, ConnectTimeout = TimeSpan.FromSeconds(30) });
}
