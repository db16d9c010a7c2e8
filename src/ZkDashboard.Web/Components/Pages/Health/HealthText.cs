using System.Globalization;
using ZkDashboard.Core.Health;

namespace ZkDashboard.Web.Components.Pages.Health;

/// <summary>Words and numbers for the health views (status, why, sizes, durations).</summary>
public static class HealthText
{
    public static string Href(string ensemble) => $"e/{Uri.EscapeDataString(ensemble)}/health";

    public static string StatusWord(EnsembleStatus? status) => status switch
    {
        EnsembleStatus.Healthy => "healthy",
        EnsembleStatus.Degraded => "degraded",
        EnsembleStatus.Down => "down",
        _ => "unknown",
    };

    /// <summary>Why the ensemble has its status, in one sentence.</summary>
    public static string Why(EnsembleHealth? h, TimeSpan pollInterval)
    {
        if (h is null)
        {
            return $"Not polled yet (the first poll runs within {Duration(pollInterval)}).";
        }
        var q = h.Quorum;
        if (h.Status == EnsembleStatus.Down && h.Servers.Count > 0 && h.Servers.All(s => s.Status == ServerStatus.Unreachable))
        {
            return $"No server answers: {h.Servers[0].Error} Check that the hosts are up and reachable from the dashboard.";
        }
        return h.Status switch
        {
            EnsembleStatus.Healthy => $"All {h.Servers.Count} servers answer; {(h.Leader is { } l ? $"{l} leads" : "serving")} with {q.VotersServing} of {q.Voters} voters.",
            EnsembleStatus.Degraded => $"Serving with {q.VotersServing} of {q.Voters} voters, but {h.ActiveAlerts.Count} {(h.ActiveAlerts.Count == 1 ? "alert is" : "alerts are")} active: {h.ActiveAlerts.OrderByDescending(a => a.Severity).First().Message}",
            EnsembleStatus.Down => $"No quorum: {q.VotersServing} of {q.Voters} voters serving, {q.QuorumSize} needed. Clients cannot read or write.",
            _ => "No server answers the monitoring words (mntr, srvr): leadership cannot be known. Enable them with 4lw.commands.whitelist.",
        };
    }

    /// <summary>"1 more failure tolerated (by design 2)".</summary>
    public static string Tolerance(QuorumState q)
        => $"{q.FailuresToleratedNow} more {(q.FailuresToleratedNow == 1 ? "failure" : "failures")} tolerated now (by design {q.FailuresTolerated} of {q.Voters})";

    /// <summary>The quorum in one explaining sentence.</summary>
    public static string QuorumSentence(EnsembleHealth h)
    {
        var q = h.Quorum;
        if (!q.HasQuorum)
        {
            return $"The ensemble has no quorum: {q.VotersServing} of {q.Voters} voters are serving, and {q.QuorumSize} must agree before anything can be read or written.";
        }
        var down = q.Voters - q.VotersServing;
        return $"{q.Voters} voters need a majority of {q.QuorumSize}; {q.VotersServing} are serving{(down > 0 ? $" ({down} down)" : "")}, so {q.FailuresToleratedNow} more {(q.FailuresToleratedNow == 1 ? "voter" : "voters")} may fail before clients can no longer write"
               + (h.Observers.Count > 0 ? $"; the {h.Observers.Count} {(h.Observers.Count == 1 ? "observer does" : "observers do")} not vote." : ".");
    }

    public static string ServerStatusWord(ServerStatus s) => s switch
    {
        ServerStatus.Up => "serving",
        ServerStatus.NotServing => "not serving",
        ServerStatus.FourLetterWordsDisabled => "4lw disabled",
        ServerStatus.Unreachable => "down",
        _ => "unknown",
    };

    public static string Bytes(long? bytes) => bytes switch
    {
        null => "–",
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        < 1024L * 1024 * 1024 => $"{bytes / 1024.0 / 1024:0.#} MB",
        _ => $"{bytes / 1024.0 / 1024 / 1024:0.##} GB",
    };

    public static string Number(double? v, string format = "0.##") => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "–";

    public static string Number(long? v) => v is { } x ? x.ToString("N0", CultureInfo.InvariantCulture) : "–";

    public static string Duration(TimeSpan t) => t.TotalDays >= 1 ? $"{(int)t.TotalDays} d {t.Hours} h"
        : t.TotalHours >= 1 ? $"{(int)t.TotalHours} h {t.Minutes} min"
        : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes} min {t.Seconds} s"
        : $"{t.TotalSeconds:0.#} s";

    public static string Zxid(long? zxid) => zxid is { } z ? "0x" + z.ToString("x", CultureInfo.InvariantCulture) : "–";

    /// <summary>Server uptime, from mntr's zk_uptime (ms) when the server reports it.</summary>
    public static TimeSpan? Uptime(ServerHealth s)
        => s.Metrics.TryGetValue("zk_uptime", out var ms) ? TimeSpan.FromMilliseconds(ms) : null;

    public static string SeverityWord(AlertSeverity s) => s == AlertSeverity.Critical ? "critical" : "warning";
}
