using System.Globalization;
using System.Text;
using Microsoft.Playwright;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Benchmarks.Browser;

public sealed partial class BrowserBenchmark
{
    private const int WarmupUpdates = 3;

    /// <summary>Each run: a fresh page on the big node; click its expander; time until the first child row is painted.</summary>
    private static async Task FirstRowsAsync(BrowserSession session, BrowserBenchSettings settings, BrowserReport report, CancellationToken ct)
    {
        for (var run = 0; run < settings.FirstRowsRuns; run++)
        {
            ct.ThrowIfCancellationRequested();
            var page = await session.OpenAsync(Link(Big), ct).ConfigureAwait(false);
            var row = page.GetByRole(AriaRole.Treeitem, new() { Name = BigName, Exact = true });
            await Microsoft.Playwright.Assertions.Expect(row).ToHaveAttributeAsync("aria-selected", "true", new() { Timeout = 60_000 }).WaitAsync(ct).ConfigureAwait(false);
            if (await row.GetAttributeAsync("aria-expanded").ConfigureAwait(false) == "true")
            {
                throw new InvalidOperationException($"{Big} is already expanded when the page opens: the click would collapse it. The benchmark needs a collapsed node.");
            }

            await PageProbe.ArmFirstRowsAsync(page, FirstChild).ConfigureAwait(false);
            await row.Locator(".zk-row-twisty").ClickAsync().ConfigureAwait(false);
            var ms = await PageProbe.FirstRowsAsync(page).WaitAsync(ct).ConfigureAwait(false);
            if (ms < 0)
            {
                throw new TimeoutException($"run {run + 1}: the first child row '{FirstChild}' did not appear within 30 s of the click.");
            }

            var rows = await page.GetByRole(AriaRole.Treeitem).CountAsync().ConfigureAwait(false);
            report.FirstRows.Add(ms);
            report.MaxTreeRows = Math.Max(report.MaxTreeRows, rows);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first rows run {run + 1}/{settings.FirstRowsRuns}: {ms,7:0.0} ms ({rows} treeitems in the DOM)"));
            if (run == settings.FirstRowsRuns - 1)
            {
                await ScrollAsync(page, settings, report, ct).ConfigureAwait(false);
            }
            await session.CloseAsync(page).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Scrolling the expanded big node: jumps to 10%, 20% … 90% of the tree's height, then to the end; each timed until the
    /// rows in view are painted. The end must show the last child.
    /// </summary>
    private static async Task ScrollAsync(IPage page, BrowserBenchSettings settings, BrowserReport report, CancellationToken ct)
    {
        var expected = $"n-{settings.Children - 1:D6}";
        for (var step = 1; step <= 10; step++)
        {
            ct.ThrowIfCancellationRequested();
            var (ms, rows) = await PageProbe.ScrollAsync(page, step / 10.0).ConfigureAwait(false);
            if (ms < 0)
            {
                throw new TimeoutException($"scrolling to {step * 10}% of the tree: the rows in view were not painted within 30 s.");
            }

            if (step < 10)
            {
                report.ScrollJumps.Add(ms);
            }
            else
            {
                report.ScrollEndMs = ms;
                // The tree goes on below the big node (its later siblings): the end shows its last child among the rows in view.
                report.ScrollEndRow = rows.Contains(expected, StringComparer.Ordinal) ? expected : $"not {expected} (in view: {string.Join(", ", rows)})";
            }
        }

        report.ScrollJumps.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scroll: jumps to 10%…90% p50 {LatencySamples.Percentile(report.ScrollJumps, 0.5):0} ms, max {report.ScrollJumps[^1]:0} ms; to the end {report.ScrollEndMs:0} ms (last child in view: {report.ScrollEndRow})"));
    }

    /// <summary>
    /// One page open on the big node: the setData→DOM latency, then the baseline memory; then N-1 more pages (N circuits):
    /// memory again (growth per circuit), and the latency with N pages.
    /// </summary>
    private static async Task UpdatesAndMemoryAsync(BrowserSession session, WebAppProcess app, ZooKeeperClient ext, string connectString,
        BrowserBenchSettings settings, BrowserReport report, CancellationToken ct)
    {
        var pages = new List<IPage> { await OpenOnBigAsync(session, ct).ConfigureAwait(false) };
        var seq = 0;
        await WaitForCircuitsAsync(app, 1, ct).ConfigureAwait(false);

        report.QuietMs1 = await WaitForQuietAppAsync(app, ct).ConfigureAwait(false);
        Console.WriteLine($"setData→DOM with 1 context: {settings.Updates} updates, one every {settings.IntervalMs} ms…");
        var cpu = CpuClock.Start(app);
        report.Latency1 = await MeasureUpdatesAsync(pages, ext, connectString, settings, () => ++seq, ct).ConfigureAwait(false);
        (report.ServerCpu1, report.BrowserCpu1) = cpu.PercentOfOneCore();
        report.MemoryAt1 = await app.ReadMemoryAsync(ct).ConfigureAwait(false);
        if (settings.TraceMutations)
        {
            await TraceMutationsAsync(pages[0], ext, ct).ConfigureAwait(false);
        }

        Console.WriteLine($"opening {settings.Contexts - 1} more contexts on {Big}…");
        for (var i = 1; i < settings.Contexts; i++)
        {
            pages.Add(await OpenOnBigAsync(session, ct).ConfigureAwait(false));
        }

        await WaitForCircuitsAsync(app, settings.Contexts, ct).ConfigureAwait(false);
        report.MemoryAtN = await app.ReadMemoryAsync(ct).ConfigureAwait(false);
        report.Load($"{settings.Contexts} contexts open");

        report.QuietMsN = await WaitForQuietAppAsync(app, ct).ConfigureAwait(false);
        var idle = CpuClock.Start(app);
        await Task.Delay(TimeSpan.FromSeconds(5), ct).ConfigureAwait(false); // a measuring window: what N open pages cost while nothing changes
        (report.ServerCpuIdleN, report.BrowserCpuIdleN) = idle.PercentOfOneCore();
        Console.WriteLine($"setData→DOM with {settings.Contexts} contexts: {settings.Updates} updates, one every {settings.IntervalMs} ms…");
        cpu = CpuClock.Start(app);
        report.LatencyN = await MeasureUpdatesAsync(pages, ext, connectString, settings, () => ++seq, ct).ConfigureAwait(false);
        (report.ServerCpuN, report.BrowserCpuN) = cpu.PercentOfOneCore();
        report.MemoryAfterN = await app.ReadMemoryAsync(ct).ConfigureAwait(false);
        report.Load($"after the {settings.Contexts}-context updates");
    }

    /// <summary>Prints where the DOM of one page changes during the 2 s after one setData.</summary>
    private static async Task TraceMutationsAsync(IPage page, ZooKeeperClient ext, CancellationToken ct)
    {
        var trace = page.EvaluateAsync<string[]>("() => window.__zkb.traceMutations(2000)");
        await ext.SetDataAsync(Big, Encoding.UTF8.GetBytes($"bench-update-trace-{Guid.NewGuid():N}"), ct: ct).ConfigureAwait(false);
        Console.WriteLine("DOM mutations in the 2 s after one setData (count, type, where):");
        foreach (var line in await trace.ConfigureAwait(false))
        {
            Console.WriteLine("  " + line);
        }
    }

    private static async Task<IPage> OpenOnBigAsync(BrowserSession session, CancellationToken ct)
    {
        var page = await session.OpenAsync(Link(Big), ct).ConfigureAwait(false);
        await page.Locator(".zk-data-body").WaitForAsync().WaitAsync(ct).ConfigureAwait(false);
        return page;
    }

    /// <summary>
    /// Opening a big node makes the app fetch every child's stat in the background (100k exists calls; again when the
    /// cache entry was evicted). Wait (bounded) until the app uses under 10% of a core over two 500 ms windows, so the
    /// latency phases measure the steady state; returns how long that took.
    /// </summary>
    private static async Task<double> WaitForQuietAppAsync(WebAppProcess app, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var quietWindows = 0;
        while (quietWindows < 2 && clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            var cpu = CpuClock.Start(app);
            await Task.Delay(500, ct).ConfigureAwait(false); // a measuring window
            quietWindows = cpu.PercentOfOneCore().App < 10 ? quietWindows + 1 : 0;
        }

        if (quietWindows < 2)
        {
            Console.WriteLine("note: the app stayed busy for 90 s; measuring anyway.");
        }

        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>Closed pages end their circuits a moment later: wait (bounded) until the app counts exactly <paramref name="expected"/>.</summary>
    private static async Task WaitForCircuitsAsync(WebAppProcess app, int expected, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var m = await app.ReadMemoryAsync(ct).ConfigureAwait(false);
            if (m.OpenCircuits == expected)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                Console.WriteLine($"note: the app counts {m.OpenCircuits} open circuits, expected {expected}; the memory figure divides by the counted difference.");
                return;
            }

            await Task.Delay(250, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// setData once per interval with a numbered text; every page records by itself (MutationObserver) when its data
    /// view first shows each number, so the driver sends nothing to the pages while the updates run. Afterwards one
    /// sample per page and update: page time (aligned to ours) minus our time just before that setData.
    /// </summary>
    private static async Task<LatencySamples> MeasureUpdatesAsync(List<IPage> pages, ZooKeeperClient ext, string connectString, BrowserBenchSettings settings,
        Func<int> nextSeq, CancellationToken ct)
    {
        // A watcher of our own (its own session, like the app's) shows how much of the latency is ZooKeeper's.
        await using var observer = await ZooKeeperClient.ConnectAsync(
            new ZooKeeperClientOptions { ConnectString = connectString, SessionTimeout = TimeSpan.FromSeconds(30) }, ct).ConfigureAwait(false);
        TaskCompletionSource<double>? notified = null;
        observer.WatchEvent += (_, e) =>
        {
            if (e.Path == Big && e.Type == EventType.NodeDataChanged)
            {
                Volatile.Read(ref notified)?.TrySetResult(HostClock.NowUnixMs());
            }
        };

        var offsets = new double[pages.Count];
        for (var i = 0; i < pages.Count; i++)
        {
            offsets[i] = await PageProbe.ClockOffsetAsync(pages[i]).ConfigureAwait(false);
        }

        var result = new LatencySamples();
        var bytes0 = await Task.WhenAll(pages.Select(PageProbe.MessageBytesAsync)).ConfigureAwait(false);
        var cdp = await Task.WhenAll(pages.Select(RendererTimes.AttachAsync)).ConfigureAwait(false);
        var renderer0 = await Task.WhenAll(cdp.Select(RendererTimes.ReadAsync)).ConfigureAwait(false);
        await Task.WhenAll(pages.Select(PageProbe.StartValueLogAsync)).ConfigureAwait(false);

        var sent = new List<(int Seq, double At, bool Counted)>();
        for (var u = 0; u < settings.Updates + WarmupUpdates; u++)
        {
            ct.ThrowIfCancellationRequested();
            var seq = nextSeq();
            var fired = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref notified, fired);
            await observer.GetDataAsync(Big, watch: true, ct).ConfigureAwait(false);
            var t0 = HostClock.NowUnixMs();
            await ext.SetDataAsync(Big, Encoding.UTF8.GetBytes(PageProbe.ValueText(seq)), ct: ct).ConfigureAwait(false);
            sent.Add((seq, t0, u >= WarmupUpdates));
            var watchAt = await fired.Task.WaitAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
            if (u >= WarmupUpdates)
            {
                result.Notified.Add(watchAt - t0);
            }

            var wait = settings.IntervalMs - (HostClock.NowUnixMs() - t0);
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(wait), ct).ConfigureAwait(false);
            }
        }

        // Every page has had at least one interval for the last update; give a late one up to 30 s more.
        var last = sent[^1].Seq;
        await Task.WhenAll(pages.Select(p => PageProbe.WaitForValueAsync(p, last))).WaitAsync(ct).ConfigureAwait(false);
        var logs = await Task.WhenAll(pages.Select(PageProbe.StopValueLogAsync)).ConfigureAwait(false);
        for (var i = 0; i < pages.Count; i++)
        {
            foreach (var (seq, t0, counted) in sent)
            {
                if (!logs[i].TryGetValue(seq, out var seen))
                {
                    result.Missed++;
                }
                else if (counted)
                {
                    result.Samples.Add(seen.SeenAt - offsets[i] - t0);
                    result.ToMessage.Add(seen.MessageAt - offsets[i] - t0);
                }
            }
        }

        var bytes1 = await Task.WhenAll(pages.Select(PageProbe.MessageBytesAsync)).ConfigureAwait(false);
        result.BytesPerPageUpdate = bytes1.Zip(bytes0, (b, a) => b - a).Average() / (settings.Updates + WarmupUpdates);
        var renderer1 = await Task.WhenAll(cdp.Select(RendererTimes.ReadAsync)).ConfigureAwait(false);
        result.RendererPerPageUpdate = RendererTimes.Mean(renderer1.Zip(renderer0, (b, a) => (b - a).Over(settings.Updates + WarmupUpdates)).ToList());
        foreach (var c in cdp)
        {
            await c.DetachAsync().ConfigureAwait(false);
        }

        result.Samples.Sort();
        result.ToMessage.Sort();
        result.Notified.Sort();
        return result;
    }

    /// <summary>The app's and the browser's CPU time over a wall-clock span, as percentages of one core.</summary>
    private readonly record struct CpuClock(WebAppProcess App, TimeSpan App0, TimeSpan Browser0, long Started)
    {
        public static CpuClock Start(WebAppProcess app) =>
            new(app, app.ReadCpuTime(), ProcessCpu.OfBrowserProcesses(), System.Diagnostics.Stopwatch.GetTimestamp());

        public (double App, double Browser) PercentOfOneCore()
        {
            var wall = System.Diagnostics.Stopwatch.GetElapsedTime(Started).TotalMilliseconds;
            return ((App.ReadCpuTime() - App0).TotalMilliseconds / wall * 100, (ProcessCpu.OfBrowserProcesses() - Browser0).TotalMilliseconds / wall * 100);
        }
    }
}
