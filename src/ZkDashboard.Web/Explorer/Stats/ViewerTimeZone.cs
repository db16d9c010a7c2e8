using System.Globalization;

namespace ZkDashboard.Web.Explorer.Stats;

/// <summary>
/// The time zone of the person looking at the page, cascaded by the layout to every component that shows a time
/// (stat, event log, children grid, banners). The browser names its IANA zone once the circuit is up; until then,
/// and when the server does not know that zone, times are in the server's zone (and the stat table says which).
/// </summary>
public sealed class ViewerTimeZone
{
    private ViewerTimeZone(TimeZoneInfo zone, bool fromBrowser)
    {
        Zone = zone;
        FromBrowser = fromBrowser;
    }

    /// <summary>The server's zone: what is shown before the browser answered.</summary>
    public static ViewerTimeZone Server { get; } = new(TimeZoneInfo.Local, fromBrowser: false);

    public TimeZoneInfo Zone { get; }

    /// <summary>True when <see cref="Zone"/> is the one the browser named.</summary>
    public bool FromBrowser { get; }

    /// <summary>The browser's zone by its IANA id ("Europe/Paris"), or null when the id is empty or unknown here.</summary>
    public static ViewerTimeZone? FromBrowserId(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone)
            ? new ViewerTimeZone(zone, fromBrowser: true)
            : null;

    /// <summary>A fixed zone (tests, or a zone chosen by other means).</summary>
    public static ViewerTimeZone Of(TimeZoneInfo zone) => new(zone, fromBrowser: true);

    public DateTimeOffset ToLocal(DateTimeOffset time) => TimeZoneInfo.ConvertTime(time, Zone);

    /// <summary><paramref name="time"/> in this zone, formatted with the invariant culture.</summary>
    public string Format(DateTimeOffset time, string format) => ToLocal(time).ToString(format, CultureInfo.InvariantCulture);
}
