// Switching the node panel's tab disposes the open editor (Radzen renders only the selected tab). While an editor
// holds unsaved edits (it renders [data-zk-unsaved]), a click or Enter/Space on another tab is stopped before
// Radzen sees it, and the panel asks first.
const guards = new WeakMap();

export function guardTabs(root, dotNet) {
    unguardTabs(root);
    const handler = e => {
        const tab = e.target && e.target.closest ? e.target.closest('.rz-tabview-nav [role="tab"]') : null;
        const tabs = root.querySelector('.zk-node-tabs');
        if (!tab || !tabs || tab.closest('.rz-tabview') !== tabs || !root.querySelector('[data-zk-unsaved]')) {
            return;
        }
        if (e.type === 'keydown' && e.key !== 'Enter' && e.key !== ' ') {
            return;
        }
        const item = tab.closest('li') || tab;
        if (tab.getAttribute('aria-selected') === 'true' || item.classList.contains('rz-tabview-selected')) {
            return;
        }
        e.preventDefault();
        e.stopImmediatePropagation();
        const all = Array.from(tabs.querySelectorAll('.rz-tabview-nav [role="tab"]')).filter(t => t.closest('.rz-tabview') === tabs);
        dotNet.invokeMethodAsync('OnTabBlockedAsync', all.indexOf(tab)).catch(() => { });
    };
    root.addEventListener('click', handler, true);
    root.addEventListener('keydown', handler, true);
    guards.set(root, handler);
}

export function unguardTabs(root) {
    const handler = root ? guards.get(root) : null;
    if (handler) {
        root.removeEventListener('click', handler, true);
        root.removeEventListener('keydown', handler, true);
        guards.delete(root);
    }
}

// The browser's IANA time zone (e.g. "Europe/Paris"), so "local" times are the viewer's, not the server's.
export function timeZone() {
    try {
        return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
    } catch {
        return null;
    }
}
