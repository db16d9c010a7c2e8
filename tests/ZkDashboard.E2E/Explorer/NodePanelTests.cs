using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ZkDashboard.E2E.Infrastructure;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Explorer;

/// <summary>
/// The node panel told truthfully, against the real sandbox ensemble: the Stat tab field by field against
/// <c>zkCli stat</c>, another session's ephemerals (getEphemerals cannot answer: a bounded scan), NoAuth with the
/// credentials and the blocking ACL, TTL nodes created here, the live event log under a burst.
/// </summary>
[Collection(SandboxE2ECollection.Name)]
public sealed partial class NodePanelTests(SandboxAppFixture app)
{
    private const string Hostile = "<img src=x onerror=alert(1)>";
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 30_000 };
    private static readonly LocatorAssertionsToContainTextOptions SlowText = new() { Timeout = 30_000 };

    private static readonly string[] ZkCliStatNames =
        ["cZxid", "ctime", "mZxid", "mtime", "pZxid", "cversion", "dataVersion", "aclVersion", "ephemeralOwner", "dataLength", "numChildren"];

    [Fact]
    public async Task StatTab_EveryField_MatchesZkCliStat()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var node = scope.Chroot + "/stat";
        await scope.Root.CreateAsync(node, "first"u8.ToArray(), Acls.OpenUnsafe);
        await scope.Root.CreateAsync(node + "/a", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await scope.Root.CreateAsync(node + "/b", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await scope.Root.DeleteAsync(node + "/b");
        await scope.Root.SetDataAsync(node, Encoding.UTF8.GetBytes("second, longer"));
        await scope.Root.SetAclAsync(node, Acls.OpenUnsafe);
        await using var owner = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = app.Ensemble.ConnectString });
        var eph = node + "/a/eph";
        await owner.CreateAsync(eph, "e"u8.ToArray(), Acls.OpenUnsafe, CreateMode.Ephemeral);

        var page = await app.NewPageAsync(ExplorerLink.To(node));
        foreach (var path in new[] { node, eph })
        {
            if (path != node)
            {
                await page.GotoAndWaitForInteractiveAsync(ExplorerLink.To(path));
            }

            await Expect(page.Locator("#zk-node-title")).ToHaveTextAsync(path[(path.LastIndexOf('/') + 1)..], new() { Timeout = 30_000 });
            var cli = ParseZkCliStat(await PeerClients.ZkCliAsync(app.Ensemble.ConnectString, "stat " + path));
            await page.GetByRole(AriaRole.Tab, new() { Name = "Stat" }).ClickAsync();
            var table = page.GetByRole(AriaRole.Table, new() { Name = $"Stat of {path}", Exact = true });
            // The panel may have read a follower that was a moment behind: wait for the final data version.
            await Expect(table.Locator("tr", new() { Has = page.Locator("th", new() { HasTextString = "dataVersion" }) }).Locator("td"))
                .ToHaveTextAsync(cli["dataVersion"], new() { Timeout = 30_000 });
            var rows = await ReadStatRowsAsync(table);

            Assert.Equal(ZkCliStatNames, rows.Select(r => r.Name));
            foreach (var row in rows)
            {
                var expected = cli[row.Name];
                if (row.Name is "ctime" or "mtime")
                {
                    // zkCli prints Java's Date.toString() in the machine's zone; the panel shows UTC, local and an age.
                    Assert.Equal(JavaDateToUtcText(expected), row.Utc);
                    Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(UTC[+-]\d\d:\d\d\)$", row.Local);
                    Assert.Matches(@"^(just now|\d+ (s|min|h) ago)$", row.Age);
                }
                else
                {
                    Assert.True(expected == row.Value, $"{row.Name}: zkCli says '{expected}', the panel '{row.Value}'");
                }
            }

            Assert.Equal(path == eph ? $"0x{owner.SessionId:x}" : "0x0", rows.Single(r => r.Name == "ephemeralOwner").Value);
        }

        await page.SaveScreenshotAsync("explorer-stat-ephemeral");
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task BrowserInAnotherTimeZone_StatChildrenAndEventsShowTheViewersZone()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var node = scope.Chroot + "/tz";
        await scope.Root.CreateAsync(node, "x"u8.ToArray(), Acls.OpenUnsafe);
        var stat = await scope.Root.ExistsAsync(node) ?? throw new InvalidOperationException("just created");

        var context = await app.NewContextAsync(app.BaseUrl, timezoneId: "Asia/Tokyo");
        try
        {
            var page = await context.NewPageAsync();
            await page.GotoAndWaitForInteractiveAsync(ExplorerLink.To(node));
            await Expect(page.Locator("#zk-node-title")).ToHaveTextAsync("tz", new() { Timeout = 30_000 });
            await page.GetByRole(AriaRole.Tab, new() { Name = "Stat" }).ClickAsync();
            var ctime = StatValue(page, "ctime");
            var tokyo = DateTimeOffset.FromUnixTimeMilliseconds(stat.Ctime).ToOffset(TimeSpan.FromHours(9));
            await Expect(ctime.Locator(".zk-stat-local")).ToHaveTextAsync(
                tokyo.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " (UTC+09:00)", new() { Timeout = 30_000 });
            await Expect(ctime.Locator(".zk-stat-utc")).ToHaveTextAsync(
                DateTimeOffset.FromUnixTimeMilliseconds(stat.Ctime).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC");

            // The Children grid's Modified column and the event log are in the viewer's zone too.
            await scope.Root.CreateAsync(node + "/kid", "k"u8.ToArray(), Acls.OpenUnsafe);
            var kid = await scope.Root.ExistsAsync(node + "/kid") ?? throw new InvalidOperationException("just created");
            await page.GetByRole(AriaRole.Tab, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Children") }).ClickAsync();
            var modified = page.Locator(".zk-children tr", new() { HasText = "kid" }).Locator("time");
            await Expect(modified).ToHaveTextAsync(InTokyo(kid.Mtime, "yyyy-MM-dd HH:mm:ss"), new() { Timeout = 30_000 });

            await page.GetByRole(AriaRole.Tab, new() { Name = "Events" }).ClickAsync();
            await scope.Root.SetDataAsync(node, "y"u8.ToArray());
            var eventTime = page.Role(AriaRole.List, "Watch events").Locator("time.zk-event-time").First;
            await Expect(eventTime).ToBeVisibleAsync(new() { Timeout = 30_000 });
            var at = DateTimeOffset.Parse(await eventTime.GetAttributeAsync("datetime") ?? "", CultureInfo.InvariantCulture);
            await Expect(eventTime).ToHaveTextAsync(InTokyo(at.ToUnixTimeMilliseconds(), "HH:mm:ss.fff"));
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    private static string InTokyo(long epochMs, string format) =>
        DateTimeOffset.FromUnixTimeMilliseconds(epochMs).ToOffset(TimeSpan.FromHours(9)).ToString(format, CultureInfo.InvariantCulture);

    [Fact]
    public async Task EphemeralOwner_AnotherClientsSession_SaysSoAndScanFindsOnlyItsNodes()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var svc = scope.Chroot + "/svc";
        await scope.Root.CreateAsync(svc, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await scope.Root.CreateAsync(svc + "/deep", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await using var owner = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = app.Ensemble.ConnectString });
        await using var other = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = app.Ensemble.ConnectString });
        string[] mine = [svc + "/a", svc + "/b", svc + "/" + Hostile, svc + "/deep/c"];
        foreach (var path in mine)
        {
            await owner.CreateAsync(path, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe, CreateMode.Ephemeral);
        }

        await other.CreateAsync(svc + "/theirs", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe, CreateMode.Ephemeral);

        var page = await app.NewPageAsync(ExplorerLink.To(svc + "/a"));
        var dialogs = 0;
        page.Dialog += (_, d) => { Interlocked.Increment(ref dialogs); _ = d.DismissAsync(); };
        await Expect(page.Locator("#zk-node-title")).ToHaveTextAsync("a", new() { Timeout = 30_000 });
        // The tree marks ephemerals with their owner session, in hex.
        var tree = page.Role(AriaRole.Tree, "Nodes of sandbox");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "a", Exact = true }).Locator(".zk-badge-eph")).ToHaveTextAsync($"0x{owner.SessionId:x}");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "theirs", Exact = true }).Locator(".zk-badge-eph")).ToHaveTextAsync($"0x{other.SessionId:x}");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "deep", Exact = true }).Locator(".zk-badge-eph")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Stat" }).ClickAsync();
        await page.Button($"0x{owner.SessionId:x}").ClickAsync();

        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.GetByRole(AriaRole.Note)).ToContainTextAsync("belongs to another client");
        await Expect(dialog.GetByRole(AriaRole.Note)).ToContainTextAsync("getEphemerals");
        var scanUnder = dialog.GetByLabel("Scan under", new() { Exact = true });
        await Expect(scanUnder).ToHaveValueAsync(svc);

        // A bad scope is refused with what to do.
        await scanUnder.FillAsync("svc//x");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Scan for this session's ephemerals" }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("Not a valid path to scan");
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("Enter an absolute path");

        await scanUnder.FillAsync(svc);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Scan for this session's ephemerals" }).ClickAsync();
        var status = dialog.GetByRole(AriaRole.Status, new() { Name = "Scan progress" });
        await Expect(status).ToContainTextAsync($"Done: 4 ephemeral nodes of session 0x{owner.SessionId:x} under {svc}", SlowText);
        var list = dialog.GetByRole(AriaRole.List, new() { Name = "Ephemeral nodes" });
        var found = await list.GetByRole(AriaRole.Link).AllTextContentsAsync();
        Assert.Equal(mine.Order(StringComparer.Ordinal), found.Order(StringComparer.Ordinal));
        Assert.Equal(0, await page.Locator("img[src=x]").CountAsync());
        await page.SaveScreenshotAsync("explorer-ephemerals-scan");

        await list.GetByRole(AriaRole.Link, new() { Name = svc + "/deep/c", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Expect(page.Locator("#zk-node-title")).ToHaveTextAsync("c", new() { Timeout = 30_000 });
        Assert.Equal(0, Volatile.Read(ref dialogs));
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task EphemeralOwner_DashboardsOwnSession_ListedByGetEphemerals()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var parent = scope.Chroot + "/own";
        await scope.Root.CreateAsync(parent, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);

        var page = await app.NewPageAsync(ExplorerLink.To(parent));
        await Expect(page.Button("Create child")).ToBeEnabledAsync(new() { Timeout = 30_000 });
        foreach (var name in new[] { "mine-1", "mine-2" })
        {
            await page.Button("Create child").ClickAsync();
            var dialog = page.GetByRole(AriaRole.Dialog);
            await dialog.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
            await dialog.GetByLabel("Mode", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Ephemeral" });
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
            await Expect(page.Locator("#zk-node-title")).ToHaveTextAsync(name, new() { Timeout = 30_000 });
            if (name == "mine-1")
            {
                await page.GotoAndWaitForInteractiveAsync(ExplorerLink.To(parent));
                await Expect(page.Button("Create child")).ToBeEnabledAsync(new() { Timeout = 30_000 });
            }
        }

        await page.GetByRole(AriaRole.Tab, new() { Name = "Stat" }).ClickAsync();
        var ownerCell = StatValue(page, "ephemeralOwner");
        await ownerCell.GetByRole(AriaRole.Button).ClickAsync();
        var list = page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.List, new() { Name = "Ephemeral nodes" });
        await Expect(page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Status)).ToContainTextAsync("owned by the dashboard's session (from getEphemerals)", SlowText);
        await Expect(list.GetByRole(AriaRole.Link, new() { Name = parent + "/mine-1", Exact = true })).ToBeVisibleAsync();
        await Expect(list.GetByRole(AriaRole.Link, new() { Name = parent + "/mine-2", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Note)).ToHaveCountAsync(0);
        await list.GetByRole(AriaRole.Link, new() { Name = parent + "/mine-1", Exact = true }).ClickAsync();
        await Expect(page.Locator("#zk-node-title")).ToHaveTextAsync("mine-1", new() { Timeout = 30_000 });
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task NoAuthNode_NamesCredentialsAndBlockingAcl_AndLocksItsTreeRow()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var root = scope.Chroot;
        var alice = Id.Digest("alice", "secret");
        // world may administer (so getACL works) but not read: the ACL is readable and shown.
        await scope.Root.CreateAsync(root + "/locked", "secret"u8.ToArray(), [new Acl(Perms.All, alice), new Acl(Perms.Admin, Id.AnyoneUnsafe)]);
        // Nothing for world: not even the ACL can be read.
        await scope.Root.CreateAsync(root + "/sealed", "secret"u8.ToArray(), [new Acl(Perms.All, alice)]);

        var page = await app.NewPageAsync(ExplorerLink.To(root + "/locked"));
        var problem = page.Locator(".zk-node-problem");
        await Expect(problem).ToContainTextAsync("No permission to read this node (NoAuth)", SlowText);
        await Expect(problem).ToContainTextAsync("The dashboard's session for 'sandbox' uses no credentials (world/anyone only).");
        var acl = problem.GetByRole(AriaRole.Table, new() { Name = "Access control list" });
        await Expect(acl).ToContainTextAsync(alice.Ident);
        await Expect(acl).ToContainTextAsync("Admin");
        await Expect(problem).ToContainTextAsync("Configure credentials for this ensemble that one of the ACL entries below allows");
        var tree = page.Role(AriaRole.Tree, "Nodes of sandbox");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "locked", Exact = true }).Locator(".zk-badge-lock")).ToBeVisibleAsync(Slow);
        await page.SaveScreenshotAsync("explorer-noauth");

        await tree.GetByRole(AriaRole.Treeitem, new() { Name = "sealed", Exact = true }).ClickAsync();
        await Expect(problem).ToContainTextAsync("The node's ACL is not readable either", SlowText);
        await Expect(problem.GetByRole(AriaRole.Table)).ToHaveCountAsync(0);
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "sealed", Exact = true }).Locator(".zk-badge-lock")).ToBeVisibleAsync(Slow);
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task TtlNode_CreatedHere_ShowsTtlAndExpiry_ButNothingForOneCreatedElsewhere()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var root = scope.Chroot;
        await scope.Root.CreateAsync(root + "/t", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await scope.Root.CreateAsync(root + "/t/elsewhere", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe, CreateMode.PersistentWithTtl, ttl: 3_600_000);

        var page = await app.NewPageAsync(ExplorerLink.To(root + "/t"));
        await Expect(page.Button("Create child")).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await page.Button("Create child").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Name", new() { Exact = true }).FillAsync("lease");
        await dialog.GetByLabel("Mode", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Persistent with TTL" });
        await dialog.GetByLabel("TTL (seconds)").FillAsync("3600");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
        await Expect(page.Locator("#zk-node-title")).ToHaveTextAsync("lease", new() { Timeout = 30_000 });

        await Expect(page.Locator(".zk-pill-created")).ToHaveTextAsync("created here as TTL 60 min", new() { Timeout = 30_000 });
        var tree = page.Role(AriaRole.Tree, "Nodes of sandbox");
        await Expect(tree.GetByRole(AriaRole.Treeitem, new() { Name = "lease", Exact = true }).Locator(".zk-badge-created")).ToHaveTextAsync("TTL 60 min", new() { Timeout = 30_000 });
        await page.GetByRole(AriaRole.Tab, new() { Name = "Stat" }).ClickAsync();
        var ttl = StatValue(page, "ttl");
        await Expect(ttl).ToContainTextAsync("3600000 ms");
        await Expect(ttl).ToContainTextAsync("60 min");
        var expires = StatValue(page, "expires");
        await Expect(expires).ToContainTextAsync(new Regex(@"eligible to expire from \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \((in 59 min|in 1 h)\): 60 min after its last change, as it has no children"));
        await page.SaveScreenshotAsync("explorer-ttl-created-here");

        // With a child it cannot expire; the panel says so.
        await scope.Root.CreateAsync(root + "/t/lease/kid", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await page.GotoAndWaitForInteractiveAsync(ExplorerLink.To(root + "/t/lease"));
        await page.GetByRole(AriaRole.Tab, new() { Name = "Stat" }).ClickAsync();
        await Expect(StatValue(page, "expires")).ToContainTextAsync("not while it has children (it has 1 child)", SlowText);

        // A TTL node created by another client: ZooKeeper does not say it is one, so nothing is shown.
        await page.GotoAndWaitForInteractiveAsync(ExplorerLink.To(root + "/t/elsewhere"));
        await Expect(page.Locator("#zk-node-title")).ToHaveTextAsync("elsewhere", new() { Timeout = 30_000 });
        await page.GetByRole(AriaRole.Tab, new() { Name = "Stat" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = $"Stat of {root}/t/elsewhere", Exact = true }).Locator("tr")).ToHaveCountAsync(11);
        Assert.Equal(0, await page.Locator(".zk-pill-created").CountAsync());
        Assert.Equal(0, await tree.GetByRole(AriaRole.Treeitem, new() { Name = "elsewhere", Exact = true }).Locator(".zk-badge-created").CountAsync());
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task DataTab_EachFormat_DetectedWithViewsSizeAndCopy()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var root = scope.Chroot;
        var samples = new (string Name, byte[] Data, string Format)[]
        {
            ("json", Encoding.UTF8.GetBytes("{\"a\":1,\"b\":[true]}"), "JSON"),
            ("yaml", Encoding.UTF8.GetBytes("server:\n  port: 8080\n  hosts:\n    - a\n"), "YAML"),
            ("xml", Encoding.UTF8.GetBytes("<cfg><port>8080</port></cfg>"), "XML"),
            ("props", Encoding.UTF8.GetBytes("# c\nserver.port=8080\nname = demo\n"), "Properties"),
            ("text", Encoding.UTF8.GetBytes("just some words"), "Text (UTF-8)"),
            ("bin", [0x00, 0x01, 0x41, 0xFF, 0xFE], "Binary"),
        };
        foreach (var (name, data, _) in samples)
        {
            await scope.Root.CreateAsync(root + "/" + name, data, Acls.OpenUnsafe);
        }

        var page = await app.NewPageAsync(ExplorerLink.To(root + "/json"));
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        var section = page.GetByRole(AriaRole.Region, new() { Name = "Node data", Exact = true });
        foreach (var (name, data, format) in samples)
        {
            if (name != "json")
            {
                await page.Role(AriaRole.Tree, "Nodes of sandbox").GetByRole(AriaRole.Treeitem, new() { Name = name, Exact = true }).ClickAsync();
            }

            await Expect(page.Locator("#zk-node-title")).ToHaveTextAsync(name, new() { Timeout = 30_000 });
            await Expect(section.Locator(".zk-data-format")).ToHaveTextAsync(format, new() { Timeout = 30_000 });
            await Expect(section.Locator(".zk-data-size")).ToHaveTextAsync($"{data.Length} bytes");
            var views = section.GetByRole(AriaRole.Tablist, new() { Name = "Data view" }).GetByRole(AriaRole.Tab);
            await Expect(views).ToHaveTextAsync(format == "Binary" ? ["Hex", "Base64"] : ["Formatted", "Raw", "Hex", "Base64"]);
        }

        // Binary: a hex dump by default, base64 on demand, and the copy button copies the view shown.
        await Expect(section.GetByRole(AriaRole.Table, new() { Name = "Hex dump" })).ToContainTextAsync("00 01 41 ff fe");
        await section.GetByRole(AriaRole.Tab, new() { Name = "Base64" }).ClickAsync();
        await Expect(section.GetByRole(AriaRole.Tabpanel)).ToContainTextAsync(Convert.ToBase64String(samples[^1].Data));
        await section.GetByRole(AriaRole.Button, new() { Name = "Copy base64 view" }).ClickAsync();
        await Expect(section.GetByRole(AriaRole.Status)).ToHaveTextAsync("Copied");
        Assert.Equal(Convert.ToBase64String(samples[^1].Data), await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        // JSON: formatted (pretty-printed) and raw; copy takes the formatted text.
        await page.GotoAndWaitForInteractiveAsync(ExplorerLink.To(root + "/json"));
        await Expect(section.Locator(".zk-data-format")).ToHaveTextAsync("JSON", new() { Timeout = 30_000 });
        await section.GetByRole(AriaRole.Button, new() { Name = "Copy formatted view" }).ClickAsync();
        await Expect(section.GetByRole(AriaRole.Status)).ToHaveTextAsync("Copied");
        var copied = await page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        Assert.Equal("{\n  \"a\": 1,\n  \"b\": [\n    true\n  ]\n}", copied.ReplaceLineEndings("\n"));
        await section.GetByRole(AriaRole.Tab, new() { Name = "Raw" }).ClickAsync();
        await Expect(section.GetByRole(AriaRole.Tabpanel)).ToHaveTextAsync("{\"a\":1,\"b\":[true]}");
        await app.CloseContextsAsync();
    }

    private static ILocator StatValue(IPage page, string name) =>
        page.Locator("tr.zk-stat-row", new() { Has = page.Locator("th", new() { HasTextRegex = new Regex("^" + name + "$") }) }).Locator("td");

    private static async Task<IReadOnlyList<StatCell>> ReadStatRowsAsync(ILocator table)
    {
        var json = await table.EvaluateAsync<string>("""
            t => JSON.stringify([...t.querySelectorAll('tr')].map(tr => ({
                name: tr.querySelector('th').textContent.trim(),
                value: (tr.querySelector('td > code, td > button')?.textContent ?? '').trim(),
                utc: (tr.querySelector('.zk-stat-utc')?.textContent ?? '').trim(),
                local: (tr.querySelector('.zk-stat-local')?.textContent ?? '').trim(),
                age: (tr.querySelector('.zk-stat-age')?.textContent ?? '').trim() })))
            """);
        return JsonSerializer.Deserialize<List<StatCell>>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    private static Dictionary<string, string> ParseZkCliStat(ProcessResult result)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in ZkCliStatLine().Matches(result.StdOut))
        {
            fields[m.Groups[1].Value] = m.Groups[2].Value.Trim();
        }

        Assert.True(fields.Count == 11, $"zkCli stat printed {fields.Count} of 11 fields:\n{result}");
        return fields;
    }

    /// <summary>"Sat Nov 21 16:31:10 UTC 2026" (Java, machine zone) to the panel's "2026-11-21 16:31:10 UTC".</summary>
    private static string JavaDateToUtcText(string java)
    {
        var m = JavaDate().Match(java);
        Assert.True(m.Success, $"unexpected zkCli time '{java}'");
        var local = DateTime.ParseExact($"{m.Groups[1].Value} {m.Groups[2].Value} {m.Groups[5].Value} {m.Groups[3].Value}",
            "MMM d yyyy HH:mm:ss", CultureInfo.InvariantCulture);
        var utc = m.Groups[4].Value is "UTC" or "GMT" ? local : TimeZoneInfo.ConvertTimeToUtc(local, TimeZoneInfo.Local);
        return utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";
    }

    [GeneratedRegex(@"^(cZxid|ctime|mZxid|mtime|pZxid|cversion|dataVersion|aclVersion|ephemeralOwner|dataLength|numChildren) = (.*)$", RegexOptions.Multiline)]
    private static partial Regex ZkCliStatLine();

    [GeneratedRegex(@"^\w{3} (\w{3}) (\d{1,2}) (\d\d:\d\d:\d\d) (\S+) (\d{4})$")]
    private static partial Regex JavaDate();

    private sealed record StatCell(string Name, string Value, string Utc, string Local, string Age);
}
