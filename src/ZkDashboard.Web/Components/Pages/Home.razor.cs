using Microsoft.AspNetCore.Components;
using ZkDashboard.Core.Boundary;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Web.Explorer.Live;

namespace ZkDashboard.Web.Components.Pages;

/// <summary>Start page: the ensembles the person may read (<see cref="IUserEnsembles"/>), each linking to its explorer.</summary>
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
    private ICurrentUser CurrentUser { get; set; } = default!;

    /// <summary>The live state of an ensemble's shared session (null when it is not listed for this person).</summary>
    private EnsembleSessionStatus? StateOf(string name) => statuses.GetValueOrDefault(name);

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
            statusSubscription = Ensembles.SubscribeStatus(CurrentUser.User, OnStatusChanged);
            OpenSessions();
        }
    }

    /// <summary>
    /// Sessions open lazily; the home page opens those of the listed ensembles that are not open yet (once: an open
    /// session stays open) so each card shows a real state (connected, or unreachable with the reason) instead of
    /// "idle". Only ensembles this person may read are listed and opened. Failures show up through the status.
    /// </summary>
    private void OpenSessions()
    {
        foreach (var status in statuses.Values.Where(s => s.State == EnsembleConnectionState.NotConnected).ToList())
        {
            _ = OpenAsync(status.Ensemble);
        }
    }

    private async Task OpenAsync(string ensemble)
    {
        try
        {
            await Ensembles.ConnectAsync(CurrentUser.User, ensemble);
        }
        catch (Exception ex) when (ex is EnsembleUnavailableException or UnknownEnsembleException or OperationCanceledException
            or ZkDashboard.Core.Access.AccessDeniedException)
        {
            // The session's status says why; the card shows it.
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
    }

    public void Dispose()
    {
        Registry.Changed -= OnRegistryChanged;
        statusSubscription?.Dispose();
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
