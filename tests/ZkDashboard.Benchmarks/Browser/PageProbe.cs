using Microsoft.Playwright;

namespace ZkDashboard.Benchmarks.Browser;

/// <summary>
/// In-page measuring (performance.now(), MutationObserver, requestAnimationFrame) so the driver's round trips are not
/// part of any figure. Installed in every page of a context as <c>window.__zkb</c>.
/// </summary>
public static class PageProbe
{
    /// <summary>The script added to each context with AddInitScriptAsync.</summary>
    public const string InitScript = """
        (() => {
          const TIMEOUT_MS = 30000;
          const zkb = {
            firstRows: null,
            values: new Map(),
            valueObserver: null,
            lastMessageAt: 0,
            messageBytes: 0,
            // Resolves with ms from the next click (its event timestamp) until a treeitem named `name` is in the DOM,
            // plus one requestAnimationFrame; -1 on timeout.
            armFirstRows(name) {
              let clickAt = null;
              const selector = '[role="treeitem"][aria-label="' + CSS.escape(name) + '"]';
              zkb.firstRows = new Promise(resolve => {
                let done = false;
                const finish = v => { if (!done) { done = true; mo.disconnect(); clearTimeout(timer); resolve(v); } };
                const check = () => {
                  if (clickAt !== null && document.querySelector(selector)) {
                    requestAnimationFrame(() => finish(performance.now() - clickAt));
                    mo.disconnect();
                  }
                };
                const mo = new MutationObserver(check);
                document.addEventListener('click', e => { clickAt = e.timeStamp; check(); }, { capture: true, once: true });
                mo.observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['aria-label'] });
                const timer = setTimeout(() => finish(-1), TIMEOUT_MS);
              });
              return true;
            },
            // Logs, for every "bench-update-<n>" the node's data view shows, when it first appeared and when the page
            // began handling the circuit message that carried it (wall-clock ms: performance.timeOrigin + performance.now()).
            startValueLog() {
              zkb.values = new Map();
              const re = /bench-update-(\d+)/;
              const check = () => {
                const el = document.querySelector('.zk-data-body');
                const m = el === null ? null : re.exec(el.textContent);
                if (m !== null && !zkb.values.has(+m[1])) {
                  zkb.values.set(+m[1], [performance.timeOrigin + performance.now(), zkb.lastMessageAt]);
                }
              };
              zkb.valueObserver = new MutationObserver(check);
              zkb.valueObserver.observe(document.body, { childList: true, subtree: true, characterData: true });
              return true;
            },
            stopValueLog() {
              zkb.valueObserver.disconnect();
              return [...zkb.values.entries()].map(([n, [seen, msg]]) => [n, seen, msg]);
            },
            now() { return performance.timeOrigin + performance.now(); },
            // Scrolls the tree to `fraction` of its height (1: the end) and resolves with [ms until the rows in view are
            // painted (no placeholder in view, one requestAnimationFrame more), the labels of the rows in view, one a line]; [-1, null]
            // after 30 s.
            scrollProbe(fraction) {
              return new Promise(resolve => {
                const sc = document.querySelector('.zk-tree-scroll');
                if (sc === null) { resolve([-1, null]); return; }
                const inView = (e, r) => { const b = e.getBoundingClientRect(); return b.bottom > r.top && b.top < r.bottom; };
                const t0 = performance.now();
                sc.scrollTop = fraction >= 1 ? sc.scrollHeight : Math.floor((sc.scrollHeight - sc.clientHeight) * fraction);
                const check = () => {
                  const r = sc.getBoundingClientRect();
                  const items = [...sc.querySelectorAll('[role="treeitem"]')].filter(e => inView(e, r));
                  const holes = [...sc.querySelectorAll('.zk-tree-ph')].filter(e => inView(e, r));
                  if (items.length > 1 && holes.length === 0) {
                    requestAnimationFrame(() => resolve([performance.now() - t0, items.map(e => e.getAttribute('aria-label')).join('\n')]));
                  } else if (performance.now() - t0 > 30000) {
                    resolve([-1, null]);
                  } else {
                    requestAnimationFrame(check);
                  }
                };
                requestAnimationFrame(check);
              });
            },
            // Records where the DOM changes for `ms` ms: "type element.class" → count (the --trace-mutations option).
            traceMutations(ms) {
              return new Promise(resolve => {
                const counts = {};
                const describe = n => {
                  const el = n.nodeType === 1 ? n : n.parentElement;
                  if (!el) return '?';
                  const parts = [];
                  for (let e = el; e && parts.length < 3 && e !== document.body; e = e.parentElement) {
                    parts.unshift(e.tagName.toLowerCase() + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\s+/).filter(c => !c.startsWith('b-')).slice(0, 2).join('.') : ''));
                  }
                  return parts.join(' > ');
                };
                const mo = new MutationObserver(records => {
                  for (const r of records) {
                    const key = r.type + (r.attributeName ? '[' + r.attributeName + ']' : '') + ' ' + describe(r.target);
                    counts[key] = (counts[key] || 0) + 1;
                  }
                });
                mo.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
                setTimeout(() => { mo.disconnect(); resolve(Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([k, v]) => v + '  ' + k)); }, ms);
              });
            },
          };
          // Note when each WebSocket message (the circuit's render batches) starts being handled: our listener is added
          // before SignalR sets onmessage, so it runs first.
          const NativeWebSocket = window.WebSocket;
          window.WebSocket = class extends NativeWebSocket {
            constructor(...args) {
              super(...args);
              this.addEventListener('message', e => {
                zkb.lastMessageAt = performance.timeOrigin + performance.now();
                zkb.messageBytes += typeof e.data === 'string' ? e.data.length : (e.data.byteLength ?? e.data.size ?? 0);
              });
            }
          };
          window.__zkb = zkb;
        })();
        """;

    /// <summary>Arms the first-rows probe for a child row named <paramref name="childName"/>.</summary>
    public static Task ArmFirstRowsAsync(IPage page, string childName) => page.EvaluateAsync("n => window.__zkb.armFirstRows(n)", childName);

    /// <summary>Waits for the armed first-rows probe: ms from the click to the painted row, or -1 on timeout.</summary>
    public static Task<double> FirstRowsAsync(IPage page) => page.EvaluateAsync<double>("() => window.__zkb.firstRows");

    /// <summary>Scrolls the page's tree to <paramref name="fraction"/> of its height: ms until the rows in view are painted (-1: not within 30 s) and the names of the rows in view.</summary>
    public static async Task<(double Ms, string[] Rows)> ScrollAsync(IPage page, double fraction)
    {
        var r = await page.EvaluateAsync<System.Text.Json.JsonElement>("f => window.__zkb.scrollProbe(f)", fraction).ConfigureAwait(false);
        return (r[0].GetDouble(), r[1].ValueKind == System.Text.Json.JsonValueKind.String ? r[1].GetString()!.Split('\n') : []);
    }

    /// <summary>WebSocket bytes the page has received so far.</summary>
    public static Task<double> MessageBytesAsync(IPage page) => page.EvaluateAsync<double>("() => window.__zkb.messageBytes");

    /// <summary>The data the update phase writes: update number <paramref name="seq"/>, as plain text.</summary>
    public static string ValueText(int seq) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"bench-update-{seq:D6}");

    /// <summary>Starts logging when each update number appears in the page's data view.</summary>
    public static Task StartValueLogAsync(IPage page) => page.EvaluateAsync("() => window.__zkb.startValueLog()");

    /// <summary>Waits (up to 30 s) until the page has shown update <paramref name="seq"/>; returns either way.</summary>
    public static async Task WaitForValueAsync(IPage page, int seq)
    {
        try
        {
            await page.WaitForFunctionAsync("n => window.__zkb.values.has(n)", seq, new PageWaitForFunctionOptions { Timeout = 30_000 }).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // counted as never shown
        }
    }

    /// <summary>Stops the log and returns update number → (seen at, message handled at), page wall-clock ms.</summary>
    public static async Task<Dictionary<int, (double SeenAt, double MessageAt)>> StopValueLogAsync(IPage page)
    {
        var rows = await page.EvaluateAsync<double[][]>("() => window.__zkb.stopValueLog()").ConfigureAwait(false);
        return rows.ToDictionary(r => (int)r[0], r => (r[1], r[2]));
    }

    /// <summary>
    /// The page's wall clock minus ours (ms), from the round trip with the smallest delay out of several; the error is at
    /// most half that round trip. Both clocks are this machine's, so this mostly removes timer-resolution skew.
    /// </summary>
    public static async Task<double> ClockOffsetAsync(IPage page)
    {
        var best = double.MaxValue;
        var offset = 0.0;
        for (var i = 0; i < 7; i++)
        {
            var before = HostClock.NowUnixMs();
            var pageNow = await page.EvaluateAsync<double>("() => window.__zkb.now()").ConfigureAwait(false);
            var after = HostClock.NowUnixMs();
            if (after - before < best)
            {
                best = after - before;
                offset = pageNow - ((before + after) / 2);
            }
        }

        return offset;
    }
}

/// <summary>The renderer's cumulative main-thread times of a page (Chrome DevTools Protocol Performance.getMetrics), in ms.</summary>
public sealed record RendererTimes(double Task, double Script, double Layout, double Style)
{
    public static readonly string[] Names = ["TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration"];

    public static async Task<ICDPSession> AttachAsync(IPage page)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page).ConfigureAwait(false);
        await cdp.SendAsync("Performance.enable").ConfigureAwait(false);
        return cdp;
    }

    public static async Task<RendererTimes> ReadAsync(ICDPSession cdp)
    {
        var reply = await cdp.SendAsync("Performance.getMetrics").ConfigureAwait(false);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        if (reply is { } json)
        {
            foreach (var m in json.GetProperty("metrics").EnumerateArray())
            {
                values[m.GetProperty("name").GetString()!] = m.GetProperty("value").GetDouble() * 1000;
            }
        }

        double Get(string name) => values.GetValueOrDefault(name, double.NaN);
        return new RendererTimes(Get(Names[0]), Get(Names[1]), Get(Names[2]), Get(Names[3]));
    }

    public static RendererTimes operator -(RendererTimes a, RendererTimes b) => new(a.Task - b.Task, a.Script - b.Script, a.Layout - b.Layout, a.Style - b.Style);

    public RendererTimes Over(double n) => new(Task / n, Script / n, Layout / n, Style / n);

    public static RendererTimes Mean(IReadOnlyList<RendererTimes> all) =>
        new(all.Average(x => x.Task), all.Average(x => x.Script), all.Average(x => x.Layout), all.Average(x => x.Style));
}

/// <summary>Unix time in ms with sub-ms resolution, monotonic within this process.</summary>
public static class HostClock
{
    private static readonly double AnchorUnixMs = (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;
    private static readonly long AnchorTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();

    public static double NowUnixMs() => AnchorUnixMs + System.Diagnostics.Stopwatch.GetElapsedTime(AnchorTimestamp).TotalMilliseconds;
}
