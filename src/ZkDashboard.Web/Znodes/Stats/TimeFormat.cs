using System.Globalization;

namespace ZkDashboard.Web.Znodes.Stats;

/// <summary>Time display for the explorer: local, UTC and relative age.</summary>
public static class TimeFormat
{
    public static DateTimeOffset FromEpochMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>"2026-11-21 14:03:07 UTC".</summary>
    public static string Utc(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>"2026-11-21 15:03:07 (UTC+01:00)" in the given zone.</summary>
    public static string Local(DateTimeOffset time, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(time, zone);
        var offset = local.Offset;
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        return local.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            + string.Create(CultureInfo.InvariantCulture, $" (UTC{sign}{offset.Duration():hh\\:mm})");
    }

    /// <summary>"just now", "42 s ago", "3 min ago", "5 h ago", "2 days ago", "in 3 min".</summary>
    public static string Relative(DateTimeOffset time, DateTimeOffset now)
    {
        var delta = now - time;
        var future = delta < TimeSpan.Zero;
        var span = delta.Duration();
        string amount;
        if (span < TimeSpan.FromSeconds(5))
        {
            return "just now";
        }
        else if (span < TimeSpan.FromMinutes(1))
        {
            amount = $"{(int)span.TotalSeconds} s";
        }
        else if (span < TimeSpan.FromHours(1))
        {
            amount = $"{(int)span.TotalMinutes} min";
        }
        else if (span < TimeSpan.FromDays(1))
        {
            amount = $"{(int)span.TotalHours} h";
        }
        else if (span < TimeSpan.FromDays(365))
        {
            var days = (int)span.TotalDays;
            amount = days == 1 ? "1 day" : $"{days} days";
        }
        else
        {
            var years = (int)(span.TotalDays / 365.25);
            amount = years <= 1 ? "1 year" : $"{years} years";
        }

        return future ? $"in {amount}" : $"{amount} ago";
    }
}
