using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Audit;
using ZkDashboard.Core.Tracking;
using ZkDashboard.E2E.Infrastructure;
using ZkDashboard.E2E.Operations;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Explorer;

/// <summary>
/// The History tab on a tracked node: versions by an outside client, "Restore this version" (a versioned write,
/// audited with a link to the version), and the conflict path (the node changed after the restore dialog opened:
/// the conflict diff is shown and nothing is overwritten). The app is this test's own, with the node's subtree tracked
/// and the app's durable audit trail.
/// </summary>
[Collection(SandboxE2ECollection.Name)]
public sealed class NodeHistoryTests(SandboxAppFixture app)
{
    private async Task<WebAppServer> StartAsync(string trackedRoot)
    {
        var settings = AppSettings.Ensembles((SandboxAppFixture.EnsembleName, app.Ensemble.ConnectString));
        settings["ZkDashboard:Tracking:Subtrees:0:Ensemble"] = SandboxAppFixture.EnsembleName;
        settings["ZkDashboard:Tracking:Subtrees:0:Glob"] = trackedRoot + "/**";
        return await WebAppServer.StartAsync(settings, 0, configureServices: null);
    }

    /// <summary>The newest record of <paramref name="operation"/> on <paramref name="path"/> in the app's durable audit trail.</summary>
    private static async Task<AuditEntry> LastAuditAsync(WebAppServer server, string path, string operation)
    {
        var trail = server.Services.GetRequiredService<IAuditTrail>();
        await foreach (var e in trail.QueryAsync(ActingUser.System, new AuditQuery { PathGlob = path, Operation = operation, Limit = 1 }))
        {
            return e;
        }
        throw new Xunit.Sdk.XunitException($"no {operation} record for {path} in the audit trail");
    }

    private static async Task WaitForVersionAsync(WebAppServer server, string path, int version)
    {
        var history = server.Services.GetRequiredService<INodeHistory>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var h = await history.GetHistoryAsync(ActingUser.System, SandboxAppFixture.EnsembleName, path);
            if (h.Versions.Any(v => v.Version == version && v.TrackedId is not null))
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"version {version} of {path} was not recorded within 30 s");
            await Task.Delay(50);
        }
    }

    private static async Task<IPage> OpenHistoryAsync(SandboxAppFixture app, WebAppServer server, string path)
    {
        var context = await app.NewContextAsync(server.BaseUrl);
        var page = await context.NewPageAsync();
        await page.GotoAndWaitForInteractiveAsync(ExplorerLink.To(path));
        await OpsPage.WaitForNodeAsync(page, path);
        await page.GetByRole(AriaRole.Tab, new() { Name = "History" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = $"Versions of {path}" })).ToBeVisibleAsync(OpsPage.Slow);
        return page;
    }

    [Fact]
    public async Task HistoryTab_RestoreAnOldVersion_WrittenBackVersionedAndLinkedToIt()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var path = scope.Chroot + "/app.json";
        await scope.Root.CreateAsync(path, "{\"limit\": 10}"u8.ToArray(), Acls.OpenUnsafe);
        var server = await StartAsync(scope.Chroot);
        await using var _ = server;
        await WaitForVersionAsync(server, path, 0);
        await scope.Root.SetDataAsync(path, "{\"limit\": 99}"u8.ToArray(), 0);
        await WaitForVersionAsync(server, path, 1);

        var page = await OpenHistoryAsync(app, server, path);
        var table = page.GetByRole(AriaRole.Table, new() { Name = $"Versions of {path}" });
        await Expect(table.GetByRole(AriaRole.Row)).ToHaveCountAsync(3, new() { Timeout = 30_000 }); // header + 2 versions
        await Expect(table).ToContainTextAsync("outside the dashboard");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Differences between version 0 and version 1" })).ToContainTextAsync("99");
        await page.SaveScreenshotAsync("history-tab");

        await page.GetByRole(AriaRole.Button, new() { Name = "Restore version 0" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = $"Restore version 0 of {path}" });
        await Expect(dialog).ToBeVisibleAsync(OpsPage.Slow);
        await Expect(dialog).ToContainTextAsync("if it is still at version 1");
        await dialog.GetByLabel("Reason for the restore").FillAsync("the limit of 99 broke checkout");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Restore", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Restored version 0" })).ToBeVisibleAsync(OpsPage.Slow);

        var (data, stat) = await scope.Root.GetDataAsync(path);
        Assert.Equal("{\"limit\": 10}", Encoding.UTF8.GetString(data));
        Assert.Equal(2, stat.Version);
        var record = await LastAuditAsync(server, path, nameof(ZkOperationKind.SetData));
        Assert.Equal(AuditOutcome.Succeeded, record.Outcome);
        Assert.Equal(2, record.ResultVersion);
        Assert.NotNull(record.LinkedNodeVersionId);
        Assert.Contains("restore of version 0", record.Reason, StringComparison.Ordinal);
        Assert.Contains("the limit of 99 broke checkout", record.Reason, StringComparison.Ordinal);
        // The new version appears with who and why.
        await Expect(table.GetByRole(AriaRole.Row)).ToHaveCountAsync(4, new() { Timeout = 30_000 });
        await Expect(table.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync("the limit of 99 broke checkout", OpsPage.SlowText);
        await Expect(table.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync(app.Admin!.Name);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Restore_NodeChangedAfterTheDialogOpened_ConflictDiffShownAndNothingOverwritten()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var path = scope.Chroot + "/flags";
        await scope.Root.CreateAsync(path, "old"u8.ToArray(), Acls.OpenUnsafe);
        var server = await StartAsync(scope.Chroot);
        await using var _ = server;
        await WaitForVersionAsync(server, path, 0);
        await scope.Root.SetDataAsync(path, "new"u8.ToArray(), 0);
        await WaitForVersionAsync(server, path, 1);

        var page = await OpenHistoryAsync(app, server, path);
        await page.GetByRole(AriaRole.Button, new() { Name = "Restore version 0" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("if it is still at version 1", OpsPage.SlowText);

        // Someone else (kazoo) changes the node while the dialog is open.
        const string script = """
            import sys
            from kazoo.client import KazooClient
            zk = KazooClient(hosts=sys.argv[1])
            zk.start(timeout=30)
            print(zk.set(sys.argv[2], b"theirs").version)
            zk.stop()
            """;
        var kazoo = await PeerClients.KazooAsync(script, app.Ensemble.ConnectString, path);
        Assert.True(kazoo.ExitCode == 0, kazoo.ToString());
        Assert.Equal("2", kazoo.StdOut.Trim());

        await dialog.GetByRole(AriaRole.Button, new() { Name = "Restore", Exact = true }).ClickAsync();
        var conflict = page.GetByRole(AriaRole.Dialog, new() { Name = "The node changed since you opened it" });
        await Expect(conflict).ToBeVisibleAsync(OpsPage.Slow);
        await Expect(conflict).ToContainTextAsync("Nothing was written");
        await Expect(conflict.GetByRole(AriaRole.Region, new() { Name = "Differences between the server and the version to restore" })).ToContainTextAsync("theirs");
        await page.SaveScreenshotAsync("history-restore-conflict");
        var (data, stat) = await scope.Root.GetDataAsync(path);
        Assert.Equal("theirs", Encoding.UTF8.GetString(data));
        Assert.Equal(2, stat.Version);
        Assert.Equal(AuditOutcome.Failed, (await LastAuditAsync(server, path, nameof(ZkOperationKind.SetData))).Outcome);

        await conflict.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        (data, stat) = await scope.Root.GetDataAsync(path);
        Assert.Equal("theirs", Encoding.UTF8.GetString(data));
        Assert.Equal(2, stat.Version);
        await page.Context.CloseAsync();
    }
}
