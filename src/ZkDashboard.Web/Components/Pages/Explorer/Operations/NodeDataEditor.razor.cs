using System.Text;
using Microsoft.AspNetCore.Components;
using Radzen;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Operations;
using ZkDashboard.Web.Znodes.Formats;
using ZkDashboard.Web.Auth;
using ZkDashboard.Web.Znodes.Live;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Components.Pages.Explorer.Operations;

/// <summary>
/// The Data tab: the viewer, and an edit mode that saves with the version the edit started from. A concurrent
/// change is never overwritten silently (conflict dialog with a diff) and edits are never dropped silently
/// (banner when the node changes underneath, confirmation before discarding).
/// </summary>
public partial class NodeDataEditor
{
    [Inject] private IZooKeeperOperations Operations { get; set; } = default!;
    [Inject] private ICurrentUser CurrentUser { get; set; } = default!;
    [Inject] private NotificationService Notifications { get; set; } = default!;
    [Inject] private IAccessPolicy Policy { get; set; } = default!;

    private NodeAccess? _access;
    private string? _accessKey;

    /// <summary>Why editing is not possible for this person here (access rules, or hidden data); null when it is.</summary>
    private string? EditRefusal => Node?.DataHiddenReason ?? _access?.Why(AccessAction.SetData);

    /// <summary>"Needs approval: …" when saving here submits a change request instead of writing.</summary>
    private string? ApprovalNote => _access?.ApprovalNote(AccessAction.SetData);

    /// <summary>The change request the last save became, for its link.</summary>
    private ZkDashboard.Core.Changes.ChangeRequest? _submitted;

    protected override async Task OnParametersSetAsync()
    {
        var key = Ensemble + "\n" + Path;
        if (key != _accessKey)
        {
            _accessKey = key;
            _access = await NodeAccess.LoadAsync(Policy, CurrentUser.User, Ensemble, Path, AccessAction.SetData);
        }
    }

    [Parameter] public string Ensemble { get; set; } = string.Empty;
    [Parameter] public string Path { get; set; } = "/";
    [Parameter] public NodeDetails? Node { get; set; }
    [Parameter] public bool Disabled { get; set; }
    [Parameter] public EventCallback OnSaved { get; set; }

    internal sealed record Message(string Kind, string Text);

    internal sealed record Conflict(string Title, string Explanation, string TheirsText, int? TheirsVersion);

    private bool _editing;
    private string _text = string.Empty;
    private string _originalText = string.Empty;
    private DataFormat _format = DataFormat.Text;
    private int _baseVersion;
    private string? _editPath;
    private bool _saveAllowed = true;
    private bool _busy;
    private string? _reason; // the person's reason for the save, recorded with it in the audit trail (and a change request)
    private bool _confirmDiscard;
    private Message? _message;
    private Conflict? _conflict;
    private string? _lastPath;

    private bool IsBinary => Node is not null && FormatDetector.Detect(Node.Data).Format == DataFormat.Binary;

    private bool Dirty => _editing && !string.Equals(_text, _originalText, StringComparison.Ordinal);

    /// <summary>The node on the server is newer than the version being edited.</summary>
    private bool ChangedUnderneath => _editing && Node is not null && Node.Path == _editPath && Node.Stat.Version != _baseVersion;

    /// <summary>True while there are edits that are not saved.</summary>
    public bool HasUnsavedChanges => Dirty;

    protected override void OnParametersSet()
    {
        if (_lastPath != Path)
        {
            // Another node: edits of the previous one cannot be saved here. The page warns before leaving dirty edits
            // only through this message, so say what happened to them.
            if (Dirty && _editPath is not null)
            {
                _message = new Message("warn", $"Your unsaved edits of {_editPath} were discarded when another node was opened.");
            }
            else
            {
                _message = null;
            }

            _lastPath = Path;
            _editing = false;
            _conflict = null;
        }
        else if (_editing && !Dirty && Node is not null && Node.Stat.Version != _baseVersion)
        {
            // Nothing typed yet: follow the server silently (there is nothing to lose).
            BeginEdit(Node);
        }

        ResolveUnknownOutcomeWhenConnected();
    }

    private void StartEdit()
    {
        if (Node is not null)
        {
            _message = null;
            BeginEdit(Node);
        }
    }

    private void BeginEdit(NodeDetails node)
    {
        var detection = FormatDetector.Detect(node.Data);
        _text = detection.Text ?? string.Empty;
        _originalText = _text;
        _format = ZkDashboard.Web.Components.Shared.DataEditor.EditableFormats.Contains(detection.Format) ? detection.Format : DataFormat.Text;
        _baseVersion = node.Stat.Version;
        _editPath = node.Path;
        _editing = true;
        _submitted = null;
    }

    private void CancelEdit()
    {
        if (Dirty)
        {
            _message = new Message("info", "Edits discarded.");
        }

        _editing = false;
    }

    /// <summary>Drops the edits without a message: the user chose "Discard" when leaving the node.</summary>
    public void DiscardEdits()
    {
        _editing = false;
        _conflict = null;
        _confirmDiscard = false;
        _message = null;
    }

    private void OnSaveAllowedChanged(bool allowed) => _saveAllowed = allowed;

    /// <summary>Saves the edits with the version they started from (Ctrl+S).</summary>
    public async Task SaveAsync()
    {
        if (!_editing || _busy || _editPath is null)
        {
            return;
        }

        if (Disabled)
        {
            _message = new Message("warn", "Not saved: writes are disabled while the ensemble is not connected (or read-only). Your edits are kept.");
            StateHasChanged();
            return;
        }

        if (!_saveAllowed)
        {
            var validation = FormatValidator.Validate(_text, _format);
            _message = new Message("bad", validation.IsValid
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Not saved: the data is {Encoding.UTF8.GetByteCount(_text):N0} bytes, over ZooKeeper's limit of {OpsErrors.MaxDataBytes:N0} bytes (1 MiB, jute.maxbuffer). Shorten it, or split it across several nodes. Your edits are kept.")
                : $"Not saved: the text is not valid {DataFormatInfo.DisplayName(_format)} ({validation.Describe()}). Fix it, or tick \"Save anyway\" below the editor.");
            StateHasChanged();
            return;
        }

        await WriteAsync(_baseVersion);
    }

    private async Task WriteAsync(int expectedVersion)
    {
        var path = _editPath!;
        var bytes = Encoding.UTF8.GetBytes(_text);
        _busy = true;
        _unknown = null;
        StateHasChanged();
        try
        {
            WriteResult result;
            using (ZkDashboard.Core.Audit.AuditAnnotations.WithReason(_reason))
            {
                result = await Operations.SetDataAsync(CurrentUser.User, Ensemble, path, bytes, expectedVersion);
            }
            _reason = null;
            _conflict = null;
            _confirmDiscard = false;
            _editing = false;
            var version = result.Stat?.Version;
            var text = result.ConfirmedAfterConnectionLoss
                ? $"Saved {path} (version {version}). The connection was lost during the write; a re-read confirmed it was applied."
                : $"Saved {path} (version {version}).";
            _message = new Message("good", text);
            Notifications.Notify(new NotificationMessage { Severity = NotificationSeverity.Success, Summary = "Data saved", Detail = text, Duration = 4000 });
            await OnSaved.InvokeAsync();
        }
        catch (ZkDashboard.Core.Changes.ChangeRequestSubmittedException submitted)
        {
            // Not saved and not failed: stored as a change request that someone else approves.
            _conflict = null;
            _confirmDiscard = false;
            _editing = false;
            _submitted = submitted.Request;
            var text = OpsErrors.Submitted(submitted);
            _message = new Message("info", text);
            Notifications.Notify(new NotificationMessage { Severity = NotificationSeverity.Info, Summary = "Submitted for approval", Detail = text, Duration = 6000 });
            await OnSaved.InvokeAsync();
        }
        catch (BadVersionException)
        {
            await OpenConflictAsync(path, expectedVersion);
        }
        catch (WriteOutcomeUnknownException e)
        {
            RememberUnknownOutcome(path, expectedVersion, bytes, e);
        }
        catch (Exception e) when (OpsErrors.IsExpected(e))
        {
            _message = new Message("bad", OpsErrors.Describe(e, "save", path) + " Your edits are kept.");
        }
        finally
        {
            _busy = false;
            StateHasChanged(); // Ctrl+S arrives through the page's script, not an event of this component
        }
    }

    private async Task OpenConflictAsync(string path, int triedVersion)
    {
        try
        {
            var theirs = await Operations.GetNodeAsync(CurrentUser.User, Ensemble, path);
            var text = FormatDetector.Detect(theirs.Data).Text ?? $"(binary data, {theirs.Data.Length} bytes)";
            _conflict = new Conflict("Someone else changed this node",
                $"Not saved: {path} is at version {theirs.Stat.Version} on the server, but your edits started from version {triedVersion}. Compare, then overwrite with your text, reload theirs, or keep editing.",
                text, theirs.Stat.Version);
        }
        catch (NoNodeException)
        {
            _conflict = null;
            _message = new Message("bad", $"Not saved: {path} was deleted by someone else. Your edits are kept; copy them before leaving.");
        }
        catch (Exception e) when (OpsErrors.IsExpected(e))
        {
            _message = new Message("bad", $"Not saved: the node was changed by someone else, and re-reading it failed: {e.Message} Your edits are kept.");
        }
    }

    private void ShowUnderneathDiff()
    {
        if (Node is null)
        {
            return;
        }

        var text = FormatDetector.Detect(Node.Data).Text ?? $"(binary data, {Node.Data.Length} bytes)";
        _conflict = new Conflict("The node changed on the server",
            $"You are editing version {_baseVersion}; the server has version {Node.Stat.Version}. Overwrite it with your text, reload theirs, or keep editing.",
            text, Node.Stat.Version);
    }

    private void KeepEditing()
    {
        _conflict = null;
        _confirmDiscard = false;
    }

    private async Task OverwriteAsync()
    {
        if (_conflict?.TheirsVersion is { } version)
        {
            await WriteAsync(version);
        }
    }

    private async Task ReloadTheirs()
    {
        _conflict = null;
        _confirmDiscard = false;
        _editing = false;
        _message = new Message("info", "Your edits were discarded; showing the server's data.");
        await OnSaved.InvokeAsync();
    }
}
