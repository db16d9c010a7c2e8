using System.Globalization;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Znodes.Stats;

/// <summary>
/// When a TTL node becomes eligible to expire. ZooKeeper's container manager deletes a TTL node once it has no
/// children and its last change (mtime) is more than TTL ago; it checks periodically, so the node may outlive that
/// moment a little. Only for nodes the dashboard created (ZooKeeper does not tell clients the TTL).
/// </summary>
public static class TtlExpiry
{
    /// <summary>mtime + TTL.</summary>
    public static DateTimeOffset EligibleAt(Stat stat, long ttlMs)
    {
        ArgumentNullException.ThrowIfNull(stat);
        return DateTimeOffset.FromUnixTimeMilliseconds(stat.Mtime).AddMilliseconds(ttlMs);
    }

    /// <summary>
    /// "eligible to expire from 2026-11-21 15:03:07 (in 59 min): 1 h after its last change, as it has no children",
    /// or, with children, that it will not expire while it has them.
    /// </summary>
    public static string Describe(Stat stat, long ttlMs, string ttlText, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(stat);
        ArgumentNullException.ThrowIfNull(zone);
        var eligible = EligibleAt(stat, ttlMs);
        var local = TimeZoneInfo.ConvertTime(eligible, zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        var when = $"{local} ({TimeFormat.Relative(eligible, now)})";
        if (stat.NumChildren > 0)
        {
            var children = stat.NumChildren == 1 ? "1 child" : $"{stat.NumChildren.ToString("N0", CultureInfo.InvariantCulture)} children";
            return $"not while it has children (it has {children}); once it has none, {ttlText} after its last change (that would be {when})";
        }

        return eligible <= now
            ? $"eligible to expire since {when}: {ttlText} after its last change, as it has no children; the server removes it at its next check"
            : $"eligible to expire from {when}: {ttlText} after its last change, as it has no children";
    }
}
