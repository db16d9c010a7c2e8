using Microsoft.AspNetCore.Components;
using ZkDashboard.Core.Boundary;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Health;
using ZkDashboard.Web.Auth;
using ZkDashboard.Web.Components.Shared;

namespace ZkDashboard.Web.Components.Pages;

/// <summary>
/// Start page and health overview: the ensembles the person may read (<see cref="IUserEnsembles"/>), each with its health
/// (status and why, leader, quorum, alerts, a latency sparkline) pushed live from the health monitor, linking to its explorer
/// and its health page. It opens no ZooKeeper session: health comes from the monitor's four-letter-word polls.
/// </summary>
public sealed partial class Home : IDisposable
{
    private const string ExampleConfig = """
        "ZkDashboard": {
          "Ensembles": [
            { "Name": "production", "ConnectString": "zk1:2181,zk2:2181,zk3:2181" }
          ]
        }
        """;

    private List<EnsembleCard> ensembles = [];
    private Dictionary<string, EnsembleSessionStatus> statuses = new(StringComparer.OrdinalIgnoreCase);
    private IReadOnlyList<string> problems = [];
    private IDisposable? statusSubscription;

    [Inject]
    private IEnsembleRegistry Registry { get; set; } = default!;

    [Inject]
    private IUserEnsembles Ensembles { get; set; } = default!;

    [Inject]
    private IEnsembleHealthOperations HealthOps { get; set; } = default!;

    [Inject]
    private ICurrentUser CurrentUser { get; set; } = default!;

    private const int SparkPoints = 60;
    private readonly Dictionary<string, EnsembleHealth> health = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<double>> latency = new(StringComparer.OrdinalIgnoreCase);
    private IReadOnlySet<string> denied = new HashSet<string>();
    private HealthSubscription? subscription;
    private TimeSpan pollInterval;

    private EnsembleHealth? HealthOf(string name) => health.GetValueOrDefault(name);

    private IReadOnlyList<double> LatencyOf(string name) => latency.TryGetValue(name, out var l) ? l : [];

    private void Take(EnsembleHealth h)
    {
        health[h.Ensemble] = h;
        if (!latency.TryGetValue(h.Ensemble, out var list))
        {
            latency[h.Ensemble] = list = [];
        }
        list.Add(h.Servers.Max(s => s.LatencyAvg) ?? 0);
        if (list.Count > SparkPoints)
        {
            list.RemoveRange(0, list.Count - SparkPoints);
        }
    }

    private async Task SubscribeAsync()
    {
        subscription?.Dispose();
        subscription = await HealthOps.SubscribeAsync(CurrentUser.User, null, h => _ = InvokeAsync(() =>
        {
            Take(h);
            StateHasChanged();
        }));
        denied = Registry.All.Select(e => e.Name).Where(n => !subscription.Ensembles.Contains(n)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var h in subscription.Current)
        {
            await SeedLatencyAsync(h);
            Take(h);
        }
        StateHasChanged();
    }

    /// <summary>Fills the sparkline from the recent history (the highest average latency of any server per poll).</summary>
    private async Task SeedLatencyAsync(EnsembleHealth h)
    {
        if (latency.ContainsKey(h.Ensemble))
        {
            return;
        }
        var window = pollInterval * SparkPoints;
        var byTime = new SortedDictionary<long, double>();
        foreach (var server in h.Servers)
        {
            var series = await HealthOps.GetHistoryAsync(CurrentUser.User, h.Ensemble, server.HostPort, HistoryMetricNames.LatencyAvg, window);
            foreach (var p in series.Points)
            {
                var key = p.Timestamp.ToUnixTimeMilliseconds() / (long)Math.Max(1, pollInterval.TotalMilliseconds);
                byTime[key] = Math.Max(byTime.GetValueOrDefault(key), p.Value);
            }
        }
        latency[h.Ensemble] = byTime.Values.TakeLast(SparkPoints - 1).ToList();
    }

    /// <summary>The live state of an ensemble's shared session (null when it is not listed for this person).</summary>
    private EnsembleSessionStatus? StateOf(string name) => statuses.GetValueOrDefault(name);

    /// <summary>What to do about an ensemble that is not usable (null when it is fine or simply not opened yet).</summary>
    private static string? ProblemOf(EnsembleSessionStatus status) => status.State switch
    {
        EnsembleConnectionState.Failed or EnsembleConnectionState.AuthFailed or EnsembleConnectionState.Suspended
            or EnsembleConnectionState.Expired or EnsembleConnectionState.ReadOnly => ConnectionStateText.Sentence(status),
        _ => null,
    };

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            // Sessions open lazily and stay as they are: the health shown comes from the monitor's polls, so a visit
            // opens no session (a card shows "not connected" until someone opens the explorer).
            statusSubscription = Ensembles.SubscribeStatus(CurrentUser.User, OnStatusChanged);
            try
            {
                await SubscribeAsync();
            }
            catch (Exception ex)
            {
                await DispatchExceptionAsync(ex);
            }
        }
    }

    private void OnStatusChanged(EnsembleSessionStatus e) => _ = InvokeAsync(() =>
    {
        statuses[e.Ensemble] = e;
        StateHasChanged();
    });

    protected override async Task OnInitializedAsync()
    {
        await LoadAsync();
        Registry.Changed += OnRegistryChanged;
        pollInterval = HealthOps.PollInterval;

        // The latest snapshots, so the first (prerendered) paint already shows each ensemble's health.
        var refused = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var ensemble in ensembles)
        {
            try
            {
                if (await HealthOps.GetHealthAsync(CurrentUser.User, ensemble.Name) is { } h)
                {
                    health[h.Ensemble] = h;
                }
            }
            catch (AccessDeniedException)
            {
                refused.Add(ensemble.Name);
            }
            catch (UnknownEnsembleException)
            {
                // removed meanwhile; the registry change reloads the list
            }
        }
        denied = refused;
    }

    public void Dispose()
    {
        Registry.Changed -= OnRegistryChanged;
        statusSubscription?.Dispose();
        subscription?.Dispose();
    }

    private async Task LoadAsync()
    {
        var user = CurrentUser.User;
        ensembles = (await Ensembles.ListAsync(user)).Select(EnsembleCard.From).ToList();
        statuses = (await Ensembles.GetStatusesAsync(user)).ToDictionary(s => s.Ensemble, StringComparer.OrdinalIgnoreCase);
        problems = Registry.ConfigurationErrors;
    }

    private void OnRegistryChanged(object? sender, EnsembleRegistryChangedEventArgs e) => _ = InvokeAsync(async () =>
    {
        await LoadAsync();
        if (subscription is not null)
        {
            await SubscribeAsync();
        }
        StateHasChanged();
    });

    private sealed record EnsembleCard(string Name, string ConnectString, int ServerCount, bool FromConfiguration, bool ReadOnly)
    {
        public string Href => $"e/{Uri.EscapeDataString(Name)}/";

        public static EnsembleCard From(EnsembleDefinition definition)
        {
            int servers;
            try
            {
                servers = definition.Parsed.Hosts.Count;
            }
            catch (EnsembleValidationException)
            {
                // The registry only lists valid ensembles; count the comma-separated hosts if parsing ever disagrees.
                servers = definition.ConnectString.Split('/', 2)[0].Split(',', StringSplitOptions.RemoveEmptyEntries).Length;
            }

            return new EnsembleCard(definition.Name, definition.ConnectString, servers,
                definition.Source == EnsembleSource.Configuration, definition.ReadOnly);
        }
    }
}
