using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Xml;

namespace ZkDashboard.Web.Znodes.Formats;

/// <summary>Pretty-prints JSON and XML for the formatted view. Returns <c>null</c> when the text does not parse.</summary>
public static class Prettifier
{
    private static readonly JsonWriterOptions JsonOptions = new()
    {
        Indented = true,
        // The output is shown as text (never as markup), so non-ASCII stays readable instead of \uXXXX.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string? Format(string text, DataFormat format) => format switch
    {
        DataFormat.Json => Json(text),
        DataFormat.Xml => Xml(text),
        _ => null,
    };

    public static string? Json(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
            {
                doc.WriteTo(writer);
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string? Xml(string text)
    {
        try
        {
            var settings = FormatValidator.SafeXmlSettings();
            settings.IgnoreWhitespace = true;
            using var reader = XmlReader.Create(new StringReader(text), settings);
            var output = new StringBuilder();
            var writerSettings = new XmlWriterSettings
            {
                Indent = true,
                IndentChars = "  ",
                OmitXmlDeclaration = !text.TrimStart().StartsWith("<?xml", StringComparison.Ordinal),
                ConformanceLevel = ConformanceLevel.Document,
            };
            using (var writer = XmlWriter.Create(output, writerSettings))
            {
                writer.WriteNode(reader, defattr: true);
            }

            return output.ToString();
        }
        catch (XmlException)
        {
            return null;
        }
    }
}
