using System.Text;

namespace ZkDashboard.Web.Znodes.Formats;

/// <summary>One line of a hex dump: offset, hex bytes and their printable-ASCII rendering.</summary>
public sealed record HexDumpRow(long Offset, string OffsetText, string Hex, string Ascii);

/// <summary>Hex dump and base64 views for any data.</summary>
public static class HexDump
{
    public const int BytesPerRow = 16;

    /// <summary>Number of rows a dump of <paramref name="length"/> bytes has.</summary>
    public static int RowCount(int length) => (length + BytesPerRow - 1) / BytesPerRow;

    /// <summary>The dump row starting at byte <c>rowIndex * 16</c>.</summary>
    public static HexDumpRow Row(ReadOnlySpan<byte> data, int rowIndex)
    {
        var start = rowIndex * BytesPerRow;
        var slice = data.Slice(start, Math.Min(BytesPerRow, data.Length - start));
        var hex = new StringBuilder(BytesPerRow * 3 + 1);
        var ascii = new StringBuilder(BytesPerRow);
        for (var i = 0; i < BytesPerRow; i++)
        {
            if (i == 8)
            {
                hex.Append(' ');
            }

            if (i < slice.Length)
            {
                hex.Append(slice[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                ascii.Append(slice[i] is >= 0x20 and < 0x7F ? (char)slice[i] : '.');
            }
            else
            {
                hex.Append("  ");
            }

            if (i < BytesPerRow - 1)
            {
                hex.Append(' ');
            }
        }

        return new HexDumpRow(start, start.ToString("x8", System.Globalization.CultureInfo.InvariantCulture), hex.ToString(), ascii.ToString());
    }

    public static IReadOnlyList<HexDumpRow> Rows(ReadOnlySpan<byte> data)
    {
        var rows = new HexDumpRow[RowCount(data.Length)];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = Row(data, i);
        }

        return rows;
    }

    /// <summary>The classic <c>hexdump -C</c> layout: <c>00000000  48 65 ...  |He..|</c>, one line per 16 bytes.</summary>
    public static string Format(ReadOnlySpan<byte> data)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < RowCount(data.Length); i++)
        {
            var row = Row(data, i);
            sb.Append(row.OffsetText).Append("  ").Append(row.Hex).Append("  |").Append(row.Ascii).Append('|').Append('\n');
        }

        return sb.ToString();
    }

    public static string Base64(ReadOnlySpan<byte> data) => Convert.ToBase64String(data);

    /// <summary>Base64 wrapped at 76 characters per line (MIME style) for display.</summary>
    public static string Base64Wrapped(ReadOnlySpan<byte> data) =>
        Convert.ToBase64String(data.ToArray(), Base64FormattingOptions.InsertLineBreaks).Replace("\r\n", "\n", StringComparison.Ordinal);
}
