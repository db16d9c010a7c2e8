using System.Text;
using System.Text.Json;
using System.Xml;
using YamlDotNet.RepresentationModel;

namespace ZkDashboard.Web.Znodes.Formats;

/// <summary>The result of validating text as a format; <see cref="Line"/> and <see cref="Column"/> are 1-based.</summary>
public sealed record ValidationResult(bool IsValid, string? Message = null, int? Line = null, int? Column = null)
{
    public static ValidationResult Valid { get; } = new(true);

    /// <summary>"line 3, column 7: message" — or just the message when no position is known.</summary>
    public string Describe() => IsValid
        ? "Valid"
        : Line is { } l ? $"Line {l}, column {Column ?? 1}: {Message}" : Message ?? "Invalid";
}

/// <summary>Validates JSON, YAML and XML text and reports where the first error is.</summary>
public static class FormatValidator
{
    public static ValidationResult Validate(string text, DataFormat format) => format switch
    {
        DataFormat.Json => ValidateJson(text),
        DataFormat.Yaml => ValidateYaml(text),
        DataFormat.Xml => ValidateXml(text),
        _ => ValidationResult.Valid,
    };

    public static ValidationResult ValidateJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return ValidationResult.Valid;
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? 0);
            var column = CharColumn(text, line, (int)(ex.BytePositionInLine ?? 0));
            return new ValidationResult(false, CleanJsonMessage(ex.Message), line + 1, column + 1);
        }
    }

    public static ValidationResult ValidateYaml(string text)
    {
        try
        {
            var stream = new YamlStream();
            using var reader = new StringReader(text);
            stream.Load(reader);
            return ValidationResult.Valid;
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            var message = ex.InnerException is YamlDotNet.Core.YamlException inner ? inner.Message : ex.Message;
            return new ValidationResult(false, StripYamlPosition(message), (int)ex.Start.Line, (int)ex.Start.Column);
        }
    }

    public static ValidationResult ValidateXml(string text)
    {
        try
        {
            using var reader = XmlReader.Create(new StringReader(text), SafeXmlSettings());
            while (reader.Read())
            {
            }

            return ValidationResult.Valid;
        }
        catch (XmlException ex)
        {
            return ex.LineNumber > 0
                ? new ValidationResult(false, StripXmlPosition(ex.Message), ex.LineNumber, Math.Max(1, ex.LinePosition))
                : new ValidationResult(false, StripXmlPosition(ex.Message));
        }
    }

    /// <summary>Reader settings that refuse DTDs and external entities (no XXE, no entity expansion bombs).</summary>
    internal static XmlReaderSettings SafeXmlSettings() => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreWhitespace = false,
        MaxCharactersFromEntities = 0,
    };

    /// <summary>Converts a 0-based UTF-8 byte offset within a line into a 0-based character column.</summary>
    private static int CharColumn(string text, int lineIndex, int byteOffset)
    {
        var lines = text.Split('\n');
        if (lineIndex < 0 || lineIndex >= lines.Length)
        {
            return byteOffset;
        }

        var bytes = Encoding.UTF8.GetBytes(lines[lineIndex]);
        var take = Math.Clamp(byteOffset, 0, bytes.Length);
        return Encoding.UTF8.GetCharCount(bytes, 0, take);
    }

    private static string CleanJsonMessage(string message)
    {
        // System.Text.Json appends " LineNumber: x | BytePositionInLine: y." — the position is reported separately.
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim().TrimEnd('.');
    }

    private static string StripYamlPosition(string message)
    {
        // "(Line: 2, Col: 5, Idx: 9) - (Line: 2, Col: 6, Idx: 10): While scanning ..." → "While scanning ..."
        var marker = message.LastIndexOf("): ", StringComparison.Ordinal);
        return (marker >= 0 ? message[(marker + 3)..] : message).Trim().TrimEnd('.');
    }

    private static string StripXmlPosition(string message)
    {
        var cut = message.IndexOf(" Line ", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim().TrimEnd('.');
    }
}
