using System.Globalization;

namespace ZkDashboard.Benchmarks.Client;

/// <summary>The "RESULT key value" lines printed by one harness run.</summary>
public sealed class HarnessResults
{
    private readonly Dictionary<string, double> _values = new(StringComparer.Ordinal);

    public HarnessResults(string client) => Client = client;

    public string Client { get; }

    public IReadOnlyDictionary<string, double> Values => _values;

    public double? this[string key] => _values.TryGetValue(key, out var v) ? v : null;

    public static HarnessResults Parse(string client, string stdout)
    {
        var r = new HarnessResults(client);
        foreach (var line in stdout.Split('\n'))
        {
            var parts = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 3 && parts[0] == "RESULT"
                && double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                r._values[parts[1]] = v;
            }
        }

        return r;
    }

    /// <summary>Median per key across rounds (keys missing from a round are skipped).</summary>
    public static HarnessResults Median(string client, IReadOnlyList<HarnessResults> rounds)
    {
        var r = new HarnessResults(client);
        foreach (var key in rounds.SelectMany(x => x._values.Keys).Distinct(StringComparer.Ordinal))
        {
            var vs = rounds.Select(x => x[key]).OfType<double>().Order().ToArray();
            r._values[key] = vs.Length % 2 == 1 ? vs[vs.Length / 2] : (vs[(vs.Length / 2) - 1] + vs[vs.Length / 2]) / 2;
        }

        return r;
    }

    public static void Print(TextWriter w, string key, double value) =>
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {key} {value}"));
}
