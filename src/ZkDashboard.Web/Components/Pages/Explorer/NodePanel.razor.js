// Switching the node panel's tab disposes the open editor (Radzen renders only the selected tab). While an editor
// holds unsaved edits (it renders [data-zk-unsaved]), a click or Enter/Space on another tab is stopped before
// Radzen sees it, and the panel asks first.
const guards = new WeakMap();

function ownTabs(root) {
    return root.querySelector('.zk-node-tabs');
}

function ownItems(tabs) {
    return Array.from(tabs.querySelectorAll('.rz-tabview-nav > li')).filter(li => li.closest('.rz-tabview') === tabs);
}

export function guardTabs(root, dotNet) {
    unguardTabs(root);
    const handler = e => {
        if (e.type === 'keydown' && e.key !== 'Enter' && e.key !== ' ') {
            return;
        }
        const tabs = ownTabs(root);
        const nav = e.target && e.target.closest ? e.target.closest('.rz-tabview-nav') : null;
        if (!tabs || !nav || nav.closest('.rz-tabview') !== tabs || !root.querySelector('[data-zk-unsaved]')) {
            return;
        }
        const item = e.target.closest('li');
        let index;
        if (item) {
            if (item.classList.contains('rz-tabview-selected')) {
                return;
            }
            index = ownItems(tabs).indexOf(item);
        } else if (e.type === 'keydown') {
            // Enter on the tab list itself: Radzen selects the item its arrow keys focused, which the server may not
            // have rendered yet; the panel asks the page which one it is once the question is answered.
            index = -1;
        } else {
            return;
        }
        e.preventDefault();
        e.stopImmediatePropagation();
        dotNet.invokeMethodAsync('OnTabBlockedAsync', index).catch(() => { });
    };
    root.addEventListener('click', handler, true);
    root.addEventListener('keydown', handler, true);
    guards.set(root, handler);
}

/** The index of the tab Radzen's arrow keys focused (-1 when none). */
export function focusedTabIndex(root) {
    const tabs = root ? ownTabs(root) : null;
    return tabs ? ownItems(tabs).findIndex(li => li.classList.contains('rz-state-focused')) : -1;
}

export function unguardTabs(root) {
    const handler = root ? guards.get(root) : null;
    if (handler) {
        root.removeEventListener('click', handler, true);
        root.removeEventListener('keydown', handler, true);
        guards.delete(root);
    }
}
