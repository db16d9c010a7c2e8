// Global shortcuts of the explorer page. '/' search, 't' tree, '?' help, Ctrl+S save, Del delete.
let handler = null;

function typing(target) {
    if (!target) {
        return false;
    }
    const tag = target.tagName;
    return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

function inDialog(target) {
    return !!(target && target.closest && target.closest('.rz-dialog, .rz-dialog-wrapper, .zk-ops-overlay'));
}

export function attach(dotNet) {
    detach();
    handler = e => {
        let action = null;
        if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key === 's' || e.key === 'S')) {
            action = 'save';
        } else if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || inDialog(e.target)) {
            return;
        } else if (e.key === '/') {
            action = 'search';
        } else if (e.key === '?') {
            action = 'help';
        } else if (e.key === 'Delete') {
            action = 'delete';
        }
        if (action) {
            e.preventDefault();
            dotNet.invokeMethodAsync('OnShortcutAsync', action).catch(() => { });
        }
    };
    document.addEventListener('keydown', handler);
}

export function detach() {
    if (handler) {
        document.removeEventListener('keydown', handler);
        handler = null;
    }
}

export function focusElement(element) {
    if (element) {
        element.focus();
        if (element.select) {
            element.select();
        }
    }
}
