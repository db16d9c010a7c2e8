using Microsoft.AspNetCore.Components;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Health;
using ZkDashboard.Core.Health.Notifications;
using ZkDashboard.Web.Auth;
using ZkDashboard.Web.Znodes.Stats;

namespace ZkDashboard.Web.Components.Pages.Notifications;

/// <summary>
/// The notification channels with their delivery state (live), a "send test" per channel (through
/// <see cref="IAlertNotifications.SendTestAsync"/>: access-checked and audited in Core), and each readable ensemble's alert rules.
/// </summary>
public sealed partial class Notifications : IDisposable
{
    private const string ExampleConfig = """
        "ZkDashboard": {
          "Health": {
            "Notifications": {
              "Channels": [
                { "Name": "ops-slack", "Type": "Slack", "Url": "https://hooks.slack.com/services/…" },
                { "Name": "pager", "Type": "Webhook", "Url": "https://alerts.example.com/zk", "MinSeverity": "Critical" },
                { "Name": "ops-mail", "Type": "Email",
                  "Smtp": { "Host": "smtp.example.com", "Port": 587, "EnableSsl": true, "From": "zk@example.com", "To": [ "ops@example.com" ] } }
              ]
            }
          }
        }
        """;

    private IReadOnlyList<NotificationChannelStatus> channels = [];
    private IReadOnlyList<(string Ensemble, IReadOnlyList<PrometheusRulesExporter.ExportedRule> Rules)> rulesByEnsemble = [];
    private readonly HashSet<string> sending = new(StringComparer.OrdinalIgnoreCase);
    private string? testResult;
    private bool subscribed;

    [Inject]
    private IAlertNotifications Alerts { get; set; } = default!;

    [Inject]
    private PrometheusRulesExporter Rules { get; set; } = default!;

    [Inject]
    private ICurrentUser CurrentUser { get; set; } = default!;

    [CascadingParameter]
    public ViewerTimeZone? Viewer { get; set; }

    private ViewerTimeZone Viewing => Viewer ?? ViewerTimeZone.Server;

    protected override async Task OnInitializedAsync()
    {
        channels = Alerts.Channels;
        var readable = await Rules.ReadableEnsemblesAsync(CurrentUser.User);
        rulesByEnsemble = readable.Select(e => (e, Rules.RulesFor(e))).ToArray();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            Alerts.Changed += OnChanged;
            subscribed = true;
            channels = Alerts.Channels;
        }
    }

    private void OnChanged() => _ = InvokeAsync(() =>
    {
        channels = Alerts.Channels;
        StateHasChanged();
    });

    private static bool HasRecentError(NotificationChannelStatus c) => c.LastErrorAt is { } e && (c.LastSuccessAt is not { } s || e > s);

    private async Task SendTestAsync(string channel)
    {
        if (!sending.Add(channel))
        {
            return;
        }
        testResult = $"Sending a test message through {channel}…";
        try
        {
            var result = await Alerts.SendTestAsync(CurrentUser.User, channel);
            testResult = result.Delivered
                ? $"Test message delivered through {channel} ({result.Attempts} attempt{(result.Attempts == 1 ? "" : "s")})."
                : $"Test message through {channel} failed after {result.Attempts} attempt{(result.Attempts == 1 ? "" : "s")}: {result.Error}";
        }
        catch (AccessDeniedException ex)
        {
            testResult = $"Not allowed: {ex.Message}";
        }
        catch (ArgumentException ex)
        {
            testResult = ex.Message;
        }
        finally
        {
            sending.Remove(channel);
            channels = Alerts.Channels;
        }
    }

    public void Dispose()
    {
        if (subscribed)
        {
            Alerts.Changed -= OnChanged;
        }
    }
}
