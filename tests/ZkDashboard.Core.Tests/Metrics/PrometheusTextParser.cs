using System.Globalization;
using System.Text;

namespace ZkDashboard.Core.Tests.Metrics;

/// <summary>
/// A strict parser for the Prometheus text format 0.0.4, written for the tests: it fails on anything a scraper would
/// reject (sample before its # TYPE, a family declared twice, bad names, bad escapes, unparsable values).
/// </summary>
public static class PrometheusTextParser
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public sealed record Family(string Name, string Help, string Type, List<Sample> Samples);

    public static IReadOnlyDictionary<string, Family> Parse(string text)
    {
        var families = new Dictionary<string, Family>(StringComparer.Ordinal);
        string? helpFor = null;
        string? help = null;
        Family? current = null;
        var lineNo = 0;
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        foreach (var line in text.Split('\n')[..^1])
        {
            lineNo++;
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var rest = line[7..];
                var sp = rest.IndexOf(' ', StringComparison.Ordinal);
                helpFor = sp < 0 ? rest : rest[..sp];
                help = sp < 0 ? "" : Unescape(rest[(sp + 1)..], allowQuote: false, lineNo);
                AssertName(helpFor, lineNo);
            }
            else if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ');
                Assert.True(parts.Length == 2, $"line {lineNo}: malformed TYPE '{line}'");
                Assert.Contains(parts[1], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                Assert.False(families.ContainsKey(parts[0]), $"line {lineNo}: family {parts[0]} declared twice");
                Assert.True(helpFor == parts[0], $"line {lineNo}: TYPE {parts[0]} without a HELP line before it");
                current = new Family(parts[0], help ?? "", parts[1], []);
                families[parts[0]] = current;
            }
            else if (line.StartsWith('#'))
            {
                continue;
            }
            else
            {
                Assert.False(string.IsNullOrWhiteSpace(line), $"line {lineNo}: blank line");
                var sample = ParseSample(line, lineNo);
                Assert.True(current is not null && current.Name == sample.Name, $"line {lineNo}: sample {sample.Name} outside its family block");
                current!.Samples.Add(sample);
            }
        }
        return families;
    }

    private static Sample ParseSample(string line, int lineNo)
    {
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ')
        {
            i++;
        }
        var name = line[..i];
        AssertName(name, lineNo);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                var label = line[i..eq];
                Assert.Matches("^[a-zA-Z_][a-zA-Z0-9_]*$", label);
                Assert.True(line[eq + 1] == '"', $"line {lineNo}: label value must be quoted");
                var j = eq + 2;
                var sb = new StringBuilder();
                while (line[j] != '"')
                {
                    if (line[j] == '\\')
                    {
                        j++;
                        sb.Append(line[j] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            _ => throw new FormatException($"line {lineNo}: bad escape \\{line[j]}"),
                        });
                    }
                    else
                    {
                        sb.Append(line[j]);
                    }
                    j++;
                }
                Assert.True(labels.TryAdd(label, sb.ToString()), $"line {lineNo}: duplicate label {label}");
                i = j + 1;
                if (line[i] == ',')
                {
                    i++;
                }
            }
            i++;
        }
        Assert.True(i < line.Length && line[i] == ' ', $"line {lineNo}: missing space before value");
        var valueText = line[(i + 1)..].Split(' ')[0];
        var value = valueText switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new Sample(name, labels, value);
    }

    private static string Unescape(string text, bool allowQuote, int lineNo)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
                sb.Append(text[i] switch
                {
                    '\\' => '\\',
                    'n' => '\n',
                    '"' when allowQuote => '"',
                    _ => throw new FormatException($"line {lineNo}: bad escape in HELP"),
                });
            }
            else
            {
                sb.Append(text[i]);
            }
        }
        return sb.ToString();
    }

    private static void AssertName(string name, int lineNo)
        => Assert.True(System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-zA-Z_:][a-zA-Z0-9_:]*$"), $"line {lineNo}: invalid metric name '{name}'");
}
