using System.Globalization;

namespace ZkDashboard.Web.Znodes.Formats;

/// <summary>Human-readable byte sizes in binary units (KiB, MiB).</summary>
public static class SizeFormatter
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    /// <summary>"0 B", "512 B", "1.5 KiB", "1.0 MiB".</summary>
    public static string Format(long bytes)
    {
        if (bytes < 1024)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{bytes} B");
        }

        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {Units[unit]}");
    }

    /// <summary>"1.5 KiB (1,536 bytes)" — or "12 bytes" below 1 KiB.</summary>
    public static string FormatWithBytes(long bytes) => bytes < 1024
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} {(bytes == 1 ? "byte" : "bytes")}")
        : string.Create(CultureInfo.InvariantCulture, $"{Format(bytes)} ({bytes:N0} bytes)");
}
