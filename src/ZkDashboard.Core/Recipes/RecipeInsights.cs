using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Insights;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Watches;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Recipes;

/// <summary>A recipe root as recognised, with each participant's owner session joined with <c>cons</c>.</summary>
/// <param name="Owners">Sessions by id (from <see cref="ISessionInsights"/>), for the participants' ephemeral owners.</param>
/// <param name="SessionsProblem">Why client addresses are missing (four-letter words refused, access), when they are.</param>
/// <param name="Truncated">The root has more than <see cref="RecipeInsights.MaxChildren"/> children; only the first were read.</param>
public sealed record RecipeView(string Ensemble, string Path, DateTimeOffset At, RecipeLayout Layout, IReadOnlyDictionary<long, SessionInfo> Owners,
    string? SessionsProblem, int ChildCount, bool Truncated)
{
    public SessionInfo? OwnerOf(RecipeParticipant p) => p is { EphemeralOwner: not 0 } && Owners.TryGetValue(p.EphemeralOwner, out var s) ? s : null;
}

/// <summary>Recognises recipe layouts (elections, locks, semaphores, queues, barriers) under a path and keeps a view of one live.</summary>
public interface IRecipeInsights
{
    /// <summary>Reads the children of <paramref name="path"/> (with stats) and recognises them. Checks Read on the path and audits.</summary>
    /// <exception cref="AccessDeniedException">The user may not read the path.</exception>
    /// <exception cref="NoNodeException">The path does not exist.</exception>
    Task<RecipeView> InspectAsync(ActingUser user, string ensemble, string path, CancellationToken ct = default);

    /// <summary>Calls <paramref name="changed"/> when the children of <paramref name="path"/> change (the shared watch). Checks Watch and audits.</summary>
    Task<IDisposable> WatchAsync(ActingUser user, string ensemble, string path, Action changed, CancellationToken ct = default);
}

internal sealed class RecipeInsights(IEnsembleSessions sessions, IWatchFanout hub, ISessionInsights sessionInsights, IAccessPolicy policy, IAuditSink audit,
    ILogger<RecipeInsights> logger, TimeProvider? time = null) : IRecipeInsights
{
    public const int MaxChildren = 1000;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public Task<RecipeView> InspectAsync(ActingUser user, string ensemble, string path, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        PathUtils.Validate(path);
        var op = new OperationContext(user, ensemble, ZkOperationKind.Read, path, TargetPath: "recipes");
        return InsightsAudit.RunAsync(policy, audit, logger, _time, op, async () =>
        {
            var client = await sessions.Get(ensemble).GetClientAsync(ct).ConfigureAwait(false);
            var data = await client.GetDataAsync(path, watch: false, ct).ConfigureAwait(false);
            var (children, count) = await ChildrenAsync(client, path, ct).ConfigureAwait(false);
            IReadOnlyList<RecipeNode>? leases = null;
            if (children.Any(c => c.Name == "leases"))
            {
                leases = (await ChildrenAsync(client, PathUtils.Join(path, "leases"), ct).ConfigureAwait(false)).Nodes;
            }
            var layout = RecipeLayouts.Recognise(path, data.Data, children, leases);
            IReadOnlyDictionary<long, SessionInfo> owners = new Dictionary<long, SessionInfo>();
            string? problem = null;
            if (layout.Participants.Any(p => p.EphemeralOwner != 0))
            {
                try
                {
                    var snapshot = await sessionInsights.GetSessionsAsync(user, ensemble, ct).ConfigureAwait(false);
                    owners = snapshot.Sessions.ToDictionary(s => s.SessionId);
                    if (snapshot.Problems.Count > 0)
                    {
                        problem = string.Join(" ", snapshot.Problems.Select(p => $"{p.Server} ({p.Word}): {p.Message}"));
                    }
                }
                catch (AccessDeniedException ex)
                {
                    problem = "Client addresses not shown: " + ex.Message;
                }
            }
            return new RecipeView(ensemble, path, _time.GetUtcNow(), layout, owners, problem, count, count > children.Count);
        }, ct);
    }

    private static async Task<(IReadOnlyList<RecipeNode> Nodes, int Count)> ChildrenAsync(ZooKeeperClient client, string path, CancellationToken ct)
    {
        var names = (await client.GetChildrenAsync(path, watch: false, ct).ConfigureAwait(false)).Children;
        var stats = await Task.WhenAll(names.Order(StringComparer.Ordinal).Take(MaxChildren)
            .Select(async n => (Name: n, Stat: await client.ExistsAsync(PathUtils.Join(path, n), watch: false, ct).ConfigureAwait(false)))).ConfigureAwait(false);
        // A child deleted between the listing and its stat is gone: leave it out.
        return (stats.Where(s => s.Stat is not null).Select(s => new RecipeNode(s.Name, s.Stat!)).ToArray(), names.Count);
    }

    public Task<IDisposable> WatchAsync(ActingUser user, string ensemble, string path, Action changed, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(changed);
        PathUtils.Validate(path);
        var op = new OperationContext(user, ensemble, ZkOperationKind.Watch, path, TargetPath: "recipes");
        return InsightsAudit.RunAsync(policy, audit, logger, _time, op, async () =>
        {
            var subscription = hub.Subscribe(ensemble, path, WatchKind.Children, WatchSubscriber.Create(_ => changed()));
            try
            {
                await subscription.Ready.WaitAsync(ct).ConfigureAwait(false);
            }
            catch
            {
                subscription.Dispose();
                throw;
            }
            return (IDisposable)subscription;
        }, ct);
    }
}
