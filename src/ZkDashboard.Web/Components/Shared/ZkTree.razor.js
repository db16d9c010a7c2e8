// Keyboard handling and scrolling for ZkTree. Called through IJSRuntime.InvokeAsync only.
const KEYS = new Set(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown', 'Enter']);

export function attach(element, dotNet) {
    if (!element || element._zkTree) {
        return;
    }
    const onKey = e => {
        if (e.target !== element || e.altKey || e.ctrlKey || e.metaKey || !KEYS.has(e.key)) {
            return;
        }
        e.preventDefault();
        const page = Math.max(1, Math.floor(element.clientHeight / (element._zkRowHeight || 28)) - 1);
        dotNet.invokeMethodAsync('OnTreeKeyAsync', e.key, page).catch(() => { });
    };
    element.addEventListener('keydown', onKey);
    element._zkTree = { onKey };
}

export function detach(element) {
    if (element && element._zkTree) {
        element.removeEventListener('keydown', element._zkTree.onKey);
        delete element._zkTree;
    }
}

// Scrolls so that row `index` (fixed height) is visible; Virtualize then renders it.
export function scrollToIndex(element, index, rowHeight) {
    if (!element) {
        return;
    }
    element._zkRowHeight = rowHeight;
    const top = index * rowHeight;
    const bottom = top + rowHeight;
    if (top < element.scrollTop) {
        element.scrollTop = top;
    } else if (bottom > element.scrollTop + element.clientHeight) {
        element.scrollTop = bottom - element.clientHeight;
    }
}

export function focus(element) {
    if (element) {
        element.focus({ preventScroll: true });
    }
}
