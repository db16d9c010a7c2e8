using System.Globalization;

namespace ZkDashboard.Benchmarks;

/// <summary>"--key value" options after the benchmark names (a bare "--flag" means "true").</summary>
public sealed class BenchmarkArgs
{
    private readonly Dictionary<string, string> _values;

    private BenchmarkArgs(Dictionary<string, string> values) => _values = values;

    public static BenchmarkArgs Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{args[i]}': options are '--key value'.");
            }

            var key = args[i][2..];
            values[key] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
        }

        return new BenchmarkArgs(values);
    }

    public string? Get(string key) => _values.GetValueOrDefault(key);

    public double GetDouble(string key, double fallback) =>
        _values.TryGetValue(key, out var s) ? double.Parse(s, CultureInfo.InvariantCulture) : fallback;

    public int GetInt(string key, int fallback) =>
        _values.TryGetValue(key, out var s) ? int.Parse(s, CultureInfo.InvariantCulture) : fallback;
}
