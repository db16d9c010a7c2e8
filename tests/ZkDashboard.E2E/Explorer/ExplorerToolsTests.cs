using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ZkDashboard.E2E.Infrastructure;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;
using static Microsoft.Playwright.Assertions;

namespace ZkDashboard.E2E.Explorer;

/// <summary>
/// The explorer's tools against the real sandbox ensemble, driven by an external client: the live event log
/// (subtree, burst coalescing, pause, resume, clear), go-to-path autocomplete, and hostile names in the children
/// grid, search results and event log.
/// </summary>
[Collection(SandboxE2ECollection.Name)]
public sealed class ExplorerToolsTests(SandboxAppFixture app)
{
    private const string Hostile = "<img src=x onerror=alert(1)>";
    private const int Burst = 300;
    private static readonly LocatorAssertionsToContainTextOptions SlowText = new() { Timeout = 30_000 };

    [Fact]
    public async Task EventsLog_ExternalBurst_ShownCoalescedThenPauseResumeClear()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var ev = scope.Chroot + "/ev";
        await scope.Root.CreateAsync(ev, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await scope.Root.CreateAsync(ev + "/hot", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await using var external = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = app.Ensemble.ConnectString });

        var page = await app.NewPageAsync(ExplorerLink.To(ev));
        var dialogs = 0;
        page.Dialog += (_, d) => { Interlocked.Increment(ref dialogs); _ = d.DismissAsync(); };
        await Expect(page.Locator("#zk-node-title")).ToHaveTextAsync("ev", new() { Timeout = 30_000 });
        await page.GetByRole(AriaRole.Tab, new() { Name = "Events" }).ClickAsync();
        var bar = page.GetByRole(AriaRole.Toolbar, new() { Name = "Event log controls" });
        await bar.GetByText("Subtree", new() { Exact = true }).ClickAsync();
        await Expect(bar).ToContainTextAsync("watching the subtree", SlowText);

        // A burst of pipelined writes to a child: the hub merges what arrives while it reads, and the log says so.
        var writes = Enumerable.Range(1, Burst).Select(i => external.SetDataAsync(ev + "/hot", Encoding.UTF8.GetBytes($"v{i}"))).ToList();
        await Task.WhenAll(writes);
        var log = page.GetByRole(AriaRole.List, new() { Name = "Watch events" });
        var lines = log.Locator("li");
        await Expect(lines.First).ToContainTextAsync($"v{Burst} ·", SlowText);
        await Expect(lines.First).ToContainTextAsync(ev + "/hot");
        await Expect(log.GetByText(new Regex(@"^×\d+ coalesced$")).First).ToBeVisibleAsync();
        var shown = await lines.CountAsync();
        Assert.True(shown < Burst, $"{shown} lines for {Burst} writes: nothing was coalesced");
        await page.SaveScreenshotAsync("explorer-events-burst");

        // Paused: events are counted, not listed.
        await bar.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await external.SetDataAsync(ev + "/hot", "paused-1"u8.ToArray());
        await external.SetDataAsync(ev + "/hot", "paused-2"u8.ToArray());
        await Expect(bar.GetByRole(AriaRole.Status)).ToContainTextAsync(new Regex(@"Paused — \d+ event\(s\) not shown"), SlowText);
        Assert.Equal(shown, await lines.CountAsync());

        // Resumed: new events are listed again (a hostile name as text).
        await bar.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await external.CreateAsync(ev + "/" + Hostile, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        await Expect(lines.First).ToContainTextAsync(ev + "/" + Hostile, SlowText);
        await Expect(lines.First).ToContainTextAsync("created");

        await bar.GetByRole(AriaRole.Button, new() { Name = "Clear" }).ClickAsync();
        await Expect(log).ToHaveCountAsync(0);
        await Expect(page.GetByText("No events yet.")).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("img[src=x]").CountAsync());
        Assert.Equal(0, Volatile.Read(ref dialogs));
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task GoToPathSearchAndChildren_HostileChild_SuggestsFindsAndListsItAsText()
    {
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var appPath = scope.Chroot + "/app";
        await scope.Root.CreateAsync(appPath, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        foreach (var name in new[] { "alpha", "alpine", "beta", Hostile })
        {
            await scope.Root.CreateAsync(appPath + "/" + name, Encoding.UTF8.GetBytes(name), Acls.OpenUnsafe);
        }

        var page = await app.NewPageAsync(ExplorerLink.To(appPath));
        var dialogs = 0;
        page.Dialog += (_, d) => { Interlocked.Increment(ref dialogs); _ = d.DismissAsync(); };
        await Expect(page.Locator("#zk-node-title")).ToHaveTextAsync("app", new() { Timeout = 30_000 });

        // Go to path: the typed parent's children that start with the typed rest are suggested.
        var goTo = page.Role(AriaRole.Combobox, "Go to path");
        var options = page.Locator("form[aria-label='Go to path'] datalist option");
        await goTo.FillAsync(appPath + "/al");
        await Expect(options).ToHaveCountAsync(2, new() { Timeout = 30_000 });
        Assert.Equal([appPath + "/alpha", appPath + "/alpine"], await options.EvaluateAllAsync<string[]>("os => os.map(o => o.value)"));
        await goTo.FillAsync(appPath + "/");
        await Expect(options).ToHaveCountAsync(4, new() { Timeout = 30_000 });
        Assert.Contains(appPath + "/" + Hostile, await options.EvaluateAllAsync<string[]>("os => os.map(o => o.value)"));

        // A bad path is refused, saying what is wrong.
        await goTo.FillAsync("app//x");
        await goTo.PressAsync("Enter");
        await Expect(page.Locator("form[aria-label='Go to path']").GetByRole(AriaRole.Alert)).ToContainTextAsync("Not a valid path");
        await goTo.FillAsync(appPath + "/alpine");
        await goTo.PressAsync("Enter");
        await Expect(page.Locator("#zk-node-title")).ToHaveTextAsync("alpine", new() { Timeout = 30_000 });

        // The children grid and the search list the hostile name as text.
        await page.GotoAndWaitForInteractiveAsync(ExplorerLink.To(appPath));
        await page.GetByRole(AriaRole.Tab, new() { NameRegex = new Regex("^Children") }).ClickAsync();
        var grid = page.Locator(".zk-children");
        await Expect(grid.GetByRole(AriaRole.Link, new() { Name = Hostile, Exact = true })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.Locator(".zk-children-count")).ToHaveTextAsync("4 children");

        var search = page.Labelled("Search subtree");
        await search.FillAsync("onerror");
        await search.PressAsync("Enter");
        var results = page.Role(AriaRole.List, "Matching nodes");
        await Expect(results.GetByRole(AriaRole.Link, new() { Name = appPath + "/" + Hostile, Exact = true })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.Role(AriaRole.Region, "Search results")).ToContainTextAsync("Done: 1 match");
        Assert.Equal(0, await page.Locator("img[src=x]").CountAsync());
        Assert.Equal(0, Volatile.Read(ref dialogs));
        await app.CloseContextsAsync();
    }

    [Fact]
    public async Task ChildrenGrid_TenThousandChildren_VirtualizedSortableAndScrollsToAnyPosition()
    {
        const int Count = 10_000;
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var many = scope.Chroot + "/many";
        await scope.Root.CreateAsync(many, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        for (var start = 0; start < Count; start += 1_000)
        {
            await scope.Root.MultiAsync(Enumerable.Range(start, 1_000)
                .Select(i => (Op)Op.Create($"{many}/n-{i:D5}", Encoding.UTF8.GetBytes(new string('x', i % 7)), Acls.OpenUnsafe)));
        }

        var page = await app.NewPageAsync(ExplorerLink.To(many));
        await Expect(page.Locator("#zk-node-title")).ToHaveTextAsync("many", new() { Timeout = 30_000 });
        await page.GetByRole(AriaRole.Tab, new() { NameRegex = new Regex("^Children") }).ClickAsync();
        var grid = page.Locator(".zk-children");
        await Expect(page.Locator(".zk-children-count")).ToHaveTextAsync("10,000 children", new() { Timeout = 30_000 });
        await Expect(grid.GetByRole(AriaRole.Link, new() { Name = "n-00000", Exact = true })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        foreach (var column in new[] { "Name", "Data size", "Children", "Modified", "Ephemeral" })
        {
            await Expect(grid.GetByRole(AriaRole.Columnheader, new() { Name = column })).ToBeVisibleAsync();
        }

        // Once every child's stat is read, the rows in view are re-read: no "…" placeholders remain.
        await Expect(grid.GetByText("reading child stats…")).ToHaveCountAsync(0, new() { Timeout = 60_000 });
        var rows = grid.Locator("tbody tr.zk-children-row");
        await Expect(rows.First.Locator("td").Nth(1)).ToHaveTextAsync("0 B");
        Assert.True(await rows.CountAsync() > 5);
        Assert.True(await rows.CountAsync() < 100, $"{await rows.CountAsync()} rows in the DOM for {Count} children");

        // Any scroll position lands on the right rows: the end, then the middle.
        var scroller = grid.Locator(".zk-children-scroll");
        await scroller.EvaluateAsync("el => el.scrollTop = el.scrollHeight");
        await Expect(grid.GetByRole(AriaRole.Link, new() { Name = "n-09999", Exact = true })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        Assert.True(await rows.CountAsync() < 100);
        await scroller.EvaluateAsync("el => el.scrollTop = el.scrollHeight / 2");
        await Expect(grid.GetByRole(AriaRole.Link, new() { NameRegex = new Regex(@"^n-0(49|50)\d\d$") }).First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.SaveScreenshotAsync("explorer-children-grid-10k");

        // Sortable: name descending puts the last child first; by data size, the largest (6 bytes) first.
        await scroller.EvaluateAsync("el => el.scrollTop = 0");
        await grid.GetByRole(AriaRole.Columnheader, new() { Name = "Name" }).ClickAsync();
        await Expect(rows.First.GetByRole(AriaRole.Link)).ToHaveTextAsync("n-09999", new() { Timeout = 30_000 });
        await grid.GetByRole(AriaRole.Columnheader, new() { Name = "Data size" }).ClickAsync();
        await grid.GetByRole(AriaRole.Columnheader, new() { Name = "Data size" }).ClickAsync();
        await Expect(rows.First.Locator("td").Nth(1)).ToHaveTextAsync("6 B", new() { Timeout = 30_000 });

        // Live: a child created elsewhere is counted and listed without a reload.
        await scope.Root.CreateAsync(many + "/" + Hostile, Encoding.UTF8.GetBytes("1234567"), Acls.OpenUnsafe);
        await Expect(page.Locator(".zk-children-count")).ToHaveTextAsync("10,001 children", new() { Timeout = 30_000 });
        await Expect(rows.First.GetByRole(AriaRole.Link)).ToHaveTextAsync(Hostile, new() { Timeout = 30_000 });
        Assert.Equal(0, await page.Locator("img[src=x]").CountAsync());
        await app.CloseContextsAsync();
        for (var start = 0; start < Count; start += 1_000)
        {
            await scope.Root.MultiAsync(Enumerable.Range(start, 1_000).Select(i => (Op)Op.Delete($"{many}/n-{i:D5}")));
        }
    }

    [Fact]
    public async Task SubtreeSearch_WideTree_ShowsProgressCancelsAndStopsAtItsBound()
    {
        const int Parents = 2_100; // more nodes with children than the search lists (2,000), and more matches than it keeps (200)
        await using var scope = await ChrootScope.CreateAsync(app.Ensemble.ConnectString, ExplorerLink.NewRoot());
        var wide = scope.Chroot + "/wide";
        await scope.Root.CreateAsync(wide, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        for (var start = 0; start < Parents; start += 500)
        {
            await scope.Root.MultiAsync(Enumerable.Range(start, Math.Min(500, Parents - start)).SelectMany(i => new Op[]
            {
                Op.Create($"{wide}/p-{i:D4}", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe),
                Op.Create($"{wide}/p-{i:D4}/leaf", ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe),
            }));
        }

        var page = await app.NewPageAsync(ExplorerLink.To(wide));
        await Expect(page.Locator("#zk-node-title")).ToHaveTextAsync("wide", new() { Timeout = 30_000 });
        var search = page.Labelled("Search subtree");
        var region = page.Role(AriaRole.Region, "Search results");

        // Running: progress is shown and the search can be cancelled; it says it was. On a quiet machine the search can
        // reach its limit before the click lands; then it says so, and the test starts it again.
        var cancelled = false;
        for (var attempt = 0; attempt < 5 && !cancelled; attempt++)
        {
            await search.FillAsync("no-such-name");
            await search.PressAsync("Enter");
            await Expect(region.GetByRole(AriaRole.Status)).ToContainTextAsync("Searching for \"no-such-name\" under " + wide);
            try
            {
                await region.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync(new() { Timeout = 5_000 });
            }
            catch (TimeoutException)
            {
                await Expect(region.GetByRole(AriaRole.Status)).ToContainTextAsync("Stopped at the search limit", SlowText);
                continue;
            }
            await Expect(region.GetByRole(AriaRole.Status)).ToContainTextAsync(
                new Regex("Cancelled: 0 matches|Stopped at the search limit"), SlowText);
            cancelled = (await region.GetByRole(AriaRole.Status).TextContentAsync() ?? "").Contains("Cancelled: 0 matches", StringComparison.Ordinal);
        }

        Assert.True(cancelled, "five searches reached their limit before Cancel could be clicked");

        // Bounded: a search that would list more nodes than allowed stops and says so.
        await search.FillAsync("leaf");
        await search.PressAsync("Enter");
        await Expect(region.GetByRole(AriaRole.Status)).ToContainTextAsync("Stopped at the search limit", new() { Timeout = 120_000 });
        var found = await region.GetByRole(AriaRole.List, new() { Name = "Matching nodes" }).GetByRole(AriaRole.Link).CountAsync();
        Assert.InRange(found, 1, Parents - 1);
        await page.SaveScreenshotAsync("explorer-search-bounded");
        await app.CloseContextsAsync();
    }
}
