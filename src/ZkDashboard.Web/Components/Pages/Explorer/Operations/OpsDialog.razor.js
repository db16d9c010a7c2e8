// Focus handling of OpsDialog (plain functions: .NET 10-only interop APIs fail with the 9 script).
const previous = new Map();

const focusable = 'input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), '
    + 'button:not([disabled]):not(.zk-ops-x), [href], [tabindex]:not([tabindex="-1"])';

// On open: remember what had the focus, then focus the dialog's first control (Escape and Tab then work at once).
export function opened(id, dialog) {
    if (!dialog) {
        return;
    }
    previous.set(id, document.activeElement);
    const body = dialog.querySelector('.zk-ops-dialog-body');
    const target = (body && body.querySelector(focusable)) || dialog.querySelector(focusable) || dialog;
    target.focus();
}

// On close: give the focus back to where it was (e.g. the tree row a Del came from), if it is still on the page.
export function closed(id) {
    const element = previous.get(id);
    previous.delete(id);
    if (element && element.isConnected && typeof element.focus === 'function') {
        element.focus();
    }
}
