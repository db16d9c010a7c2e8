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
            value: null,
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
            // Resolves with [when the node's data view first contains `token`, when the page began handling the circuit
            // message that carried it] as wall-clock ms (performance.timeOrigin + performance.now()); [-1, -1] on timeout.
            armValue(token) {
              zkb.value = new Promise(resolve => {
                const has = () => { const el = document.querySelector('.zk-data-body'); return el !== null && el.textContent.includes(token); };
                const now = () => performance.timeOrigin + performance.now();
                if (has()) { resolve([now(), zkb.lastMessageAt]); return; }
                const mo = new MutationObserver(() => {
                  if (has()) { const at = now(); mo.disconnect(); clearTimeout(timer); resolve([at, zkb.lastMessageAt]); }
                });
                mo.observe(document.body, { childList: true, subtree: true, characterData: true });
                const timer = setTimeout(() => { mo.disconnect(); resolve([-1, -1]); }, TIMEOUT_MS);
              });
              return true;
            },
            now() { return performance.timeOrigin + performance.now(); },
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

    /// <summary>WebSocket bytes the page has received so far.</summary>
    public static Task<double> MessageBytesAsync(IPage page) => page.EvaluateAsync<double>("() => window.__zkb.messageBytes");

    /// <summary>Arms the DOM-update probe for <paramref name="token"/>.</summary>
    public static Task ArmValueAsync(IPage page, string token) => page.EvaluateAsync("t => window.__zkb.armValue(t)", token);

    /// <summary>Waits for the armed DOM-update probe: the page's wall-clock ms when the value appeared and when the
    /// message carrying it began to be handled; (-1, -1) on timeout.</summary>
    public static async Task<(double SeenAt, double MessageAt)> ValueSeenAtAsync(IPage page)
    {
        var r = await page.EvaluateAsync<double[]>("() => window.__zkb.value").ConfigureAwait(false);
        return (r[0], r[1]);
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

/// <summary>Unix time in ms with sub-ms resolution, monotonic within this process.</summary>
public static class HostClock
{
    private static readonly double AnchorUnixMs = (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;
    private static readonly long AnchorTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();

    public static double NowUnixMs() => AnchorUnixMs + System.Diagnostics.Stopwatch.GetElapsedTime(AnchorTimestamp).TotalMilliseconds;
}
