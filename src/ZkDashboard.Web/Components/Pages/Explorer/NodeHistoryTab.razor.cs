using System.Globalization;
using Microsoft.AspNetCore.Components;
using Radzen;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Tracking;
using ZkDashboard.Web.Components.Pages.Explorer.Operations;
using ZkDashboard.Web.Znodes.Formats;
using ZkDashboard.Web.Auth;
using ZkDashboard.Web.Znodes.Live;
using ZkDashboard.Web.Znodes.Stats;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Components.Pages.Explorer;

/// <summary>
/// The History tab: every version of the node the dashboard has a record of (tracked versions and its own writes), who,
/// when and why; a diff between any two; "Restore this version" as a versioned write with the node's version as shown
/// (a node that moved on opens the conflict diff and nothing is written). Everything goes through <see cref="INodeHistory"/>
/// with the circuit's user.
/// </summary>
public sealed partial class NodeHistoryTab : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Core.Tracking.NodeHistory? _history;
    private string? _error;
    private string? _loadedKey;
    private bool _loading;
    private string? _fromId;
    private string? _toId;
    private NodeVersionView? _restoring;
    private int _expectedVersion;
    private string? _reason;
    private bool _busy;
    private ConflictState? _conflict;
    private Message? _message;
    private NodeAccess? _access;
    private string? _accessKey;

    private sealed record ConflictState(int Version, string Text);

    private sealed record Message(string Kind, string Text);

    [Parameter, EditorRequired] public string Ensemble { get; set; } = string.Empty;
    [Parameter, EditorRequired] public string Path { get; set; } = "/";
    [Parameter] public NodeDetails? Node { get; set; }
    [Parameter] public bool CanWrite { get; set; }
    [Parameter] public EventCallback OnChanged { get; set; }

    [CascadingParameter] public ViewerTimeZone? Viewer { get; set; }

    [Inject] private INodeHistory Histories { get; set; } = default!;
    [Inject] private IZooKeeperOperations Operations { get; set; } = default!;
    [Inject] private ICurrentUser CurrentUser { get; set; } = default!;
    [Inject] private IAccessPolicy Policy { get; set; } = default!;
    [Inject] private NotificationService Notifications { get; set; } = default!;

    private ViewerTimeZone Viewing => Viewer ?? ViewerTimeZone.Server;

    private string ChangesHref => ZkDashboard.Web.Components.Pages.NodeHistory.ChangesBetween.Href(Ensemble, Path, null, null);

    private string TrackedHref => ZkDashboard.Web.Components.Pages.NodeHistory.TrackedSubtrees.Href(Ensemble);

    private IEnumerable<NodeVersionView> Comparable => _history?.Versions.Where(v => v.Data is not null) ?? [];

    private string CurrentText => Node is null ? string.Empty : Node.DataHidden ? "(hidden)" : Text(Node.Data);

    protected override async Task OnParametersSetAsync()
    {
        var accessKey = Ensemble + "\n" + Path;
        if (accessKey != _accessKey)
        {
            _accessKey = accessKey;
            _access = await NodeAccess.LoadAsync(Policy, CurrentUser.User, Ensemble, Path, AccessAction.SetData);
            _message = null;
            _restoring = null;
            _conflict = null;
        }
        var key = $"{Ensemble}\n{Path}\n{Node?.Stat.Mzxid}\n{Node?.Stat.Aversion}";
        if (key != _loadedKey)
        {
            _loadedKey = key;
            await LoadAsync(followTracker: true);
        }
    }

    private Task ReloadAsync() => LoadAsync(followTracker: false);

    /// <summary>Reads the history; with <paramref name="followTracker"/>, reads again briefly while the tracker has not yet
    /// stored the version the panel shows (it records shortly after the change).</summary>
    private async Task LoadAsync(bool followTracker)
    {
        var path = Path;
        _loading = true;
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var history = await Histories.GetHistoryAsync(CurrentUser.User, Ensemble, path, _stop.Token);
                if (path != Path)
                {
                    return; // another node opened meanwhile
                }
                _history = history;
                _error = null;
                PickDefaults();
                var behind = followTracker && history.TrackedBy is not null && Node is not null && !history.Versions.Any(IsCurrent);
                if (!behind || attempt >= 10)
                {
                    break;
                }
                StateHasChanged();
                await Task.Delay(300, _stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (AccessDeniedException ex)
        {
            _history = null;
            _error = $"The history of {path} is not shown: {ex.Reason}";
        }
        catch (Exception ex) when (ex is ZooKeeperException or Core.Sessions.UnknownEnsembleException or InvalidOperationException or Microsoft.EntityFrameworkCore.DbUpdateException)
        {
            _history = null;
            _error = $"The history of {path} could not be read: {ex.Message}";
        }
        finally
        {
            _loading = false;
        }
    }

    private void PickDefaults()
    {
        var comparable = Comparable.ToList();
        if (Find(_toId) is null || Find(_fromId) is null)
        {
            var to = comparable.FirstOrDefault(IsCurrent) ?? comparable.FirstOrDefault();
            var from = comparable.SkipWhile(v => v != to).Skip(1).FirstOrDefault() ?? to;
            _toId = to?.Id;
            _fromId = from?.Id;
        }
    }

    private NodeVersionView? Find(string? id) => id is null ? null : _history?.Versions.FirstOrDefault(v => v.Id == id);

    private bool IsCurrent(NodeVersionView v) => Node is { } n && v.Kind != NodeChangeKind.Deleted && v.Mzxid == n.Stat.Mzxid;

    private bool CanRestore(NodeVersionView v) => CanWrite && v.Restorable && _access?.Can(AccessAction.SetData) == true && Node is not null && !Node.DataHidden;

    private string RestoreTitle(NodeVersionView v)
        => !v.Restorable ? v.DataUnavailableReason ?? "This version has no content to restore"
            : !CanWrite ? "Writes are disabled (not connected, or read-only)"
            : _access?.Why(AccessAction.SetData) ?? $"Write version {v.Version}'s content back (a versioned write over the current version)";

    private void CompareWithCurrent(NodeVersionView v)
    {
        _fromId = v.Id;
        _toId = Comparable.FirstOrDefault(IsCurrent)?.Id ?? Comparable.FirstOrDefault()?.Id;
    }

    private void AskRestore(NodeVersionView v)
    {
        if (Node is null)
        {
            return;
        }
        _restoring = v;
        _expectedVersion = Node.Stat.Version; // the version as shown: a restore never overwrites a version the person has not seen
        _conflict = null;
        _reason = null;
        _message = null;
    }

    private void CancelRestore()
    {
        if (_busy)
        {
            return;
        }
        _restoring = null;
        _conflict = null;
    }

    private async Task RestoreAsync(int expectedVersion)
    {
        if (_restoring is not { } v)
        {
            return;
        }
        _busy = true;
        try
        {
            var result = await Histories.RestoreAsync(CurrentUser.User, Ensemble, Path, v.Id, expectedVersion, _reason, _stop.Token);
            var text = $"Restored version {v.Version} of {Path}: it is now version {result.Stat?.Version}."
                + (result.ConfirmedAfterConnectionLoss ? " The connection was lost during the write; a re-read confirmed it was applied." : "");
            _message = new Message("good", text);
            Notifications.Notify(new NotificationMessage { Severity = NotificationSeverity.Success, Summary = "Version restored", Detail = text, Duration = 4000 });
            _restoring = null;
            _conflict = null;
            await OnChanged.InvokeAsync();
        }
        catch (BadVersionException)
        {
            await OpenConflictAsync();
        }
        catch (Exception ex) when (ex is VersionNotRestorableException or NodeVersionNotFoundException or ArgumentException)
        {
            _restoring = null;
            _message = new Message("bad", "Not restored: " + ex.Message);
        }
        catch (AccessDeniedException ex)
        {
            _restoring = null;
            _message = new Message("bad", "Not restored: " + ex.Reason);
        }
        catch (Exception ex) when (OpsErrors.IsExpected(ex))
        {
            _restoring = null;
            _message = new Message("bad", OpsErrors.Describe(ex, "restore", Path));
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task OpenConflictAsync()
    {
        try
        {
            var theirs = await Operations.GetNodeAsync(CurrentUser.User, Ensemble, Path, _stop.Token);
            _conflict = new ConflictState(theirs.Stat.Version, theirs.DataHidden ? "(hidden)" : Text(theirs.Data));
        }
        catch (NoNodeException)
        {
            _restoring = null;
            _message = new Message("bad", $"Not restored: {Path} was deleted meanwhile. Nothing was written.");
        }
        catch (Exception ex) when (OpsErrors.IsExpected(ex))
        {
            _restoring = null;
            _message = new Message("bad", $"Not restored: the node changed meanwhile, and re-reading it failed: {ex.Message} Nothing was written.");
        }
    }

    private static string Text(byte[] data) => FormatDetector.Detect(data).Text ?? $"(binary data, {data.Length:N0} bytes)";

    private static string TextOf(NodeVersionView v) => v.Data is { } d ? Text(d) : $"({v.DataUnavailableReason ?? "no content"})";

    private static string What(NodeVersionView v)
    {
        var kind = v.Kind switch
        {
            NodeChangeKind.Created => "created",
            NodeChangeKind.Changed => v.Operation is "SetAcl" ? "ACL changed" : "changed",
            NodeChangeKind.Deleted => "deleted",
            _ => "as tracking began",
        };
        var how = v.Observation switch
        {
            NodeObservation.Gap => " (observed after a gap: earlier versions in between are unknown)",
            NodeObservation.DashboardWrite => " (dashboard write)",
            NodeObservation.Event when v.Count > 1 => $" ({v.Count} changes coalesced)",
            _ => "",
        };
        return kind + how;
    }

    private static string Size(NodeVersionView v)
        => v.Kind == NodeChangeKind.Deleted || v.DataLength is null ? "–" : v.DataLength.Value.ToString("N0", CultureInfo.InvariantCulture) + " B";

    private string RowLabel(NodeVersionView v) => $"Version {v.Version?.ToString(CultureInfo.InvariantCulture) ?? "–"}, {What(v)}, by {v.By}";

    private string OptionText(NodeVersionView v) => $"v{v.Version} · {Viewing.Format(v.At, "MM-dd HH:mm:ss")} · {v.By}";

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
