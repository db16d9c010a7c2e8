// The browser's IANA time zone (e.g. "Europe/Paris"), so "local" times are the viewer's, not the server's.
export function timeZone() {
    try {
        return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
    } catch {
        return null;
    }
}
