// ZkDashboard page script: starts Blazor with our reconnection options, wires the reconnect overlay
// (Components/Layout/ReconnectOverlay.razor) and remembers the theme choice (Components/Layout/ThemeToggle.razor).
window.zkDashboard = (() => {
  'use strict';

  const themeCookie = 'zk-theme';

  /**
   * From <body data-zk-reconnect-*> (ZkDashboard:Web:Reconnect). By default retry quickly at first, then back off:
   * about 3 minutes in total before the overlay shows "failed".
   */
  function reconnectionOptions() {
    const data = document.body.dataset;
    const maxRetries = Number.parseInt(data.zkReconnectMaxRetries, 10);
    const fixedInterval = Number.parseInt(data.zkReconnectIntervalMs, 10);
    return {
      maxRetries: Number.isFinite(maxRetries) && maxRetries > 0 ? maxRetries : 30,
      retryIntervalMilliseconds: Number.isFinite(fixedInterval) && fixedInterval >= 0
        ? fixedInterval
        : attempt => (attempt < 5 ? 1000 : attempt < 15 ? 3000 : 10000),
    };
  }

  function startBlazor() {
    return Blazor.start({ circuit: { reconnectionOptions: reconnectionOptions() } });
  }

  /** Retry now; when the server no longer knows this page's circuit, reload the page. */
  async function retryConnection() {
    const modal = document.getElementById('components-reconnect-modal');
    modal?.classList.remove('components-reconnect-failed');
    modal?.classList.add('components-reconnect-show');
    try {
      const resumed = await Blazor.reconnect();
      if (!resumed) {
        location.reload();
      }
    } catch {
      modal?.classList.remove('components-reconnect-show');
      modal?.classList.add('components-reconnect-failed');
    }
  }

  document.addEventListener('click', event => {
    if (!(event.target instanceof Element)) {
      return;
    }
    if (event.target.closest('[data-zk-reconnect-retry]')) {
      event.preventDefault();
      retryConnection();
    } else if (event.target.closest('[data-zk-reconnect-reload]')) {
      event.preventDefault();
      location.reload();
    } else if (event.target.closest('#blazor-error-ui .reload')) {
      event.preventDefault();
      location.reload();
    } else if (event.target.closest('#blazor-error-ui .dismiss')) {
      document.getElementById('blazor-error-ui').style.display = 'none';
    }
  });

  /** Called by ThemeToggle after the Radzen theme changed: remember the choice, expose it to our CSS. */
  function setThemeMode(mode) {
    const value = mode === 'dark' ? 'dark' : 'light';
    document.documentElement.dataset.theme = value;
    document.cookie = `${themeCookie}=${value}; path=/; max-age=31536000; samesite=lax`;
  }

  /** Called by InteractiveMarker once the circuit has rendered: the page now answers clicks. */
  function markInteractive() {
    document.documentElement.dataset.interactive = 'true';
  }

  /** The browser's IANA time zone ("Europe/Paris"), so times are shown in the viewer's zone, not the server's. */
  function timeZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
    } catch {
      return null;
    }
  }

  return { startBlazor, retryConnection, setThemeMode, markInteractive, timeZone };
})();
