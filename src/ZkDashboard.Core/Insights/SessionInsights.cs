using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Health;
using ZkDashboard.Core.Sessions;
using ZkDashboard.ZooKeeper.Admin;

namespace ZkDashboard.Core.Insights;

/// <summary>One client session of an ensemble: its connection (from <c>cons</c>) and its ephemeral nodes (from <c>dump</c>).</summary>
/// <param name="Server">The server the session is connected to (null: listed by dump, but on no server that answered cons).</param>
/// <param name="Connection">The cons line (null with <paramref name="Server"/>).</param>
/// <param name="IsDashboard">The dashboard's own shared session on this ensemble.</param>
public sealed record SessionInfo(long SessionId, string SessionIdHex, string? Server, ClientConnection? Connection, IReadOnlyList<string> Ephemerals, bool IsDashboard)
{
    public string? ClientAddress => Connection?.RemoteAddress;

    /// <summary>How long the connection has been established, as of <paramref name="now"/>.</summary>
    public TimeSpan? AgeAt(DateTimeOffset now) => Connection?.Established is { } est && now >= est ? now - est : null;

    /// <summary>Case-insensitive match on id, address, server, last operation and ephemeral paths.</summary>
    public bool Matches(string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter))
        {
            return true;
        }
        var f = filter.Trim();
        bool Has(string? s) => s?.Contains(f, StringComparison.OrdinalIgnoreCase) == true;
        return Has(SessionIdHex) || Has(ClientAddress) || Has(Server) || Has(Connection?.LastOperation) || Ephemerals.Any(Has);
    }
}

/// <summary>A server that did not answer one of the words.</summary>
public sealed record ServerProblem(string Server, string Word, string Message);

/// <summary>Every session of an ensemble at <see cref="At"/>.</summary>
/// <param name="DumpServer">The server whose dump gave the ephemerals (the leader when known); null when none answered.</param>
public sealed record SessionsSnapshot(string Ensemble, DateTimeOffset At, IReadOnlyList<SessionInfo> Sessions, IReadOnlyList<ServerProblem> Problems, string? DumpServer)
{
    /// <summary>Owner session of an ephemeral node, by path.</summary>
    public SessionInfo? OwnerOf(string path) => Sessions.FirstOrDefault(s => s.Ephemerals.Contains(path, StringComparer.Ordinal));

    public SessionInfo? Find(long sessionId) => Sessions.FirstOrDefault(s => s.SessionId == sessionId);
}

/// <summary>Who is connected to an ensemble and which ephemeral nodes each session holds.</summary>
public interface ISessionInsights
{
    /// <summary>
    /// Sends <c>cons</c> to every server and <c>dump</c> to the leader (any server when the leader is unknown) and joins them by
    /// session id. Checks <see cref="ZkOperationKind.Read"/> on "/" and audits the read.
    /// </summary>
    /// <exception cref="AccessDeniedException">The user may not read the ensemble.</exception>
    /// <exception cref="UnknownEnsembleException">No ensemble has that name.</exception>
    Task<SessionsSnapshot> GetSessionsAsync(ActingUser user, string ensemble, CancellationToken ct = default);
}

internal sealed class SessionInsights(IEnsembleRegistry registry, IFourLetterWordTransport transport, IHealthMonitor health, IEnsembleSessions sessions,
    IAccessPolicy policy, IAuditSink audit, IOptions<HealthOptions> options, ILogger<SessionInsights> logger, TimeProvider? time = null) : ISessionInsights
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<SessionsSnapshot> GetSessionsAsync(ActingUser user, string ensemble, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var op = new OperationContext(user, ensemble, ZkOperationKind.Read, "/", TargetPath: "sessions");
        var definition = registry.Find(ensemble) ?? throw new UnknownEnsembleException(ensemble);
        return await InsightsAudit.RunAsync(policy, audit, logger, _time, op, async () =>
        {
            var timeout = options.Value.CommandTimeout;
            var hosts = definition.FourLetterWordHosts;
            var problems = new List<ServerProblem>();
            var cons = await Task.WhenAll(hosts.Select(async h =>
            {
                try
                {
                    return (Host: h, Lines: FourLetterWordParsers.ParseCons(await transport.SendAsync(h, FourLetterWords.Cons, timeout, ct).ConfigureAwait(false), h), Error: (string?)null);
                }
                catch (Exception ex) when (ex is FourLetterWordProbeException or FourLetterWordException)
                {
                    return (Host: h, Lines: (IReadOnlyList<ClientConnection>)[], Error: ex.Message);
                }
            })).ConfigureAwait(false);
            problems.AddRange(cons.Where(c => c.Error is not null).Select(c => new ServerProblem(c.Host, FourLetterWords.Cons, c.Error!)));

            var leader = health.Get(definition.Name)?.Leader;
            var order = hosts.OrderBy(h => string.Equals(h, leader, StringComparison.OrdinalIgnoreCase) ? 0 : 1).ToList();
            SessionDump? dump = null;
            string? dumpServer = null;
            foreach (var h in order)
            {
                try
                {
                    dump = FourLetterWordParsers.ParseDump(await transport.SendAsync(h, FourLetterWords.Dump, timeout, ct).ConfigureAwait(false), h);
                    dumpServer = h;
                    break;
                }
                catch (Exception ex) when (ex is FourLetterWordProbeException or FourLetterWordException)
                {
                    problems.Add(new ServerProblem(h, FourLetterWords.Dump, ex.Message));
                }
            }

            long own = 0;
            try
            {
                own = sessions.GetStatus(definition.Name).SessionId;
            }
            catch (UnknownEnsembleException)
            {
                own = 0;
            }
            var rows = new Dictionary<long, SessionInfo>();
            foreach (var (host, lines, _) in cons)
            {
                foreach (var c in lines.Where(c => c.SessionId is { } id && id != 0))
                {
                    var id = c.SessionId!.Value;
                    rows[id] = new SessionInfo(id, c.SessionIdHex ?? $"0x{id:x}", host, c, dump?.EphemeralsOf(id) ?? [], id == own);
                }
            }
            if (dump is not null)
            {
                foreach (var (id, paths) in dump.Ephemerals.Where(e => !rows.ContainsKey(e.Key)))
                {
                    rows[id] = new SessionInfo(id, $"0x{id:x}", null, null, paths, id == own);
                }
            }
            var list = rows.Values.OrderBy(r => r.Server is null ? 1 : 0).ThenBy(r => r.Server, StringComparer.OrdinalIgnoreCase)
                .ThenBy(r => r.Connection?.Established ?? DateTimeOffset.MaxValue).ThenBy(r => r.SessionId).ToArray();
            return new SessionsSnapshot(definition.Name, _time.GetUtcNow(), list, problems, dumpServer);
        }, ct).ConfigureAwait(false);
    }
}
