using ZkDashboard.Core.Health;

namespace ZkDashboard.Core.Metrics;

/// <summary>Adds figures to the /metrics page. Register implementations as singletons; each is called once per scrape.</summary>
public interface IMetricsContributor
{
    void Contribute(PrometheusTextWriter writer);
}

/// <summary>
/// Builds the /metrics page: every numeric mntr value of every polled server as <c>zookeeper_*</c> (labels ensemble, server),
/// the health monitor's derived gauges as <c>zkdashboard_*</c>, then every <see cref="IMetricsContributor"/> (e.g. the
/// dashboard's own session/subscription figures).
/// </summary>
public sealed class ZkMetricsExporter(IHealthMonitor health, IEnumerable<IMetricsContributor> contributors)
{
    public string Render()
    {
        var w = new PrometheusTextWriter();
        var snapshots = health.All;
        foreach (var e in snapshots)
        {
            var ensemble = ("ensemble", e.Ensemble);
            w.Gauge("zkdashboard_ensemble_quorum_ok", "1 when the ensemble has a serving quorum (a leader or standalone server).", e.Quorum.HasQuorum ? 1 : 0, ensemble);
            w.Gauge("zkdashboard_ensemble_has_leader", "1 when a leader (or standalone server) is known.", e.Leader is null ? 0 : 1, ensemble);
            w.Gauge("zkdashboard_ensemble_voters", "Voting members (participants).", e.Quorum.Voters, ensemble);
            w.Gauge("zkdashboard_ensemble_quorum_size", "Voters needed for a quorum.", e.Quorum.QuorumSize, ensemble);
            w.Gauge("zkdashboard_ensemble_voters_serving", "Voters currently serving.", e.Quorum.VotersServing, ensemble);
            w.Gauge("zkdashboard_ensemble_failures_tolerated", "Voters that may still fail before the quorum is lost.", e.Quorum.FailuresToleratedNow, ensemble);
            w.Gauge("zkdashboard_ensemble_alerts_active", "Active health alerts.", e.ActiveAlerts.Count, ensemble);
            w.Gauge("zkdashboard_ensemble_poll_duration_seconds", "Wall time of the last poll cycle of the ensemble.", e.PollDuration.TotalSeconds, ensemble);
            if (e.ZnodeCountDivergence is { } div)
            {
                w.Gauge("zkdashboard_ensemble_znode_count_divergence", "Largest difference in znode count between serving servers.", div, ensemble);
            }
            foreach (var s in e.Servers)
            {
                var labels = new[] { ensemble, ("server", s.HostPort) };
                w.Gauge("zkdashboard_server_up", "1 when the server answers and serves requests.", s.Status == ServerStatus.Up ? 1 : 0, labels);
                w.Gauge("zkdashboard_server_is_leader", "1 for the leader (or a standalone server).", s.IsLeader ? 1 : 0, labels);
                w.Gauge("zkdashboard_server_fourletterwords_disabled", "Polled four-letter words refused by 4lw.commands.whitelist.", s.DisabledCommands.Count, labels);
                if (s.ZxidLag is { } lag)
                {
                    w.Gauge("zkdashboard_server_zxid_lag", "Transactions behind the leader.", lag, labels);
                }
                if (s.Zxid is { } zxid)
                {
                    w.Gauge("zkdashboard_server_zxid_counter", "Counter part of the server's last zxid.", zxid & 0xFFFF_FFFF, labels);
                    w.Gauge("zkdashboard_server_epoch", "Epoch part of the server's last zxid.", zxid >>> 32, labels);
                }
                foreach (var (key, value) in s.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
                {
                    var name = key.StartsWith("zk_", StringComparison.Ordinal) ? "zookeeper_" + key[3..] : "zookeeper_" + key;
                    w.Gauge(name, $"ZooKeeper mntr {key}.", value, labels);
                }
            }
        }
        var alerts = health.ActiveAlerts;
        foreach (var group in alerts.GroupBy(a => (a.Ensemble, a.Kind)))
        {
            w.Gauge("zkdashboard_alerts_active", "Active health alerts by kind.", group.Count(), ("ensemble", group.Key.Ensemble), ("kind", group.Key.Kind.ToString()));
        }
        w.Gauge("zkdashboard_health_history_bytes", "Bytes held by the health ring buffers.", health.HistoryBytes);
        foreach (var c in contributors)
        {
            c.Contribute(w);
        }
        return w.ToString();
    }
}
