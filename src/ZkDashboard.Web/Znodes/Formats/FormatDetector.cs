using System.Text;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace ZkDashboard.Web.Znodes.Formats;

/// <summary>The outcome of <see cref="FormatDetector.Detect"/>: the format and, unless binary, the decoded text.</summary>
/// <param name="Format">The detected format.</param>
/// <param name="Text">The data decoded as UTF-8 (BOM removed), or <c>null</c> for binary data.</param>
/// <param name="HasByteOrderMark">True when the data starts with a UTF-8 byte order mark.</param>
/// <param name="BinaryReason">For binary data, why it is not text (e.g. "invalid UTF-8 at byte 3").</param>
public sealed record FormatDetection(DataFormat Format, string? Text, bool HasByteOrderMark, string? BinaryReason = null);

/// <summary>Detects the format of znode data: binary, JSON, XML, properties, YAML or plain text.</summary>
public static class FormatDetector
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Data larger than this is classified as text or binary only; structured parsing is skipped.</summary>
    public const int MaxStructuredParseBytes = 4 * 1024 * 1024;

    public static FormatDetection Detect(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return new FormatDetection(DataFormat.Empty, string.Empty, false);
        }

        var bom = data.Length >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF;
        var body = bom ? data[3..] : data;

        var controlAt = FindControlByte(body);
        if (controlAt >= 0)
        {
            return Binary($"control byte 0x{body[controlAt]:x2} at offset {controlAt + (bom ? 3 : 0)}");
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException ex)
        {
            var at = ex.Index >= 0 ? $" at offset {ex.Index + (bom ? 3 : 0)}" : string.Empty;
            return Binary($"invalid UTF-8{at}");
        }

        if (body.Length > MaxStructuredParseBytes)
        {
            return new FormatDetection(DataFormat.Text, text, bom);
        }

        return new FormatDetection(DetectText(text), text, bom);
    }

    /// <summary>Classifies text that is already known to be valid UTF-8.</summary>
    public static DataFormat DetectText(string text)
    {
        var trimmed = text.AsSpan().Trim();
        if (trimmed.IsEmpty)
        {
            return DataFormat.Text;
        }

        if ((trimmed[0] == '{' || trimmed[0] == '[') && IsJson(text))
        {
            return DataFormat.Json;
        }

        if (trimmed[0] == '<' && FormatValidator.Validate(text, DataFormat.Xml).IsValid)
        {
            return DataFormat.Xml;
        }

        if (LooksLikeProperties(text))
        {
            return DataFormat.Properties;
        }

        if (LooksLikeYaml(text))
        {
            return DataFormat.Yaml;
        }

        return DataFormat.Text;
    }

    private static FormatDetection Binary(string reason) => new(DataFormat.Binary, null, false, reason);

    /// <summary>Index of the first C0 control byte other than tab, LF, CR and form feed, or DEL; -1 if none.</summary>
    private static int FindControlByte(ReadOnlySpan<byte> data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            var b = data[i];
            if ((b < 0x20 && b != (byte)'\t' && b != (byte)'\n' && b != (byte)'\r' && b != 0x0C) || b == 0x7F)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind is JsonValueKind.Object or JsonValueKind.Array;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Every meaningful line is a comment, a <c>key=value</c> pair with a blank-free key, or a continuation.</summary>
    internal static bool LooksLikeProperties(string text)
    {
        var pairs = 0;
        var continuation = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (continuation)
            {
                continuation = line.EndsWith('\\');
                continue;
            }

            if (line.Length == 0 || line[0] == '#' || line[0] == '!')
            {
                continue;
            }

            var eq = line.IndexOf('=');
            if (eq <= 0)
            {
                return false;
            }

            var key = line.AsSpan(0, eq).Trim();
            if (key.IsEmpty || key.ContainsAny(' ', '\t') || key.Contains(':'))
            {
                return false;
            }

            pairs++;
            continuation = line.EndsWith('\\');
        }

        return pairs > 0;
    }

    /// <summary>YAML that parses to a mapping or a sequence (a bare scalar is just text).</summary>
    internal static bool LooksLikeYaml(string text)
    {
        if (!text.Contains(':') && !text.TrimStart().StartsWith('-'))
        {
            return false;
        }

        try
        {
            var stream = new YamlStream();
            using var reader = new StringReader(text);
            stream.Load(reader);
            return stream.Documents.Count > 0
                && stream.Documents.All(d => d.RootNode is YamlMappingNode or YamlSequenceNode);
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return false;
        }
    }
}
