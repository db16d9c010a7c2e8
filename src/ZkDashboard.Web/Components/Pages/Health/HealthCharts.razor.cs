using System.Globalization;
using Microsoft.AspNetCore.Components;
using ZkDashboard.Core.Health;
using ZkDashboard.Web.Auth;
using ZkDashboard.Web.Znodes.Stats;

namespace ZkDashboard.Web.Components.Pages.Health;

/// <summary>
/// Charts of one metric for every server over 5 min … 7 d. Short windows come from the in-memory polls and grow live from
/// each pushed snapshot; longer ones from the stored downsampled buckets (the resolution is written above the chart).
/// </summary>
public sealed partial class HealthCharts
{
    [Parameter, EditorRequired] public string Ensemble { get; set; } = "";

    /// <summary>The latest snapshot (each new one appends a point to live windows).</summary>
    [Parameter, EditorRequired] public EnsembleHealth Health { get; set; } = default!;

    [Parameter] public IReadOnlyList<HealthAlert> Alerts { get; set; } = [];

    [CascadingParameter] private ViewerTimeZone? ViewerZone { get; set; }

    [Inject] private IEnsembleHealthOperations HealthOps { get; set; } = default!;

    [Inject] private ICurrentUser CurrentUser { get; set; } = default!;

    private ViewerTimeZone Viewer => ViewerZone ?? ViewerTimeZone.Server;

    public sealed record ChartPoint(DateTime Time, double Value);

    private sealed record Mark(DateTimeOffset At, string Kind, string Title);

    private sealed record MetricChoice(string Key, string Label, string Unit, string[] Sources, bool Rate = false);

    private static readonly (TimeSpan Span, string Label)[] Windows =
    [
        (TimeSpan.FromMinutes(5), "5 min"), (TimeSpan.FromHours(1), "1 h"), (TimeSpan.FromHours(6), "6 h"),
        (TimeSpan.FromHours(24), "24 h"), (TimeSpan.FromDays(7), "7 d"),
    ];

    private static readonly MetricChoice[] Metrics =
    [
        new("latency_avg", "Average latency", "ms", [HistoryMetricNames.LatencyAvg]),
        new("latency_max", "Maximum latency", "ms", [HistoryMetricNames.LatencyMax]),
        new("latency_p99", "p99 latency", "ms", [HistoryMetricNames.LatencyP99]),
        new("outstanding", "Outstanding requests", "requests", [HistoryMetricNames.Outstanding]),
        new("packets", "Packets per second (in + out)", "packets/s", [HistoryMetricNames.PacketsReceived, HistoryMetricNames.PacketsSent], Rate: true),
        new("znodes", "Znodes", "znodes", [HistoryMetricNames.ZnodeCount]),
        new("watches", "Watches", "watches", [HistoryMetricNames.WatchCount]),
        new("connections", "Connections", "connections", [HistoryMetricNames.Connections]),
        new("ephemerals", "Ephemerals", "nodes", [HistoryMetricNames.Ephemerals]),
        new("size", "Approximate data size", "bytes", [HistoryMetricNames.ApproximateDataSize]),
        new("fds", "Open file descriptors", "fds", [HistoryMetricNames.OpenFileDescriptors]),
    ];

    private TimeSpan window = TimeSpan.FromMinutes(5);
    private string metric = "latency_avg";
    private string resolution = "";
    private string? error;
    private bool loading;
    private List<(string Server, List<ChartPoint> Points)> series = [];
    private List<Mark> marks = [];
    private bool live;
    private EnsembleHealth? appended;
    private readonly Dictionary<string, (DateTimeOffset At, double Total)> lastCounters = [];

    private MetricChoice Current => Metrics.First(m => m.Key == metric);

    private string WindowLabel => Windows.First(w => w.Span == window).Label;

    protected override async Task OnInitializedAsync() => await LoadAsync();

    protected override void OnParametersSet()
    {
        if (live && !loading && appended is not null && !ReferenceEquals(appended, Health) && Health.Timestamp > appended.Timestamp)
        {
            Append(Health);
        }
    }

    private async Task SetWindowAsync(TimeSpan span)
    {
        window = span;
        await LoadAsync();
    }

    private async Task OnMetricChangedAsync(ChangeEventArgs e)
    {
        metric = e.Value?.ToString() ?? metric;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        loading = true;
        error = null;
        try
        {
            var user = CurrentUser.User;
            var loaded = new List<(string, List<ChartPoint>)>();
            var leaderMarks = new List<Mark>();
            string? res = null;
            // Every series of every server at once (each read is its own store query), then combined in server order.
            var servers = Health.Servers.Select(s => s.HostPort).ToArray();
            var w = window;
            var reads = servers.Select(server => Task.WhenAll(
                Current.Sources.Append(HistoryMetricNames.IsLeader).Select(source => HealthOps.GetHistoryAsync(user, Ensemble, server, source, w)))).ToArray();
            var results = await Task.WhenAll(reads);
            for (var si = 0; si < servers.Length; si++)
            {
                var server = servers[si];
                var parts = results[si][..^1].ToList();
                res ??= parts[0].Description;
                loaded.Add((server, Combine(parts)));
                var leader = results[si][^1];
                for (var i = 1; i < leader.Points.Count; i++)
                {
                    if (leader.Points[i - 1].Value < 0.5 && leader.Points[i].Value >= 0.5)
                    {
                        leaderMarks.Add(new Mark(leader.Points[i].Timestamp, "leader", $"{server} became leader"));
                    }
                }
            }
            series = loaded;
            resolution = res ?? "no samples yet";
            var since = DateTimeOffset.UtcNow - window;
            marks = [.. Alerts.Where(a => a.RaisedAt >= since).Select(a => new Mark(a.RaisedAt, "alert", $"{a.Kind} {a.Server ?? "ensemble"}: {a.Message}")),
                .. leaderMarks];
            marks.Sort((a, b) => a.At.CompareTo(b.At));
            live = window <= TimeSpan.FromHours(1);
            appended = Health;
            lastCounters.Clear();
        }
        catch (Exception ex) when (ex is Core.Access.AccessDeniedException or InvalidOperationException or Microsoft.EntityFrameworkCore.DbUpdateException)
        {
            error = $"The chart could not be loaded: {ex.Message}";
        }
        finally
        {
            loading = false;
        }
    }

    /// <summary>Sums the sources per timestamp (packets in + out) and, for counters, turns them into a rate per second.</summary>
    private List<ChartPoint> Combine(List<HealthSeries> parts)
    {
        var summed = parts.SelectMany(p => p.Points).GroupBy(p => p.Timestamp).OrderBy(g => g.Key)
            .Select(g => new MetricPoint(g.Key, g.Sum(p => p.Value))).ToList();
        if (!Current.Rate)
        {
            return summed.Select(p => new ChartPoint(Local(p.Timestamp), p.Value)).ToList();
        }
        var rates = new List<ChartPoint>();
        for (var i = 1; i < summed.Count; i++)
        {
            var dt = (summed[i].Timestamp - summed[i - 1].Timestamp).TotalSeconds;
            var dv = summed[i].Value - summed[i - 1].Value;
            if (dt > 0 && dv >= 0)
            {
                rates.Add(new ChartPoint(Local(summed[i].Timestamp), dv / dt));
            }
        }
        return rates;
    }

    /// <summary>Adds the new snapshot's values to a live window, dropping what fell out of it.</summary>
    private void Append(EnsembleHealth h)
    {
        appended = h;
        var cutoff = Local(h.Timestamp - window);
        foreach (var (server, points) in series)
        {
            var s = h.Servers.FirstOrDefault(x => x.HostPort == server);
            if (s is null)
            {
                continue;
            }
            var values = Current.Sources.Select(src => Value(s, src)).ToArray();
            if (values.All(v => v is null))
            {
                continue;
            }
            var total = values.Sum(v => v ?? 0);
            var at = s.SampledAt == default ? h.Timestamp : s.SampledAt;
            if (Current.Rate)
            {
                if (lastCounters.TryGetValue(server, out var last) && at > last.At && total >= last.Total)
                {
                    points.Add(new ChartPoint(Local(at), (total - last.Total) / (at - last.At).TotalSeconds));
                }
                lastCounters[server] = (at, total);
            }
            else
            {
                points.Add(new ChartPoint(Local(at), total));
            }
            points.RemoveAll(p => p.Time < cutoff);
        }
        foreach (var a in h.ActiveAlerts.Where(a => marks.All(m => m.Kind != "alert" || m.At != a.RaisedAt)))
        {
            marks.Add(new Mark(a.RaisedAt, "alert", $"{a.Kind} {a.Server ?? "ensemble"}: {a.Message}"));
        }
    }

    private static double? Value(ServerHealth s, string source) => source switch
    {
        HistoryMetricNames.LatencyAvg => s.LatencyAvg,
        HistoryMetricNames.LatencyMax => s.LatencyMax,
        HistoryMetricNames.LatencyP99 => s.LatencyP99,
        HistoryMetricNames.Outstanding => s.Outstanding,
        HistoryMetricNames.PacketsReceived => s.PacketsReceived,
        HistoryMetricNames.PacketsSent => s.PacketsSent,
        HistoryMetricNames.ZnodeCount => s.ZnodeCount,
        HistoryMetricNames.WatchCount => s.WatchCount,
        HistoryMetricNames.Connections => s.Connections,
        HistoryMetricNames.Ephemerals => s.Ephemerals,
        HistoryMetricNames.ApproximateDataSize => s.ApproximateDataSize,
        HistoryMetricNames.OpenFileDescriptors => s.OpenFileDescriptors,
        _ => null,
    };

    private string FormatTime(object value) => value is DateTime t
        ? t.ToString(window >= TimeSpan.FromDays(1) ? "MM-dd HH:mm" : window > TimeSpan.FromMinutes(5) ? "HH:mm" : "HH:mm:ss", CultureInfo.InvariantCulture)
        : value?.ToString() ?? "";

    private string FormatValue(object value) => value is IConvertible c
        ? Current.Unit == "bytes" ? HealthText.Bytes((long)c.ToDouble(CultureInfo.InvariantCulture)) : c.ToDouble(CultureInfo.InvariantCulture).ToString("0.##", CultureInfo.InvariantCulture)
        : "";

    private DateTime Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Viewer.Zone).DateTime;

    private string X(DateTimeOffset at)
    {
        var end = DateTimeOffset.UtcNow;
        var fraction = 1 - (end - at) / window;
        return (Math.Clamp(fraction, 0, 1) * 996).ToString("0.#", CultureInfo.InvariantCulture);
    }
}
