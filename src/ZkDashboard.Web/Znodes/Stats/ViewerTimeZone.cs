using System.Globalization;

namespace ZkDashboard.Web.Znodes.Stats;

/// <summary>
/// The time zone of the person looking at the page, cascaded by the layout to every component that shows a time
/// (stat, event log, children grid, banners). The browser names its IANA zone once the circuit is up; until then,
/// and when the server does not know that zone, times are in the server's zone (and the stat table says which).
/// </summary>
public sealed class ViewerTimeZone
{
    private ViewerTimeZone(TimeZoneInfo zone) => Zone = zone;

    /// <summary>The server's zone: what is shown before the browser answered.</summary>
    public static ViewerTimeZone Server { get; } = new(TimeZoneInfo.Local);

    public TimeZoneInfo Zone { get; }

    /// <summary>The browser's zone by its IANA id ("Europe/Paris"), or null when the id is empty or unknown here.</summary>
    public static ViewerTimeZone? FromBrowserId(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? new ViewerTimeZone(zone) : null;

    /// <summary><paramref name="time"/> in this zone, formatted with the invariant culture.</summary>
    public string Format(DateTimeOffset time, string format) =>
        TimeZoneInfo.ConvertTime(time, Zone).ToString(format, CultureInfo.InvariantCulture);
}
