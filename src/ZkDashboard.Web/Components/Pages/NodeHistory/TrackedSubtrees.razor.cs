using Microsoft.AspNetCore.Components;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Tracking;
using ZkDashboard.Web.Auth;
using ZkDashboard.Web.Znodes.Stats;

namespace ZkDashboard.Web.Components.Pages.NodeHistory;

/// <summary>
/// The tracked globs of one ensemble with the tracker's state per root; admins (manageEnsembles) add and remove stored
/// globs. Everything through <see cref="INodeHistory"/> with the circuit's user (checked and audited in Core).
/// </summary>
public sealed partial class TrackedSubtrees
{
    private IReadOnlyList<TrackedSubtree>? _tracked;
    private IReadOnlyList<TrackedRootStatus> _status = [];
    private string? _manageRefusal;
    private string? _glob;
    private bool _busy;
    private Message? _message;
    private string? _loaded;

    private sealed record Message(string Kind, string Text);

    [Parameter] public string Ensemble { get; set; } = string.Empty;

    [CascadingParameter] public ViewerTimeZone? Viewer { get; set; }

    [Inject] private INodeHistory Histories { get; set; } = default!;
    [Inject] private ICurrentUser CurrentUser { get; set; } = default!;
    [Inject] private IAccessPolicy Policy { get; set; } = default!;

    private ViewerTimeZone Viewing => Viewer ?? ViewerTimeZone.Server;

    /// <summary>A base-relative link to the page.</summary>
    public static string Href(string ensemble) => $"history/{Uri.EscapeDataString(ensemble ?? throw new ArgumentNullException(nameof(ensemble)))}/tracked";

    protected override async Task OnParametersSetAsync()
    {
        if (_loaded == Ensemble)
        {
            return;
        }
        _loaded = Ensemble;
        var decision = await Policy.CanAsync(CurrentUser.User, Ensemble, AccessAction.ManageEnsembles, "/");
        _manageRefusal = decision.Allowed ? null : $"Adding and removing tracked subtrees needs manageEnsembles (admin): {decision.Reason}";
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        try
        {
            _tracked = await Histories.GetTrackedAsync(CurrentUser.User, Ensemble);
            _status = Histories.GetStatus(CurrentUser.User, Ensemble);
        }
        catch (Exception ex) when (ex is Core.Sessions.UnknownEnsembleException or InvalidOperationException)
        {
            _tracked = [];
            _message = new Message("bad", ex.Message);
        }
    }

    private TrackedRootStatus? StatusOf(string root) => _status.FirstOrDefault(s => s.Root == root);

    private async Task TrackAsync()
    {
        if (string.IsNullOrWhiteSpace(_glob))
        {
            return;
        }
        _busy = true;
        try
        {
            var t = await Histories.TrackAsync(CurrentUser.User, Ensemble, _glob.Trim());
            _message = new Message("good", $"Now tracking {t.Glob} (one persistent recursive watch on {t.Root}); the subtree is read once as the baseline.");
            _glob = null;
        }
        catch (AccessDeniedException ex)
        {
            _message = new Message("bad", "Not tracked: " + ex.Reason);
        }
        catch (ArgumentException ex)
        {
            _message = new Message("bad", ex.Message);
        }
        finally
        {
            _busy = false;
        }
        await LoadAsync();
    }

    private async Task UntrackAsync(string glob)
    {
        _busy = true;
        try
        {
            await Histories.UntrackAsync(CurrentUser.User, Ensemble, glob);
            _message = new Message("good", $"Stopped tracking {glob}. The versions recorded so far are kept.");
        }
        catch (AccessDeniedException ex)
        {
            _message = new Message("bad", "Not changed: " + ex.Reason);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            _message = new Message("bad", ex.Message);
        }
        finally
        {
            _busy = false;
        }
        await LoadAsync();
    }
}
