using Microsoft.AspNetCore.Components;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Health;
using ZkDashboard.Web.Explorer.Live;

namespace ZkDashboard.Web.Components.Pages;

/// <summary>
/// Start page and health overview: the ensembles the dashboard knows (<see cref="IEnsembleRegistry"/>), each with its health
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
    private IReadOnlyList<string> problems = [];

    [Inject]
    private IEnsembleRegistry Registry { get; set; } = default!;

    [Inject]
    private IEnsembleSessions Sessions { get; set; } = default!;

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

    /// <summary>The live state of an ensemble's shared session (null when the name is not registered).</summary>
    private EnsembleSessionStatus? StateOf(string name)
    {
        try
        {
            return Sessions.GetStatus(name);
        }
        catch (UnknownEnsembleException)
        {
            return null;
        }
    }

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
            Sessions.StatusChanged += OnStatusChanged;
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

    private void OnStatusChanged(object? sender, EnsembleSessionStatus e) => _ = InvokeAsync(StateHasChanged);

    protected override void OnInitialized()
    {
        Load();
        Registry.Changed += OnRegistryChanged;
        pollInterval = HealthOps.PollInterval;
    }

    /// <summary>The latest snapshots, so the first (prerendered) paint already shows each ensemble's health.</summary>
    protected override async Task OnInitializedAsync()
    {
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
        Sessions.StatusChanged -= OnStatusChanged;
        subscription?.Dispose();
    }

    private void Load()
    {
        ensembles = Registry.All.Select(EnsembleCard.From).ToList();
        problems = Registry.ConfigurationErrors;
    }

    private void OnRegistryChanged(object? sender, EnsembleRegistryChangedEventArgs e) => _ = InvokeAsync(async () =>
    {
        Load();
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
