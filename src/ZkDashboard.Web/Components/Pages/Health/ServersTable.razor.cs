using Microsoft.AspNetCore.Components;
using ZkDashboard.Core.Health;

namespace ZkDashboard.Web.Components.Pages.Health;

/// <summary>The servers table of the health page.</summary>
public sealed partial class ServersTable
{
    [Parameter, EditorRequired] public EnsembleHealth Health { get; set; } = default!;

    private string sortKey = "server";
    private bool descending;

    private sealed record Column(string Key, string Header, Func<ServerHealth, IComparable?> Sort, Func<ServerHealth, string> Text);

    private static readonly Column[] Columns =
    [
        new("server", "Server", s => s.HostPort, s => s.HostPort),
        new("status", "Status", s => (int)s.Status, s => HealthText.ServerStatusWord(s.Status)),
        new("mode", "Mode", s => s.Mode, s => s.Mode ?? "–"),
        new("id", "Id", s => s.ServerId, s => s.ServerId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "–"),
        new("version", "Version", s => s.Version, s => s.Version?.Split(' ', '-')[0] ?? "–"),
        new("zxid", "Zxid", s => s.Zxid, s => HealthText.Zxid(s.Zxid)),
        new("epoch", "Epoch", s => s.Epoch, s => HealthText.Number(s.Epoch)),
        new("lag", "Lag", s => s.ZxidLag, s => HealthText.Number(s.ZxidLag)),
        new("latency", "Latency min/avg/max ms", s => s.LatencyAvg, s => $"{HealthText.Number(s.LatencyMin)} / {HealthText.Number(s.LatencyAvg)} / {HealthText.Number(s.LatencyMax)}"),
        new("p99", "p99 ms", s => s.LatencyP99, s => HealthText.Number(s.LatencyP99)),
        new("outstanding", "Outstanding", s => s.Outstanding, s => HealthText.Number(s.Outstanding)),
        new("connections", "Connections", s => s.Connections, s => HealthText.Number(s.Connections)),
        new("znodes", "Znodes", s => s.ZnodeCount, s => HealthText.Number(s.ZnodeCount)),
        new("watches", "Watches", s => s.WatchCount, s => HealthText.Number(s.WatchCount)),
        new("ephemerals", "Ephemerals", s => s.Ephemerals, s => HealthText.Number(s.Ephemerals)),
        new("size", "Data size", s => s.ApproximateDataSize, s => HealthText.Bytes(s.ApproximateDataSize)),
        new("fds", "FDs used/max", s => s.FileDescriptorUsage, s => s.OpenFileDescriptors is null ? "–" : $"{s.OpenFileDescriptors} / {HealthText.Number(s.MaxFileDescriptors)}"),
        new("packets", "Packets in/out", s => s.PacketsReceived, s => $"{HealthText.Number(s.PacketsReceived)} / {HealthText.Number(s.PacketsSent)}"),
        new("uptime", "Uptime", s => HealthText.Uptime(s), s => HealthText.Uptime(s) is { } u ? HealthText.Duration(u) : "–"),
        new("disabled", "Disabled 4lw", s => s.DisabledCommands.Count, s => s.DisabledCommands.Count == 0 ? "none" : string.Join(", ", s.DisabledCommands)),
    ];

    private void SortBy(string key)
    {
        descending = sortKey == key && !descending;
        sortKey = key;
    }

    private IEnumerable<ServerHealth> Sorted()
    {
        var column = Columns.First(c => c.Key == sortKey);
        var comparer = Comparer<IComparable?>.Create((a, b) => a is null ? (b is null ? 0 : 1) : b is null ? -1 : a.CompareTo(b));
        return descending ? Health.Servers.OrderByDescending(column.Sort, comparer) : Health.Servers.OrderBy(column.Sort, comparer);
    }

    /// <summary>Why a cell is a problem (from the server's state and its active alerts), or null.</summary>
    private string? Problem(ServerHealth s, string column)
    {
        if (column == "status" && s.Status != ServerStatus.Up)
        {
            return s.Error ?? $"{s.HostPort} is {HealthText.ServerStatusWord(s.Status)}.";
        }
        var kind = column switch
        {
            "latency" => AlertKind.LatencyHigh,
            "outstanding" => AlertKind.OutstandingHigh,
            "fds" => AlertKind.FdUsageHigh,
            "lag" => AlertKind.ZxidLagHigh,
            "disabled" => AlertKind.FourLetterWordsDisabled,
            _ => (AlertKind?)null,
        };
        return kind is null ? null : Health.ActiveAlerts.FirstOrDefault(a => a.Kind == kind && a.Server == s.HostPort)?.Message;
    }
}
