using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ZkDashboard.Core.Sessions;
using ZkDashboard.E2E.Explorer;
using ZkDashboard.E2E.Infrastructure;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Operations;

/// <summary>Create, edit (versioned) and delete (versioned) a node in each create mode, checked on the ensemble.</summary>
[Collection(SandboxE2ECollection.Name)]
public sealed class CreateModesTests(SandboxAppFixture app)
{
    [Theory]
    [InlineData("plain", "Persistent", null)]
    [InlineData("seq-", "Persistent sequential", null)]
    [InlineData("eph", "Ephemeral", null)]
    [InlineData("eseq-", "Ephemeral sequential", null)]
    [InlineData("box", "Container", null)]
    [InlineData("ttl", "Persistent with TTL", 3600L)]
    [InlineData("tseq-", "Persistent sequential with TTL", 3600L)]
    public async Task CreateEditDelete_EachMode_ChecksOnTheEnsemble(string name, string modeLabel, long? ttlSeconds)
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var parent = scope.Chroot + "/modes";
        await scope.Root.CreateAsync(parent, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await using var observer = await OpsPage.ObserverAsync(app.Ensemble.ConnectString);
        var sequential = name.EndsWith('-');
        var ephemeral = modeLabel.StartsWith("Ephemeral", StringComparison.Ordinal);

        // Create through the dialog; the page opens the new node.
        var page = await OpsPage.OpenAsync(app, parent);
        var dialog = await OpsPage.FillCreateAsync(page, name, modeLabel, $"v0 of {modeLabel}", ttlSeconds);
        if (sequential)
        {
            await Expect(dialog).ToContainTextAsync("0000000001 (the server appends a counter)");
        }

        await OpsPage.DialogButton(dialog, "Create").ClickAsync();
        await OpsPage.WaitForNoDialogAsync(page);
        var title = page.Locator("#zk-node-title");
        var expectedName = sequential ? "^" + Regex.Escape(name) + @"\d{10}$" : "^" + Regex.Escape(name) + "$";
        await Expect(title).ToHaveTextAsync(new Regex(expectedName), OpsPage.SlowHave);
        var created = await title.InnerTextAsync();
        var path = parent + "/" + created;

        var (data, stat) = await observer.GetDataAsync(path);
        Assert.Equal($"v0 of {modeLabel}", Encoding.UTF8.GetString(data));
        Assert.Equal(0, stat.Version);
        var sessionId = app.Server.Services.GetRequiredService<IEnsembleSessions>().GetStatus(SandboxAppFixture.EnsembleName).SessionId;
        if (ephemeral)
        {
            // Owned by the dashboard's own session, and the page says whose it is.
            Assert.Equal(sessionId, stat.EphemeralOwner);
            await Expect(page.Locator(".zk-pill-eph")).ToHaveAttributeAsync("title", new Regex($"0x{sessionId:x}$"));
            await Expect(page.Button("Create child")).ToBeDisabledAsync();
        }
        else
        {
            Assert.Equal(0, stat.EphemeralOwner);
        }

        // ZooKeeper does not report container/TTL modes: the page says how this node was created here.
        var marker = page.Locator(".zk-pill-created");
        switch (modeLabel)
        {
            case "Container":
                await Expect(marker).ToHaveTextAsync("created here as container");
                break;
            case "Persistent with TTL" or "Persistent sequential with TTL":
                await Expect(marker).ToHaveTextAsync("created here as TTL 60 min");
                break;
            default:
                await Expect(marker).ToHaveCountAsync(0);
                break;
        }

        if (name == "ttl")
        {
            await page.SaveScreenshotAsync("ops-mode-ttl-node");
        }

        // Edit: the save carries the version the edit started from.
        await page.Button("Edit data").ClickAsync();
        await Expect(page.GetByText("editing version 0")).ToBeVisibleAsync();
        await OpsPage.Editor(page).FillAsync($"v1 of {modeLabel}");
        await page.Button("Save").ClickAsync();
        await Expect(OpsPage.SavedMessage(page, 1)).ToBeVisibleAsync(OpsPage.Slow);
        (data, stat) = await observer.GetDataAsync(path);
        Assert.Equal($"v1 of {modeLabel}", Encoding.UTF8.GetString(data));
        Assert.Equal(1, stat.Version);
        if (ephemeral)
        {
            Assert.Equal(sessionId, stat.EphemeralOwner);
        }

        // The marker survives the edit (same node, same czxid).
        if (modeLabel is "Container" or "Persistent with TTL" or "Persistent sequential with TTL")
        {
            await Expect(marker).ToHaveCountAsync(1);
        }

        // Delete, versioned: the confirmation names the version, and the parent opens afterwards.
        await page.Button("Delete").ClickAsync();
        var confirm = OpsPage.Dialog(page);
        await Expect(confirm).ToContainTextAsync($"Delete {path} (version 1)?", OpsPage.SlowText);
        await OpsPage.DialogButton(confirm, "Delete").ClickAsync();
        await OpsPage.WaitForNoDialogAsync(page);
        Assert.Null(await observer.ExistsAsync(path));
        await Expect(title).ToHaveTextAsync("modes", OpsPage.SlowHave);
        Assert.Empty((await observer.GetChildrenAsync(parent)).Children);
        await app.CloseContextsAsync();
    }
}
