using ZkDashboard.Core.Access;
using ZkDashboard.Core.Audit;
using ZkDashboard.Core.Sessions;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Health;

internal sealed partial class EnsembleHealthOperations
{
    private const string ConfigPath = "/zookeeper/config";

    public Task<EnsembleConfiguration> GetConfigurationAsync(ActingUser user, string ensemble, CancellationToken ct = default)
        => RunAsync(Op(user, ensemble, ZkOperationKind.Read, ConfigPath), () => ReadConfigurationAsync(ensemble, ct), ct);

    private async Task<EnsembleConfiguration> ReadConfigurationAsync(string ensemble, CancellationToken ct)
    {
        var confByServer = (_monitor.Get(ensemble)?.Servers ?? [])
            .ToDictionary(s => s.HostPort, s => s.ConfiguredServers, StringComparer.OrdinalIgnoreCase);
        string raw;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var client = await _sessions.GetClientAsync(ensemble, ct).ConfigureAwait(false);
                raw = Utf8((await client.GetConfigAsync(watch: false, ct).ConfigureAwait(false)).Data);
                break;
            }
            catch (ConnectionLossException) when (attempt < 3)
            {
                // A read is safe to repeat. Right after a reconfig the session's server may be the one that left and
                // closed its clients: the session moves to another server, so read again there.
            }
            catch (Exception ex) when (ex is ZooKeeperException or EnsembleUnavailableException)
            {
                return new EnsembleConfiguration(ensemble, "", "", [], confByServer, $"{ConfigPath} could not be read: {ex.Message}");
            }
        }
        var (members, version) = ReconfigPlanner.ParseConfig(raw);
        return new EnsembleConfiguration(ensemble, raw, version, members, confByServer,
            members.Count == 0 ? $"{ConfigPath} lists no servers: the ensemble runs without dynamic configuration (standalone, or reconfigEnabled=false)." : null);
    }

    /// <summary>Ids of the voters serving now, from the latest poll (a server's id comes from its conf).</summary>
    private IReadOnlySet<long> ServingIds(string ensemble, IReadOnlyList<ConfigMember> members)
    {
        var ids = new HashSet<long>();
        foreach (var s in _monitor.Get(ensemble)?.Servers ?? [])
        {
            if (s.Status != ServerStatus.Up || s.Mode is not ("leader" or "follower" or "standalone"))
            {
                continue;
            }
            if (s.ServerId is { } id)
            {
                ids.Add(id);
                continue;
            }
            // No id reported: match the client port of the polled address.
            var port = s.HostPort[(s.HostPort.LastIndexOf(':') + 1)..];
            foreach (var m in members.Where(m => m.ClientPort?.ToString(System.Globalization.CultureInfo.InvariantCulture) == port))
            {
                ids.Add(m.Id);
            }
        }
        return ids;
    }

    public Task<ReconfigPlan> PlanReconfigAsync(ActingUser user, string ensemble, ReconfigChange change, CancellationToken ct = default)
        => RunAsync(Op(user, ensemble, ZkOperationKind.Read, ConfigPath), async () =>
        {
            var config = await ReadConfigurationAsync(ensemble, ct).ConfigureAwait(false);
            return ReconfigPlanner.Plan(config.Members, ServingIds(ensemble, config.Members), change);
        }, ct);

    public Task<ReconfigResult> ReconfigAsync(ActingUser user, string ensemble, ReconfigChange change, string expectedVersion, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(expectedVersion);
        var op = Op(user, ensemble, ZkOperationKind.Reconfig, ConfigPath);
        var intent = new IntentLink();
        return RunAsync(op, async () =>
        {
            var session = _sessions.Get(ensemble);
            if (session.Definition.ReadOnly)
            {
                throw new ReconfigRefusedException($"Ensemble '{ensemble}' is configured read-only (ReadOnly: true): the dashboard does not reconfigure it.");
            }
            var config = await ReadConfigurationAsync(ensemble, ct).ConfigureAwait(false);
            if (config.Error is { } error && config.Members.Count == 0)
            {
                throw new ReconfigRefusedException(error);
            }
            if (!string.Equals(config.Version, expectedVersion.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                throw new ReconfigRefusedException($"The configuration changed meanwhile (version {expectedVersion} was confirmed, it is now {config.Version}). Review the new membership and confirm again.");
            }
            var plan = ReconfigPlanner.Plan(config.Members, ServingIds(ensemble, config.Members), change);
            if (!plan.Allowed)
            {
                throw new ReconfigRefusedException(plan.Summary);
            }
            // Fail-closed like a node write: the intent record is stored before the reconfig is sent; if it cannot be, the
            // reconfig is refused (AuditUnavailableException) and nothing is sent.
            // The outcome record (succeeded, refused, or unknown, also when a re-read settles a lost reply) links to it.
            intent.Id = await _audit.AppendAsync(new AuditRecord(_time.GetUtcNow(), op, AuditOutcome.Pending, $"sending: {plan.Summary}"), required: true, ct).ConfigureAwait(false);
            var client = await _sessions.GetClientAsync(ensemble, ct).ConfigureAwait(false);
            long fromConfig = long.TryParse(config.Version, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : -1;
            DataResult result;
            try
            {
                result = await client.ReconfigAsync(plan.Joining, plan.Leaving, null, fromConfig, ct).ConfigureAwait(false);
            }
            catch (NoAuthException ex)
            {
                throw new ReconfigRefusedException($"ZooKeeper refused the reconfig for {session.CredentialsDescription}: reconfig needs the super user (zookeeper.DigestAuthenticationProvider.superDigest) or write permission on {ConfigPath}. Give the ensemble such credentials (Credentials in its settings).", ex);
            }
            catch (ReconfigDisabledException ex)
            {
                throw new ReconfigRefusedException("Dynamic reconfiguration is disabled on the servers: set reconfigEnabled=true in zoo.cfg and restart them.", ex);
            }
            catch (ReconfigInProgressException ex)
            {
                throw new ReconfigRefusedException("Another reconfiguration is in progress: wait for it to finish, then try again.", ex);
            }
            catch (NewConfigNoQuorumException ex)
            {
                throw new ReconfigRefusedException("ZooKeeper refused the change: the new configuration has no quorum of connected, synced servers (a new server must be running and have synced before it can join as a voter).", ex);
            }
            catch (BadVersionException ex)
            {
                throw new ReconfigRefusedException("The configuration changed meanwhile (its version moved on): review the new membership and confirm again.", ex);
            }
            catch (ZooKeeperException ex) when (ex is ConnectionLossException or OperationOutcomeUnknownException or OperationTimeoutException or SessionExpiredException)
            {
                // Typical when the session's server is the one leaving: it closes its clients. Read the config again
                // (through another server) to tell what happened, instead of guessing.
                return await ResolveLostReconfigAsync(ensemble, config, plan, ex, ct).ConfigureAwait(false);
            }
            var newRaw = Utf8(result.Data);
            var (_, newVersion) = ReconfigPlanner.ParseConfig(newRaw);
            if (newVersion.Length == 0)
            {
                // The reply's data may omit "version="; the config version is the zxid of the reconfig (the node's mzxid).
                newVersion = result.Stat.Mzxid.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
            }
            return new ReconfigResult(plan, newVersion, newRaw);
        }, ct, r => (AuditOutcome.Succeeded, $"{r.Plan.Change.Action} server {r.Plan.Change.ServerId}: version {expectedVersion} -> {r.NewVersion}"), intent);
    }

    private async Task<ReconfigResult> ResolveLostReconfigAsync(string ensemble, EnsembleConfiguration before, ReconfigPlan plan, ZooKeeperException lost, CancellationToken ct)
    {
        var deadline = _time.GetUtcNow() + TimeSpan.FromSeconds(20);
        string? lastError = null;
        while (_time.GetUtcNow() < deadline)
        {
            ct.ThrowIfCancellationRequested();
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
            attempt.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                var now = await ReadConfigurationAsync(ensemble, attempt.Token).ConfigureAwait(false);
                if (now.Error is null || now.Members.Count > 0)
                {
                    var expected = plan.After.Select(m => m.Spec).Order(StringComparer.Ordinal);
                    var actual = now.Members.Select(m => m.Spec).Order(StringComparer.Ordinal);
                    if (!string.Equals(now.Version, before.Version, StringComparison.OrdinalIgnoreCase) && expected.SequenceEqual(actual))
                    {
                        return new ReconfigResult(plan, now.Version, now.RawConfig);
                    }
                    if (string.Equals(now.Version, before.Version, StringComparison.OrdinalIgnoreCase))
                    {
                        throw new ReconfigRefusedException($"The connection was lost after the reconfig was sent, and the configuration is unchanged (version {now.Version}): it was NOT applied ({lost.Message}).", lost);
                    }
                    throw new ReconfigOutcomeUnknownException($"The connection was lost after the reconfig was sent, and the configuration changed to version {now.Version}, but not to the planned membership (someone else changed it too?). Review it before trying again.", lost);
                }
                lastError = now.Error;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                lastError = "no answer within 5 s";
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), _time, ct).ConfigureAwait(false);
        }
        throw new ReconfigOutcomeUnknownException($"The connection was lost after the reconfig was sent, and the configuration could not be read again ({lastError}); whether it was applied is unknown. Re-read the configuration before trying again.", lost);
    }
}
