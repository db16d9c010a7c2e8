using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Audit;
using ZkDashboard.E2E.Explorer;
using ZkDashboard.E2E.Infrastructure;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Operations;

/// <summary>The node operations (create in every mode, edit with conflicts, recursive delete, ACL edit) against a real ensemble.</summary>
[Collection(SandboxE2ECollection.Name)]
public sealed class OperationsTests(SandboxAppFixture app)
{
    [Fact]
    public async Task CreateChild_EveryMode_NodesExistOnTheEnsemble()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var root = scope.Chroot;
        await scope.Root.CreateAsync(root + "/modes", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        var parent = root + "/modes";
        await using var external = await OpsPage.ObserverAsync(app.Ensemble.ConnectString);

        var modes = new (string Name, string Label, long? Ttl)[]
        {
            ("persistent", "Persistent", null),
            ("ephemeral", "Ephemeral", null),
            ("seq-", "Persistent sequential", null),
            ("eseq-", "Ephemeral sequential", null),
            ("container", "Container", null),
            ("ttl", "Persistent with TTL", 3600),
            ("ttlseq-", "Persistent sequential with TTL", 3600),
        };
        var page = await OpsPage.OpenAsync(app, parent);
        foreach (var (name, label, ttl) in modes)
        {
            var dialog = await OpsPage.FillCreateAsync(page, name, label, $"data of {label}", ttl);
            if (name == "ephemeral")
            {
                await Expect(dialog.GetByRole(AriaRole.Note)).ToContainTextAsync("lives only as long as the dashboard's session");
            }

            if (name == "persistent")
            {
                await page.SaveScreenshotAsync("ops-create-dialog");
            }

            await dialog.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0, new() { Timeout = 30_000 });
            // The page opens the new node.
            await Expect(page.Locator("#zk-node-title")).ToHaveTextAsync(new Regex("^" + Regex.Escape(name)), new() { Timeout = 30_000 });
            await page.GotoAndWaitForInteractiveAsync(ExplorerLink.To(parent));
            await Expect(page.Button("Create child")).ToBeEnabledAsync(new() { Timeout = 30_000 });
        }

        var children = (await external.GetChildrenAsync(parent)).Children;
        Assert.Equal(7, children.Count);
        foreach (var (name, label, _) in modes)
        {
            var child = Assert.Single(children, c => name.EndsWith('-') ? Regex.IsMatch(c, "^" + Regex.Escape(name) + @"\d{10}$") : c == name);
            var (data, stat) = await external.GetDataAsync(parent + "/" + child);
            Assert.Equal($"data of {label}", Encoding.UTF8.GetString(data));
            Assert.Equal(label.StartsWith("Ephemeral", StringComparison.Ordinal), stat.EphemeralOwner != 0);
        }

        // The page says how a container/TTL node was created (ZooKeeper does not report it).
        await page.GotoAndWaitForInteractiveAsync(ExplorerLink.To(parent + "/ttl"));
        await Expect(page.Locator(".zk-pill-created")).ToContainTextAsync("TTL", new() { Timeout = 30_000 });

        // A bad name is refused before anything is sent, naming the character.
        await page.GotoAndWaitForInteractiveAsync(ExplorerLink.To(parent));
        await Expect(page.Button("Create child")).ToBeEnabledAsync(new() { Timeout = 30_000 });
        var bad = await OpsPage.FillCreateAsync(page, "a\u0001b", "Persistent", "x");
        await Expect(bad.GetByText("U+0001")).ToBeVisibleAsync();
        await Expect(bad.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true })).ToBeDisabledAsync();
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task SaveData_ConcurrentExternalWrite_ConflictDialogThenOverwrite()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var path = scope.Chroot + "/conf";
        await scope.Root.CreateAsync(path, "{\"a\": 1}"u8.ToArray(), Acls.OpenUnsafe);
        await using var external = await OpsPage.ObserverAsync(app.Ensemble.ConnectString);

        var page = await OpsPage.OpenAsync(app, path);
        await page.Button("Edit data").ClickAsync();
        var editor = page.GetByLabel("Edit node data", new() { Exact = true });
        await editor.FillAsync("{\"a\": 2, \"mine\": true}");
        await Expect(page.GetByText("Unsaved changes")).ToBeVisibleAsync();

        // Invalid JSON is refused where it is wrong until explicitly accepted.
        await editor.FillAsync("{\"a\": ");
        await Expect(page.GetByText(new Regex("Invalid JSON"))).ToBeVisibleAsync();
        await editor.FillAsync("{\"a\": 2, \"mine\": true}");

        await external.SetDataAsync(path, "{\"a\": 1, \"theirs\": true}"u8.ToArray());
        await Expect(page.GetByText("This node changed on the server while you were editing.")).ToBeVisibleAsync(OpsPage.Slow);

        await page.Button("Save").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Someone else changed this node" });
        await Expect(dialog).ToBeVisibleAsync(OpsPage.Slow);
        await Expect(dialog).ToContainTextAsync("theirs");
        await Expect(dialog).ToContainTextAsync("mine");
        await page.SaveScreenshotAsync("ops-conflict-dialog");

        await dialog.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Overwrite with mine") }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        var (data, stat) = await external.GetDataAsync(path);
        Assert.Equal("{\"a\": 2, \"mine\": true}", Encoding.UTF8.GetString(data));
        Assert.Equal(2, stat.Version);

        // Delete (no children): confirmation, versioned, then the parent opens.
        await page.Button("Delete").ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog);
        await Expect(confirm).ToContainTextAsync("version 2", OpsPage.SlowText);
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        Assert.Null(await external.ExistsAsync(path));
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task SaveData_WithAReason_TheDurableAuditRecordCarriesItWithBeforeAndAfter()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var path = scope.Chroot + "/reasoned";
        await scope.Root.CreateAsync(path, "v0"u8.ToArray(), Acls.OpenUnsafe);

        var page = await OpsPage.OpenAsync(app, path);
        await page.Button("Edit data").ClickAsync();
        await page.GetByLabel("Edit node data", new() { Exact = true }).FillAsync("v1");
        await page.GetByLabel("Reason for the change").FillAsync("rotate the key, ticket OPS-42");
        await page.Button("Save").ClickAsync();
        await Expect(OpsPage.SavedMessage(page, 1)).ToBeVisibleAsync(OpsPage.Slow);

        var trail = app.Server.Services.GetRequiredService<IAuditTrail>();
        AuditEntry? record = null;
        await foreach (var e in trail.QueryAsync(ActingUser.System, new AuditQuery { PathGlob = path, Operation = nameof(ZkOperationKind.SetData), Limit = 1 }))
        {
            record = e;
        }
        Assert.NotNull(record);
        Assert.Equal(AuditOutcome.Succeeded, record.Outcome);
        Assert.Equal("rotate the key, ticket OPS-42", record.Reason);
        Assert.Equal("v0", Encoding.UTF8.GetString(record.DataBefore!));
        Assert.Equal("v1", Encoding.UTF8.GetString(record.DataAfter!));
        Assert.Equal(1, record.ResultVersion);
        Assert.Equal(app.Admin!.Name, record.User);
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task CreateAndDelete_WithAReason_TheAuditRecordsCarryIt()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var parent = scope.Chroot + "/why";
        await scope.Root.CreateAsync(parent, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await using var observer = await OpsPage.ObserverAsync(app.Ensemble.ConnectString);
        var path = parent + "/flag";

        var page = await OpsPage.OpenAsync(app, parent);
        var dialog = await OpsPage.FillCreateAsync(page, "flag", "Persistent", "on", null);
        await dialog.GetByLabel("Reason").FillAsync("feature flag for OPS-7");
        await OpsPage.DialogButton(dialog, "Create").ClickAsync();
        await OpsPage.WaitForNoDialogAsync(page);
        await Expect(page.Locator("#zk-node-title")).ToHaveTextAsync("flag", OpsPage.SlowHave);
        Assert.NotNull(await observer.ExistsAsync(path));

        await page.Button("Delete").ClickAsync();
        var confirm = OpsPage.Dialog(page);
        await Expect(confirm).ToContainTextAsync($"Delete {path} (version 0)?", OpsPage.SlowText);
        await confirm.GetByLabel("Reason").FillAsync("flag retired, OPS-8");
        await OpsPage.DialogButton(confirm, "Delete").ClickAsync();
        await OpsPage.WaitForNoDialogAsync(page);
        Assert.Null(await observer.ExistsAsync(path));

        var trail = app.Server.Services.GetRequiredService<IAuditTrail>();
        foreach (var (operation, reason) in new[] { (ZkOperationKind.Create, "feature flag for OPS-7"), (ZkOperationKind.Delete, "flag retired, OPS-8") })
        {
            AuditEntry? record = null;
            await foreach (var e in trail.QueryAsync(ActingUser.System, new AuditQuery { PathGlob = path, Operation = operation.ToString(), Limit = 1 }))
            {
                record = e;
            }
            Assert.NotNull(record);
            Assert.Equal(AuditOutcome.Succeeded, record.Outcome);
            Assert.Equal(reason, record.Reason);
            Assert.Equal(app.Admin!.Name, record.User);
        }
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task RecursiveDelete_TypedConfirmation_DeletesWholeSubtree()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var tree = scope.Chroot + "/tree";
        await scope.Root.CreateAsync(tree, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        for (var i = 0; i < 20; i++)
        {
            await scope.Root.CreateAsync($"{tree}/c{i:00}", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
            await scope.Root.CreateAsync($"{tree}/c{i:00}/leaf", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        }

        await using var external = await OpsPage.ObserverAsync(app.Ensemble.ConnectString);
        var page = await OpsPage.OpenAsync(app, tree);
        await page.Button("Delete").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("41 nodes", OpsPage.SlowText);
        var go = dialog.GetByRole(AriaRole.Button, new() { Name = "Delete everything", Exact = true });
        await Expect(go).ToBeDisabledAsync();
        await dialog.GetByLabel(new Regex("^Type the node's name")).FillAsync("tree");
        await Expect(go).ToBeEnabledAsync();
        await page.SaveScreenshotAsync("ops-recursive-delete");
        await go.ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Close", Exact = true })).ToBeVisibleAsync(OpsPage.Slow);
        await Expect(dialog.Locator(".zk-na-alert")).ToContainTextAsync("41", OpsPage.SlowText);
        await page.SaveScreenshotAsync("ops-recursive-delete-done");
        Assert.Null(await external.ExistsAsync(tree));
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task EditAcl_DigestHelper_AddsDigestEntry()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var path = scope.Chroot + "/acl";
        await scope.Root.CreateAsync(path, "x"u8.ToArray(), Acls.OpenUnsafe);
        await using var external = await OpsPage.ObserverAsync(app.Ensemble.ConnectString);

        var page = await OpsPage.OpenAsync(app, path);
        await OpsPage.AddDigestEntryAsync(page, "alice", "s3cret");
        await page.Button("Save ACL").ClickAsync();
        await Expect(page.GetByText(new Regex("ACL of .* saved")).First).ToBeVisibleAsync(OpsPage.Slow);

        var expectedId = "alice:" + Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes("alice:s3cret")));
        var (acl, stat) = await external.GetAclAsync(path);
        Assert.Contains(acl, a => a.Id.Scheme == "digest" && a.Id.Ident == expectedId);
        Assert.Contains(acl, a => a.Id.Scheme == "world" && a.Id.Ident == "anyone");
        Assert.Equal(1, stat.Aversion);
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task EditAcl_LockingTheDashboardOut_WarnsAndNeedsExplicitConsent()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var path = scope.Chroot + "/guarded";
        await scope.Root.CreateAsync(path, "x"u8.ToArray(), Acls.OpenUnsafe);
        await using var external = await OpsPage.ObserverAsync(app.Ensemble.ConnectString);

        var page = await OpsPage.OpenAsync(app, path);
        await OpsPage.AddDigestEntryAsync(page, "alice", "s3cret");
        var save = page.Button("Save ACL");
        var warning = page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "This ACL would lock the dashboard out." });
        await Expect(warning).ToHaveCountAsync(0);

        // Only alice left: the dashboard (no credentials) could no longer read or administer the node.
        await page.Button("Remove entry 1").ClickAsync();
        await Expect(warning).ToBeVisibleAsync();
        await Expect(save).ToBeDisabledAsync();
        await page.SaveScreenshotAsync("ops-acl-lockout-warning");
        var (unchanged, before) = await external.GetAclAsync(path);
        Assert.Equal(0, before.Aversion);
        Assert.Contains(unchanged, a => a.Id.Scheme == "world");

        await warning.GetByLabel("I understand; save it anyway").CheckAsync();
        await Expect(save).ToBeEnabledAsync();
        await save.ClickAsync();
        await Expect(page.GetByText(new Regex("ACL of .* saved")).First).ToBeVisibleAsync(OpsPage.Slow);
        // Only alice may now even read the ACL: a client without credentials is refused, alice's is not.
        await Assert.ThrowsAsync<NoAuthException>(() => external.GetAclAsync(path));
        await external.AddAuthAsync("digest", Encoding.UTF8.GetBytes("alice:s3cret"));
        var (acl, stat) = await external.GetAclAsync(path);
        var only = Assert.Single(acl);
        Assert.Equal("digest", only.Id.Scheme);
        Assert.StartsWith("alice:", only.Id.Ident, StringComparison.Ordinal);
        Assert.Equal(1, stat.Aversion);
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task MoveSubtree_DryRunThenMove_SubtreeAtNewPath()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var source = scope.Chroot + "/old";
        await scope.Root.CreateAsync(source, "root"u8.ToArray(), Acls.OpenUnsafe);
        await scope.Root.CreateAsync(source + "/a", "child"u8.ToArray(), Acls.OpenUnsafe);
        await using var external = await OpsPage.ObserverAsync(app.Ensemble.ConnectString);

        var page = await OpsPage.OpenAsync(app, source);
        await page.Button("Copy / move").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Target path").FillAsync(scope.Chroot + "/new");
        var move = dialog.GetByRole(AriaRole.Button, new() { Name = "Move", Exact = true });
        await Expect(move).ToBeDisabledAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Dry run", Exact = true }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Status).Filter(new() { HasTextRegex = new Regex(@"^Dry run: 2 node\(s\) would be moved") })).ToBeVisibleAsync(OpsPage.Slow);
        await Expect(move).ToBeEnabledAsync();
        await move.ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Close", Exact = true })).ToBeVisibleAsync(OpsPage.Slow);
        Assert.Null(await external.ExistsAsync(source));
        var (data, _) = await external.GetDataAsync(scope.Chroot + "/new/a");
        Assert.Equal("child", Encoding.UTF8.GetString(data));
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task HostileNameAndData_RenderedAsText_NoScriptRuns()
    {
        const string Hostile = "<img src=x onerror=alert(1)>";
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var parent = scope.Chroot + "/host";
        await scope.Root.CreateAsync(parent, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await using var external = await OpsPage.ObserverAsync(app.Ensemble.ConnectString);

        var page = await OpsPage.OpenAsync(app, parent);
        var dialogs = 0;
        page.Dialog += (_, d) =>
        {
            Interlocked.Increment(ref dialogs);
            _ = d.DismissAsync();
        };

        var create = await OpsPage.FillCreateAsync(page, Hostile, "Persistent", Hostile);
        await create.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
        await Expect(page.Locator(".rz-notification")).ToContainTextAsync(Hostile, OpsPage.SlowText);
        await Expect(page.Locator("#zk-node-title")).ToHaveTextAsync(Hostile, new() { Timeout = 30_000 });
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Node data" })).ToContainTextAsync(Hostile, OpsPage.SlowText);

        await page.Button("Edit data").ClickAsync();
        var editor = page.GetByLabel("Edit node data", new() { Exact = true });
        await Expect(editor).ToHaveValueAsync(Hostile);
        await editor.FillAsync(Hostile + Hostile);
        await page.Button("Save").ClickAsync();
        await Expect(page.GetByText(new Regex("^Saved .* \\(version 1\\)\\.$")).First).ToBeVisibleAsync(OpsPage.Slow);

        var (data, _) = await external.GetDataAsync(parent + "/" + Hostile);
        Assert.Equal(Hostile + Hostile, Encoding.UTF8.GetString(data));
        Assert.Equal(0, await page.Locator("img[src='x']").CountAsync());
        Assert.Equal(0, Volatile.Read(ref dialogs));
        await app.CloseContextsAsync();
    }
}
