using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Health;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Tests.Support;

namespace ZkDashboard.Core.Tests.Health;

/// <summary>
/// The health boundary's checks: every read and action asks the access policy first and is audited with its outcome; the
/// 4lw console reaches only the ensemble's own servers; alerts are acknowledged only while active. The servers are a fake
/// four-letter-word transport (every word refused as unreachable, or answered), so the alerts are deterministic.
/// </summary>
public sealed class EnsembleHealthOperationsTests : IAsyncLifetime
{
    private const string Ensemble = "e";
    private const string Host = "127.0.0.1:1";
    private readonly RecordingPolicy _policy = new();
    private readonly RecordingAudit _audit = new();
    private readonly FakeTransport _transport = new();
    private HealthTestHost _host = null!;
    private static readonly ActingUser Alice = new("alice", ["operators"], "10.0.0.1");

    public async Task InitializeAsync()
    {
        _host = await HealthTestHost.StartAsync(new()
        {
            ["ZkDashboard:Ensembles:0:Name"] = Ensemble,
            ["ZkDashboard:Ensembles:0:ConnectString"] = Host,
        }, startPolling: false, configure: (s, c) =>
        {
            s.AddSingleton<IAccessPolicy>(_policy);
            s.AddSingleton<IAuditSink>(_audit);
            s.AddSingleton<IFourLetterWordTransport>(_transport);
            s.AddZkDashboardSessions(c);
            s.AddZkDashboardHealthOperations();
        });
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private IEnsembleHealthOperations Ops => _host.Services.GetRequiredService<IEnsembleHealthOperations>();

    [Fact]
    public async Task SendFourLetterWordAsync_ReturnsTheRawAnswer_AndAuditsIt()
    {
        _transport.Reply = "Zookeeper version: 3.8.0\nMode: standalone\n";

        var answer = await Ops.SendFourLetterWordAsync(Alice, Ensemble, Host, "SRVR");

        Assert.Null(answer.Failure);
        Assert.Equal("srvr", answer.Word);
        Assert.Contains("Mode: standalone", answer.Text, StringComparison.Ordinal);
        var op = Assert.Single(_policy.Asked);
        Assert.Equal((ZkOperationKind.FourLetterWord, "alice"), (op.Kind, op.User.Name));
        var record = Assert.Single(_audit.Records);
        Assert.Equal(AuditOutcome.Succeeded, record.Outcome);
        Assert.Contains("srvr @ 127.0.0.1:1", record.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendFourLetterWordAsync_Refuses_AServerOutsideTheEnsemble()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Ops.SendFourLetterWordAsync(Alice, Ensemble, "10.1.2.3:2181", "srvr"));

        Assert.Contains("is not a server of ensemble 'e'", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_transport.Sent);
        Assert.Equal(AuditOutcome.Failed, Assert.Single(_audit.Records).Outcome);
    }

    [Fact]
    public async Task SendFourLetterWordAsync_DisabledWord_ExplainsTheWhitelist()
    {
        _transport.Failure = FourLetterWordFailure.Disabled;

        var answer = await Ops.SendFourLetterWordAsync(Alice, Ensemble, Host, "envi");

        Assert.Equal(FourLetterWordFailure.Disabled, answer.Failure);
        Assert.Contains("4lw.commands.whitelist", answer.Message, StringComparison.Ordinal);
        Assert.Equal(AuditOutcome.Failed, Assert.Single(_audit.Records).Outcome);
    }

    [Fact]
    public async Task EveryAction_IsRefusedAndAuditedAsDenied_WhenThePolicySaysNo()
    {
        _policy.Deny = true;

        await Assert.ThrowsAsync<AccessDeniedException>(() => Ops.SendFourLetterWordAsync(Alice, Ensemble, Host, "srvr"));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Ops.AcknowledgeAlertAsync(Alice, Ensemble, 1));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Ops.SilenceAlertAsync(Alice, Ensemble, 1, DateTimeOffset.UtcNow.AddHours(1)));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Ops.ReconfigAsync(Alice, Ensemble, new ReconfigChange(ReconfigAction.Remove, 1), "100000000"));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Ops.GetHealthAsync(Alice, Ensemble));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Ops.SubscribeAsync(Alice, Ensemble, _ => { }));
        var all = await Ops.SubscribeAsync(Alice, null, _ => { });

        Assert.Empty(_transport.Sent);
        Assert.Empty(all.Ensembles);
        Assert.Equal([Ensemble], all.Denied);
        Assert.Equal(
            [ZkOperationKind.FourLetterWord, ZkOperationKind.AcknowledgeAlert, ZkOperationKind.AcknowledgeAlert, ZkOperationKind.Reconfig, ZkOperationKind.Read, ZkOperationKind.Watch, ZkOperationKind.Watch],
            _audit.Records.Select(r => r.Operation.Kind));
        Assert.All(_audit.Records, r => Assert.Equal(AuditOutcome.Denied, r.Outcome));
    }

    [Fact]
    public async Task AcknowledgeAndSilence_MarkTheActiveAlert_AndPublishIt()
    {
        _transport.Failure = FourLetterWordFailure.Unreachable;
        var health = await _host.Monitor.PollNowAsync(Ensemble);
        var alert = Assert.Single(health!.ActiveAlerts, a => a.Kind == AlertKind.ServerUnreachable);
        var published = new List<EnsembleHealth>();
        using var sub = await Ops.SubscribeAsync(Alice, Ensemble, published.Add);

        var acked = await Ops.AcknowledgeAlertAsync(Alice, Ensemble, alert.Id);
        var until = DateTimeOffset.UtcNow.AddHours(2);
        var silenced = await Ops.SilenceAlertAsync(Alice, Ensemble, alert.Id, until);

        Assert.Equal("alice", acked.AcknowledgedBy);
        Assert.Equal(until, silenced.SilencedUntil);
        Assert.True(silenced.IsSilenced(DateTimeOffset.UtcNow));
        Assert.Equal(until, published[^1].ActiveAlerts.Single(a => a.Id == alert.Id).SilencedUntil);
        var again = await _host.Monitor.PollNowAsync(Ensemble);
        Assert.Equal("alice", again!.ActiveAlerts.Single(a => a.Id == alert.Id).AcknowledgedBy);
        Assert.Contains(_audit.Records, r => r.Operation.Kind == ZkOperationKind.AcknowledgeAlert && r.Outcome == AuditOutcome.Succeeded && r.Detail!.Contains("silenced", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AcknowledgeAlertAsync_UnknownAlert_SaysItIsNotActive()
    {
        var ex = await Assert.ThrowsAsync<AlertNotActiveException>(() => Ops.AcknowledgeAlertAsync(Alice, Ensemble, 12345));

        Assert.Contains("not active", ex.Message, StringComparison.Ordinal);
        Assert.Equal(AuditOutcome.Failed, Assert.Single(_audit.Records).Outcome);
    }

    [Fact]
    public async Task SilenceAlertAsync_InThePast_IsRefused()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Ops.SilenceAlertAsync(Alice, Ensemble, 1, DateTimeOffset.UtcNow.AddMinutes(-1)));

        Assert.Contains("not in the future", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetHistoryAsync_ShortWindow_ComesFromMemoryAtPollResolution()
    {
        _transport.Failure = FourLetterWordFailure.Unreachable;
        await _host.Monitor.PollNowAsync(Ensemble);
        await _host.Monitor.PollNowAsync(Ensemble);

        var series = await Ops.GetHistoryAsync(Alice, Ensemble, Host, HistoryMetricNames.Up, TimeSpan.FromMinutes(5));

        Assert.Equal(2, series.Points.Count);
        Assert.All(series.Points, p => Assert.Equal(0, p.Value));
        Assert.Equal(_host.Monitor.PollInterval, series.Resolution);
        Assert.Contains("every poll", series.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_LongSeries_AveragesDownToTheChartBound()
    {
        var t0 = DateTimeOffset.UnixEpoch;
        var points = Enumerable.Range(0, 10_080).Select(i => new MetricPoint(t0.AddMinutes(i), i % 2)).ToArray();

        var (merged, step) = EnsembleHealthOperations.Merge(points, TimeSpan.FromMinutes(1));

        Assert.True(merged.Count <= EnsembleHealthOperations.MaxChartPoints, $"{merged.Count} points");
        Assert.Equal(TimeSpan.FromMinutes(14), step);
        Assert.Equal("14-minute", EnsembleHealthOperations.Describe(step));
        Assert.All(merged.Take(merged.Count - 1), p => Assert.Equal(0.5, p.Value));
    }

    private sealed class RecordingPolicy : IAccessPolicy
    {
        public bool Deny { get; set; }

        public List<OperationContext> Asked { get; } = [];

        public ValueTask AuthorizeAsync(OperationContext operation, CancellationToken ct)
        {
            lock (Asked)
            {
                Asked.Add(operation);
            }
            return Deny ? throw new AccessDeniedException(operation, "test policy denies") : ValueTask.CompletedTask;
        }
    }

    private sealed class RecordingAudit : IAuditSink
    {
        private readonly List<AuditRecord> _records = [];

        public IReadOnlyList<AuditRecord> Records
        {
            get
            {
                lock (_records)
                {
                    return _records.ToArray();
                }
            }
        }

        public ValueTask RecordAsync(AuditRecord record, CancellationToken ct)
        {
            lock (_records)
            {
                _records.Add(record);
            }
            return ValueTask.CompletedTask;
        }
    }

    private sealed class FakeTransport : IFourLetterWordTransport
    {
        public string Reply { get; set; } = "";

        public FourLetterWordFailure? Failure { get; set; }

        public List<(string Host, string Word)> Sent { get; } = [];

        public Task<string> SendAsync(string hostPort, string word, TimeSpan timeout, CancellationToken ct = default)
        {
            lock (Sent)
            {
                Sent.Add((hostPort, word));
            }
            return Failure is { } f
                ? Task.FromException<string>(new FourLetterWordProbeException(hostPort, word, f, $"{word}: {f}"))
                : Task.FromResult(Reply);
        }
    }
}
