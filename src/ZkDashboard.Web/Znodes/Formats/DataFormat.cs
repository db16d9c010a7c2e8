namespace ZkDashboard.Web.Znodes.Formats;

/// <summary>The shape of a znode's data as the explorer presents it.</summary>
public enum DataFormat
{
    /// <summary>Zero bytes.</summary>
    Empty,
    /// <summary>Valid UTF-8 without control characters that matches no structured format.</summary>
    Text,
    Json,
    Yaml,
    Xml,
    /// <summary>Java <c>.properties</c>: <c>key=value</c> lines and <c>#</c>/<c>!</c> comments.</summary>
    Properties,
    /// <summary>Invalid UTF-8 or control bytes: shown as hex dump and base64.</summary>
    Binary,
}

/// <summary>Display names and editor capabilities of each <see cref="DataFormat"/>.</summary>
public static class DataFormatInfo
{
    public static string DisplayName(DataFormat format) => format switch
    {
        DataFormat.Empty => "Empty",
        DataFormat.Text => "Text (UTF-8)",
        DataFormat.Json => "JSON",
        DataFormat.Yaml => "YAML",
        DataFormat.Xml => "XML",
        DataFormat.Properties => "Properties",
        DataFormat.Binary => "Binary",
        _ => format.ToString(),
    };

    /// <summary>Formats whose text the editor validates before saving.</summary>
    public static bool IsValidated(DataFormat format) =>
        format is DataFormat.Json or DataFormat.Yaml or DataFormat.Xml;

    /// <summary>Formats that have a pretty-printed view distinct from the raw text.</summary>
    public static bool HasPrettyView(DataFormat format) =>
        format is DataFormat.Json or DataFormat.Xml;
}
