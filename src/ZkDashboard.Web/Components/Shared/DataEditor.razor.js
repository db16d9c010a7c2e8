// Keeps the highlighted layer and the line-number gutter scrolled with the textarea; Tab inserts spaces.
export function attach(textarea, highlight, gutter) {
    if (!textarea || textarea._zkEditor) {
        return;
    }
    const sync = () => {
        highlight.scrollTop = textarea.scrollTop;
        highlight.scrollLeft = textarea.scrollLeft;
        gutter.scrollTop = textarea.scrollTop;
    };
    const onKey = e => {
        if (e.key === 'Tab' && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey) {
            e.preventDefault();
            const start = textarea.selectionStart;
            const end = textarea.selectionEnd;
            textarea.setRangeText('  ', start, end, 'end');
            textarea.dispatchEvent(new Event('input', { bubbles: true }));
        }
    };
    textarea.addEventListener('scroll', sync);
    textarea.addEventListener('keydown', onKey);
    textarea._zkEditor = { sync, onKey };
    // Re-sync after Blazor re-renders the layers.
    const observer = new MutationObserver(sync);
    observer.observe(highlight, { childList: true, subtree: true, characterData: true });
    textarea._zkEditor.observer = observer;
}

export function detach(textarea) {
    if (textarea && textarea._zkEditor) {
        textarea.removeEventListener('scroll', textarea._zkEditor.sync);
        textarea.removeEventListener('keydown', textarea._zkEditor.onKey);
        textarea._zkEditor.observer.disconnect();
        delete textarea._zkEditor;
    }
}
