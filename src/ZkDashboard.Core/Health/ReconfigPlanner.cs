using System.Globalization;
using ZkDashboard.ZooKeeper.Admin;

namespace ZkDashboard.Core.Health;

/// <summary>
/// Parses the dynamic configuration and checks a membership change before it is sent: the voters after the change, the
/// quorum they need, and how many of them serve now. A change after which fewer voters serve than the quorum needs is refused.
/// </summary>
public static class ReconfigPlanner
{
    /// <summary>Parses the text of <c>/zookeeper/config</c> (server.N= lines and version=).</summary>
    public static (IReadOnlyList<ConfigMember> Members, string Version) ParseConfig(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var members = new List<ConfigMember>();
        var version = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }
            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            if (key == "version")
            {
                version = value;
            }
            else if (key.StartsWith("server.", StringComparison.Ordinal))
            {
                members.Add(FromQuorumMember(FourLetterWordParsers.ParseQuorumMember(key, value, "/zookeeper/config")));
            }
        }
        return (members.OrderBy(m => m.Id).ToArray(), version);
    }

    /// <summary>Parses "server.N=host:quorumPort:electionPort[:role][;[clientHost:]clientPort]"; throws <see cref="ReconfigRefusedException"/> saying what is wrong.</summary>
    public static ConfigMember ParseSpec(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var line = spec.Trim();
        var eq = line.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || !line.StartsWith("server.", StringComparison.Ordinal))
        {
            throw new ReconfigRefusedException($"'{spec}' is not a server line. Write it as server.N=host:quorumPort:electionPort:participant;clientPort, e.g. server.4=127.0.0.1:2891:3891:participant;2184.");
        }
        try
        {
            return FromQuorumMember(FourLetterWordParsers.ParseQuorumMember(line[..eq].Trim(), line[(eq + 1)..].Trim(), "input"));
        }
        catch (FourLetterWordException ex)
        {
            throw new ReconfigRefusedException($"'{spec}' is not a valid server line ({ex.Message}). Expected server.N=host:quorumPort:electionPort[:participant|observer][;[clientHost:]clientPort].", ex);
        }
    }

    private static ConfigMember FromQuorumMember(QuorumMember m)
        => new(m.Id, m.Host, m.QuorumPort, m.ElectionPort, m.IsVoter, m.ClientHost, m.ClientPort);

    /// <summary>
    /// Plans <paramref name="change"/> against <paramref name="members"/>. <paramref name="servingIds"/>: ids of the voters
    /// serving now (a server that is not serving, or a new one, does not count towards the quorum after the change).
    /// </summary>
    public static ReconfigPlan Plan(IReadOnlyList<ConfigMember> members, IReadOnlySet<long> servingIds, ReconfigChange change)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(servingIds);
        ArgumentNullException.ThrowIfNull(change);
        if (members.Count == 0)
        {
            return Refused(change, members, "This ensemble has no dynamic configuration (a standalone server, or reconfigEnabled is off): there is nothing to change.");
        }
        var current = members.FirstOrDefault(m => m.Id == change.ServerId);
        List<ConfigMember> after;
        string? joining = null, leaving = null;
        switch (change.Action)
        {
            case ReconfigAction.Add:
                ConfigMember added;
                try
                {
                    added = ParseSpec(change.Spec ?? "");
                }
                catch (ReconfigRefusedException ex)
                {
                    return Refused(change, members, ex.Message);
                }
                if (members.Any(m => m.Id == added.Id))
                {
                    return Refused(change, members, $"Server {added.Id} is already a member. Pick an unused id, or change its role instead.");
                }
                if (members.Any(m => m.Host == added.Host && (m.QuorumPort == added.QuorumPort || m.ElectionPort == added.ElectionPort)))
                {
                    return Refused(change, members, $"{added.Host}:{added.QuorumPort}:{added.ElectionPort} reuses a quorum or election port of an existing member.");
                }
                after = [.. members, added];
                joining = added.Spec;
                break;
            case ReconfigAction.Remove:
                if (current is null)
                {
                    return Refused(change, members, $"Server {change.ServerId} is not a member (members: {string.Join(", ", members.Select(m => m.Id))}).");
                }
                after = members.Where(m => m.Id != change.ServerId).ToList();
                leaving = change.ServerId.ToString(CultureInfo.InvariantCulture);
                break;
            case ReconfigAction.ChangeRole:
                if (current is null)
                {
                    return Refused(change, members, $"Server {change.ServerId} is not a member (members: {string.Join(", ", members.Select(m => m.Id))}).");
                }
                var voter = change.NewRole?.Trim().ToLowerInvariant() switch
                {
                    "participant" => true,
                    "observer" => false,
                    _ => (bool?)null,
                };
                if (voter is null)
                {
                    return Refused(change, members, $"Role '{change.NewRole}' is unknown: use participant or observer.");
                }
                if (voter == current.IsVoter)
                {
                    return Refused(change, members, $"Server {current.Id} is already a {current.Role}.");
                }
                var changed = current with { IsVoter = voter.Value };
                after = members.Select(m => m.Id == current.Id ? changed : m).ToList();
                joining = changed.Spec;
                break;
            default:
                return Refused(change, members, $"Unknown change {change.Action}.");
        }

        var voters = after.Count(m => m.IsVoter);
        var quorum = QuorumState.QuorumFor(voters);
        var serving = after.Count(m => m.IsVoter && servingIds.Contains(m.Id) && (change.Action != ReconfigAction.Add || m.Id != after[^1].Id));
        if (voters == 0)
        {
            return new ReconfigPlan(change, after, 0, 0, 0, false, "Refused: after this change no voter (participant) would be left, so the ensemble could never have a quorum.", joining, leaving);
        }
        if (serving < quorum)
        {
            return new ReconfigPlan(change, after, voters, quorum, serving, false,
                $"Refused: after this change {voters} {Voters(voters)} would need a quorum of {quorum}, but only {serving} of them {(serving == 1 ? "is" : "are")} serving now. The ensemble would lose its quorum and stop serving clients.",
                joining, leaving);
        }
        var tolerated = serving - quorum;
        return new ReconfigPlan(change, after, voters, quorum, serving, true,
            $"After this change: {voters} {Voters(voters)} and {after.Count - voters} {(after.Count - voters == 1 ? "observer" : "observers")}; the quorum is {quorum} of {voters}, {serving} serving now, so {tolerated} more {(tolerated == 1 ? "failure is" : "failures are")} tolerated.",
            joining, leaving);
    }

    private static string Voters(int n) => n == 1 ? "voter" : "voters";

    private static ReconfigPlan Refused(ReconfigChange change, IReadOnlyList<ConfigMember> members, string why)
        => new(change, members, members.Count(m => m.IsVoter), QuorumState.QuorumFor(members.Count(m => m.IsVoter)), 0, false, "Refused: " + why, null, null);
}
