using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ZkDashboard.Core.Access;
using ZkDashboard.E2E.Explorer;
using ZkDashboard.E2E.Infrastructure;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Auth;

/// <summary>
/// Roles in Chromium on a real sandbox: a viewer sees no enabled write control anywhere and is told why; an operator
/// sees the write controls; a forged click (a disabled button re-enabled in the DOM) and forged hub calls (SignalR by
/// hand with a viewer's cookie) are refused by the Core service, change nothing on the ensemble, and are audited.
/// Each test runs its own app on the collection's ensemble, with role bindings for its own root and an audit capture.
/// </summary>
[Collection(SandboxE2ECollection.Name)]
public sealed class RoleAccessTests(SandboxAppFixture app) : IAsyncLifetime
{
    private const string Ensemble = SandboxAppFixture.EnsembleName;
    private const string Viewers = "e2e-viewers";
    private const string Operators = "e2e-operators";
    private const string Scoped = "e2e-scoped";
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 30_000 };

    private readonly AuditCapture audit = new();
    private readonly string root = ExplorerLink.NewRoot();
    private readonly List<IBrowserContext> contexts = [];
    private ChrootScope scope = null!;
    private WebAppServer server = null!;

    private string Node => root + "/node";

    public async Task InitializeAsync()
    {
        scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, root);
        await scope.Root.CreateAsync(Node, Encoding.UTF8.GetBytes("v1"), Acls.OpenUnsafe);
        await scope.Root.CreateAsync(Node + "/child", Encoding.UTF8.GetBytes("c"), Acls.OpenUnsafe);
        await scope.Root.CreateAsync(root + "/pub", Encoding.UTF8.GetBytes("p"), Acls.OpenUnsafe);
        await scope.Root.CreateAsync(root + "/secret", Encoding.UTF8.GetBytes("s"), Acls.OpenUnsafe);

        // Binding 0 (root appsettings.json) keeps local admins admin; these add the roles under test.
        var settings = AppSettings.Ensembles((Ensemble, app.Ensemble.ConnectString));
        AddBinding(settings, 1, "group:" + Viewers, AccessRole.Viewer, "*", "/**");
        AddBinding(settings, 2, "group:" + Operators, AccessRole.Operator, Ensemble, "/**");
        AddBinding(settings, 3, "group:" + Scoped, AccessRole.Viewer, Ensemble, root + "/pub/**");
        settings["ZkDashboard:Health:DisabledRules:0"] = "LeaderElection";
        // Writes go through each person's own ZooKeeper session (their digest); reads and the checks above are unaffected.
        settings["ZkDashboard:Ensembles:0:ActAsUser"] = "true";
        server = await WebAppServer.StartAsync(settings, 0, audit.Register);
    }

    public async Task DisposeAsync()
    {
        foreach (var context in contexts)
        {
            await context.CloseAsync();
        }
        await server.DisposeAsync();
        await scope.DisposeAsync();
    }

    [Fact]
    public async Task Viewer_SeesNoEnabledWriteControlAnywhere_AndTheReason()
    {
        var (page, viewer) = await SignedInPageAsync(Viewers);

        // Explorer: node actions, data editor, ACL editor (create, edit/save, delete incl. recursive, copy/move/rename, ACL edit).
        await OpenNodeAsync(page, Node);
        var note = page.Role(AriaRole.Note, "Access");
        await Expect(note).ToBeVisibleAsync(Slow);
        await Expect(note).ToContainTextAsync($"Not allowed: create needs operator");
        await Expect(note).ToContainTextAsync($"no binding gives {viewer.Name} that — ask an admin");
        foreach (var name in new[] { "Create child", "Delete", "Copy / move", "Edit data" })
        {
            await Expect(page.Button(name)).ToBeDisabledAsync();
        }
        await Expect(page.Button("Create child")).ToHaveAttributeAsync("title", new Regex("^Not allowed: create needs operator"));
        await Expect(page.Button("Edit data")).ToHaveAttributeAsync("title", new Regex("^Not allowed: setData needs operator"));
        await Expect(page.Button("Copy / move")).ToHaveAttributeAsync("title", new Regex("^Not allowed: copyMove needs operator"));
        await page.GetByRole(AriaRole.Tab, new() { Name = "ACL" }).ClickAsync();
        await Expect(page.Button("Edit ACL")).ToBeDisabledAsync();
        await Expect(page.Button("Edit ACL")).ToHaveAttributeAsync("title", new Regex("^Not allowed: setAcl needs operator"));

        // The Del shortcut (recursive delete: the node has a child) says why instead of opening the delete dialog.
        await page.Locator("#zk-node-title").ClickAsync();
        await page.Keyboard.PressAsync("Delete");
        await Expect(page.Locator(".zk-na-status.bad")).ToContainTextAsync("Not allowed: delete needs operator");
        await Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);

        // Bulk jobs: a viewer has none to cancel.
        Assert.Empty(await page.Locator("button", new() { HasText = "Cancel job" }).AllAsync());

        // Health: 4lw console, watch details (wchc/wchp: 4lw), reconfig; each disabled with the reason beside it.
        await page.GotoAndWaitForInteractiveAsync($"e/{Ensemble}/health");
        await Expect(page.Labelled("Four-letter word")).ToBeVisibleAsync(Slow);
        await Expect(page.Locator("#console").GetByRole(AriaRole.Note)).ToContainTextAsync("Not allowed: fourLetterWords needs operator");
        await Expect(page.Locator("#console").GetByRole(AriaRole.Button, new() { Name = "Send" })).ToBeDisabledAsync();
        await Expect(page.Button("Watches by session (wchc)")).ToBeDisabledAsync();
        await Expect(page.Button("Watches by path (wchp)")).ToBeDisabledAsync();
        await Expect(page.Locator("#watches").GetByRole(AriaRole.Note, new() { Name = "Access" })).ToContainTextAsync("fourLetterWords needs operator");
        await Expect(page.Button("Check change")).ToBeDisabledAsync(new() { Timeout = 30_000 });
        await Expect(page.Locator("#config").GetByRole(AriaRole.Note, new() { Name = "Access" })).ToContainTextAsync("reconfig needs admin");
        // Alert acknowledge/silence buttons exist only for active alerts; any shown must be disabled.
        foreach (var button in await page.Locator("#alerts button").AllAsync())
        {
            await Expect(button).ToBeDisabledAsync();
        }

        // Admin pages: bindings (manageAccess) and local accounts.
        await page.GotoAndWaitForInteractiveAsync("admin/access");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("You may not manage access: manageAccess needs admin");
        await Expect(page.Button("Add binding")).ToHaveCountAsync(0);
        await page.GotoAndWaitForInteractiveAsync("admin/users");
        await Expect(page.Heading("No access")).ToBeVisibleAsync(Slow);
        await Expect(page.GetByText("Ask an admin if you need it.")).ToBeVisibleAsync();
        await Expect(page.Role(AriaRole.Navigation, "User menu").GetByRole(AriaRole.Link, new() { Name = "Users" })).ToHaveCountAsync(0);

        Assert.DoesNotContain(audit.Records, r => r.Operation.User.Name == viewer.Name && r.OperationName is null && r.Outcome == AuditOutcome.Succeeded && !r.Operation.IsRead); // node operations (sign-in records have an OperationName)
        await AssertNodeUnchangedAsync(Node + "/forged");
    }

    [Fact]
    public async Task Operator_SeesWriteControlsOnTheSandbox_ButNotReconfig()
    {
        var (page, _) = await SignedInPageAsync(Operators);

        await OpenNodeAsync(page, Node);
        foreach (var name in new[] { "Create child", "Delete", "Copy / move", "Edit data" })
        {
            await Expect(page.Button(name)).ToBeEnabledAsync(new() { Timeout = 30_000 });
        }
        await Expect(page.Role(AriaRole.Note, "Access")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Tab, new() { Name = "ACL" }).ClickAsync();
        await Expect(page.Button("Edit ACL")).ToBeEnabledAsync();

        await page.GotoAndWaitForInteractiveAsync($"e/{Ensemble}/health");
        await Expect(page.Labelled("Four-letter word")).ToBeVisibleAsync(Slow);
        await Expect(page.Locator("#console").GetByRole(AriaRole.Button, new() { Name = "Send" })).ToBeEnabledAsync();
        await Expect(page.Button("Watches by session (wchc)")).ToBeEnabledAsync();
        // Reconfig is admin-only: still disabled, with the reason.
        await Expect(page.Button("Check change")).ToBeDisabledAsync(new() { Timeout = 30_000 });
        await Expect(page.Locator("#config").GetByRole(AriaRole.Note, new() { Name = "Access" })).ToContainTextAsync("reconfig needs admin");
    }

    [Fact]
    public async Task ForgedClick_ReEnabledCreateButton_RefusedByTheServiceAndAudited_NodeUnchanged()
    {
        var (page, viewer) = await SignedInPageAsync(Viewers);
        await OpenNodeAsync(page, Node);
        await Expect(page.Role(AriaRole.Note, "Access")).ToBeVisibleAsync(Slow);
        var create = page.Button("Create child");
        await Expect(create).ToBeDisabledAsync();

        // Forge: re-enable the disabled button in the page's DOM and click it; then submit the dialog it opens.
        await create.EvaluateAsync("b => { b.removeAttribute('disabled'); b.classList.remove('rz-state-disabled'); }");
        await Expect(create).ToBeEnabledAsync();
        await create.ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToBeVisibleAsync(Slow);
        await dialog.GetByLabel("Name", new() { Exact = true }).FillAsync("forged");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();

        // The service refused: the page says so, the ensemble is unchanged, and the refusal is on record.
        await Expect(dialog).ToContainTextAsync($"{viewer.Name} may not Create {Node}/forged on ensemble '{Ensemble}': create needs operator", new() { Timeout = 30_000 });
        var record = await audit.WaitForAsync(r => r.Outcome == AuditOutcome.Denied && r.Operation.User.Name == viewer.Name
            && r.Operation.Kind == ZkOperationKind.Create && r.Operation.Path == Node + "/forged", "the refused forged create");
        Assert.Equal(Ensemble, record.Operation.Ensemble);
        Assert.Equal("local", record.Operation.User.Provider);
        await AssertNodeUnchangedAsync(Node + "/forged");
    }

    [Fact]
    public async Task ForgedHubCalls_WithAViewersCookie_RefusedAndAudited()
    {
        var (page, scoped) = await SignedInPageAsync(Scoped);
        var cookies = await page.Context.CookiesAsync();
        var cookieHeader = string.Join("; ", cookies.Select(c => $"{c.Name}={c.Value}"));
        await using var hub = await RawHubConnection.ConnectAsync(server.BaseUri, cookieHeader);

        // Allowed: a subscription where the binding grants read (the channel works, so the refusals below mean something).
        var (allowed, allowedError) = await hub.InvokeAsync("Subscribe", Ensemble, root + "/pub", "Data");
        Assert.Null(allowedError);
        Assert.Matches("^[0-9a-f]{32}$", allowed!.Value.GetString());

        // A subscription to a path the binding does not cover: refused with the policy's reason, and audited.
        var (secret, secretError) = await hub.InvokeAsync("Subscribe", Ensemble, root + "/secret", "Subtree");
        Assert.Null(secret);
        Assert.NotNull(secretError);
        Assert.Contains("watch needs viewer", secretError, StringComparison.Ordinal);
        await audit.WaitForAsync(r => r.Outcome == AuditOutcome.Denied && r.Operation.User.Name == scoped.Name
            && r.Operation.Kind == ZkOperationKind.Watch && r.Operation.Path == root + "/secret", "the refused hub subscription");

        // Writes: the hub has no write method at all; a forged one is an error and changes nothing.
        foreach (var target in new[] { "SetData", "Create", "Delete" })
        {
            var (result, error) = await hub.InvokeAsync(target, Ensemble, root + "/pub", "forged");
            Assert.Null(result);
            Assert.Contains(target, error, StringComparison.Ordinal);
        }
        var (data, _) = await scope.Root.GetDataAsync(root + "/pub");
        Assert.Equal("p", Encoding.UTF8.GetString(data));
        Assert.DoesNotContain(audit.Records, r => r.Operation.User.Name == scoped.Name && r.OperationName is null && !r.Operation.IsRead && r.Outcome == AuditOutcome.Succeeded);
    }

    [Fact]
    public async Task ActAsUser_OperatorWritesANodeGrantingHisIdentity_AnotherOperatorGetsNoAuth()
    {
        // The first operator learns his ZooKeeper identity (and, once, its password) on /account.
        var (page, owner) = await SignedInPageAsync(Operators);
        await page.GotoAndWaitForInteractiveAsync("account");
        var aclId = (await page.Labelled("Your ZooKeeper ACL id").TextContentAsync(new() { Timeout = 30_000 }))!.Trim();
        Assert.StartsWith($"digest:{owner.Name}:", aclId, StringComparison.Ordinal);
        await page.Button("Show my ZooKeeper password (once)").ClickAsync();
        var password = await page.Labelled("ZooKeeper password").InputValueAsync();
        Assert.Equal(aclId, "digest:" + DigestAuth.MakeDigestId(owner.Name, password));
        await page.GotoAndWaitForInteractiveAsync("account");
        await Expect(page.GetByText("was shown once already")).ToBeVisibleAsync(Slow);
        await Expect(page.Button("Show my ZooKeeper password (once)")).ToHaveCountAsync(0);
        Assert.DoesNotContain(server.Logs, l => l.Contains(password, StringComparison.Ordinal));

        // A node only he may change (everyone may read it).
        var owned = root + "/owned";
        await scope.Root.CreateAsync(owned, Encoding.UTF8.GetBytes("v0"),
            [new Acl(Perms.All, new Id("digest", aclId["digest:".Length..])), new Acl(Perms.Read, new Id("world", "anyone"))]);

        await OpenNodeAsync(page, owned);
        await page.Button("Edit data").ClickAsync();
        await page.GetByLabel("Edit node data", new() { Exact = true }).FillAsync("by the owner");
        await page.Button("Save").ClickAsync();
        await Expect(page.GetByText(new Regex("^Saved .* \\(version 1\\)\\.$")).First).ToBeVisibleAsync(Slow);

        // Another operator: the dashboard's policy allows setData, but ZooKeeper's ACL does not know him.
        var (other, intruder) = await SignedInPageAsync(Operators);
        await OpenNodeAsync(other, owned);
        await other.Button("Edit data").ClickAsync();
        await other.GetByLabel("Edit node data", new() { Exact = true }).FillAsync("by someone else");
        await other.Button("Save").ClickAsync();
        await Expect(other.GetByText(new Regex("\\(NoAuth\\)")).First).ToBeVisibleAsync(Slow);
        await Expect(other.GetByText(new Regex($"your own ZooKeeper identity digest:{Regex.Escape(intruder.Name)}")).First).ToBeVisibleAsync();

        var (data, stat) = await scope.Root.GetDataAsync(owned);
        Assert.Equal("by the owner", Encoding.UTF8.GetString(data));
        Assert.Equal(1, stat.Version);
        await audit.WaitForAsync(r => r.Operation.User.Name == intruder.Name && r.Operation.Kind == ZkOperationKind.SetData
            && r.Outcome == AuditOutcome.Failed && r.Operation.Path == owned, "the write ZooKeeper refused");
    }

    private static void AddBinding(Dictionary<string, string?> settings, int index, string subject, string role, string ensembles, string paths)
    {
        var key = $"{AccessOptions.SectionName}:Bindings:{index}:";
        settings[key + "Subject"] = subject;
        settings[key + "Role"] = role;
        settings[key + "Ensembles"] = ensembles;
        settings[key + "Paths"] = paths;
    }

    private async Task<(IPage Page, TestAccount Account)> SignedInPageAsync(string group)
    {
        var account = await SignIn.EnsureAccountAsync(server.Services, $"e2e-{group}-{Guid.NewGuid():N}"[..24], group);
        var context = await app.Browser.NewContextAsync(server.BaseUrl);
        contexts.Add(context);
        await SignIn.SignInAsync(context, account);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAndWaitForInteractiveAsync("");
        return (page, account);
    }

    private static async Task OpenNodeAsync(IPage page, string path)
    {
        await page.GotoAndWaitForInteractiveAsync(ExplorerLink.To(path, Ensemble));
        await Expect(page.Locator("#zk-node-title")).ToHaveTextAsync(path[(path.LastIndexOf('/') + 1)..], new() { Timeout = 30_000 });
    }

    /// <summary>Checks with kazoo (another client, synced with the leader) that <see cref="Node"/> still has its data and
    /// only its one child, and that <paramref name="forged"/> does not exist.</summary>
    private async Task AssertNodeUnchangedAsync(string forged)
    {
        const string script = """
            import sys
            from kazoo.client import KazooClient
            zk = KazooClient(hosts=sys.argv[1]); zk.start(timeout=30)
            zk.sync(sys.argv[2])
            data, stat = zk.get(sys.argv[2])
            print(data.decode() + "|" + str(stat.version) + "|" + ",".join(sorted(zk.get_children(sys.argv[2]))) + "|" + str(zk.exists(sys.argv[3]) is not None))
            zk.stop()
            """;
        var result = await PeerClients.KazooAsync(script, app.Ensemble.ConnectString, Node, forged);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("v1|0|child|False", result.StdOut.Trim());
    }
}
