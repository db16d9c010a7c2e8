using Microsoft.AspNetCore.Components;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Web.Explorer.Live;

namespace ZkDashboard.Web.Components.Pages;

/// <summary>Start page: the ensembles the dashboard knows (<see cref="IEnsembleRegistry"/>), each linking to its explorer.</summary>
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

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            Sessions.StatusChanged += OnStatusChanged;
            OpenSessions();
        }
    }

    /// <summary>
    /// Sessions open lazily; the home page opens the ones not opened yet so each card shows a real state (connected,
    /// or unreachable with the reason) instead of "idle". Failures show up through the status, not here.
    /// </summary>
    private void OpenSessions()
    {
        foreach (var status in Sessions.All.Where(s => s.State == EnsembleConnectionState.NotConnected))
        {
            _ = OpenAsync(status.Ensemble);
        }
    }

    private async Task OpenAsync(string ensemble)
    {
        try
        {
            await Sessions.GetClientAsync(ensemble);
        }
        catch (Exception ex) when (ex is EnsembleUnavailableException or UnknownEnsembleException or OperationCanceledException)
        {
            // The session's status says why; the card shows it.
        }
    }

    private void OnStatusChanged(object? sender, EnsembleSessionStatus e) => _ = InvokeAsync(StateHasChanged);

    protected override void OnInitialized()
    {
        Load();
        Registry.Changed += OnRegistryChanged;
    }

    public void Dispose()
    {
        Registry.Changed -= OnRegistryChanged;
        Sessions.StatusChanged -= OnStatusChanged;
    }

    private void Load()
    {
        ensembles = Registry.All.Select(EnsembleCard.From).ToList();
        problems = Registry.ConfigurationErrors;
    }

    private void OnRegistryChanged(object? sender, EnsembleRegistryChangedEventArgs e) => _ = InvokeAsync(() =>
    {
        Load();
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
