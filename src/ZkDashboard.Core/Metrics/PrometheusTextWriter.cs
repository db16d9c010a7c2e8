using System.Globalization;
using System.Text;

namespace ZkDashboard.Core.Metrics;

public enum PrometheusMetricType
{
    Gauge,
    Counter,
    Untyped,
}

/// <summary>
/// Writes the Prometheus text exposition format 0.0.4: one <c># HELP</c> and <c># TYPE</c> per family, samples grouped by
/// family, label values escaped (\\, \", \n), names sanitized to [a-zA-Z_:][a-zA-Z0-9_:]*.
/// </summary>
public sealed class PrometheusTextWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly Dictionary<string, Family> _families = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    private sealed record Family(string Help, PrometheusMetricType Type, List<string> Samples);

    /// <summary>Adds one sample. The first call for a family fixes its help and type.</summary>
    public void Add(string name, string help, PrometheusMetricType type, double value, params (string Name, string Value)[] labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var metric = SanitizeName(name);
        if (!_families.TryGetValue(metric, out var family))
        {
            family = new Family(help, type, []);
            _families[metric] = family;
            _order.Add(metric);
        }
        var sb = new StringBuilder(metric);
        if (labels.Length > 0)
        {
            sb.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                if (i > 0)
                {
                    sb.Append(',');
                }
                sb.Append(SanitizeLabelName(labels[i].Name)).Append("=\"").Append(EscapeLabelValue(labels[i].Value)).Append('"');
            }
            sb.Append('}');
        }
        sb.Append(' ').Append(FormatValue(value));
        family.Samples.Add(sb.ToString());
    }

    public void Gauge(string name, string help, double value, params (string Name, string Value)[] labels)
        => Add(name, help, PrometheusMetricType.Gauge, value, labels);

    public void Counter(string name, string help, double value, params (string Name, string Value)[] labels)
        => Add(name, help, PrometheusMetricType.Counter, value, labels);

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var name in _order)
        {
            var f = _families[name];
            sb.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(f.Help)).Append('\n');
            sb.Append("# TYPE ").Append(name).Append(' ').Append(f.Type switch
            {
                PrometheusMetricType.Counter => "counter",
                PrometheusMetricType.Gauge => "gauge",
                _ => "untyped",
            }).Append('\n');
            foreach (var sample in f.Samples)
            {
                sb.Append(sample).Append('\n');
            }
        }
        return sb.ToString();
    }

    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    public static string EscapeLabelValue(string value)
        => (value ?? "").Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public static string EscapeHelp(string help)
        => (help ?? "").Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public static string SanitizeName(string name) => Sanitize(name, allowColon: true);

    public static string SanitizeLabelName(string name) => Sanitize(name, allowColon: false);

    private static string Sanitize(string name, bool allowColon)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            var ok = char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':');
            if (!ok)
            {
                chars[i] = '_';
            }
        }
        return char.IsAsciiDigit(chars[0]) ? "_" + new string(chars) : new string(chars);
    }
}
