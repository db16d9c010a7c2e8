using Microsoft.AspNetCore.Components;
using Radzen;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Operations;
using ZkDashboard.Web.Znodes.Acl;
using ZkDashboard.Web.Auth;
using ZkDashboard.Web.Znodes.Live;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Components.Pages.Explorer.Operations;

/// <summary>The ACL tab: the ACL as a table, and an editor that saves with the node's ACL version (aversion).</summary>
public partial class NodeAclPanel
{
    [Inject] private IZooKeeperOperations Operations { get; set; } = default!;
    [Inject] private ICurrentUser CurrentUser { get; set; } = default!;
    [Inject] private IEnsembleRegistry Registry { get; set; } = default!;
    [Inject] private NotificationService Notifications { get; set; } = default!;
    [Inject] private IAccessPolicy Policy { get; set; } = default!;

    private NodeAccess? _access;
    private string? _accessKey;

    protected override async Task OnParametersSetAsync()
    {
        var key = Ensemble + "\n" + Path;
        if (key != _accessKey)
        {
            _accessKey = key;
            _access = await NodeAccess.LoadAsync(Policy, CurrentUser.User, Ensemble, Path, AccessAction.SetAcl);
        }
    }

    [Parameter] public string Ensemble { get; set; } = string.Empty;
    [Parameter] public string Path { get; set; } = "/";
    [Parameter] public NodeDetails? Node { get; set; }
    [Parameter] public bool Disabled { get; set; }
    [Parameter] public EventCallback OnSaved { get; set; }

    internal sealed record Message(string Kind, string Text);

    private bool _editing;
    private bool _busy;
    private int _baseAversion;
    private IReadOnlyList<AclEntry> _draft = [];
    private Message? _message;
    private string? _lastPath;
    private bool _changed;

    /// <summary>True while the ACL editor holds changes that are not saved.</summary>
    public bool HasUnsavedChanges => _editing && _changed;

    /// <summary>Drops the ACL edits (Cancel, or "Discard" when leaving the node).</summary>
    public void DiscardEdits()
    {
        _editing = false;
        _changed = false;
    }

    private void OnDraftChanged(IReadOnlyList<AclEntry> entries) => _changed = !entries.SequenceEqual(_draft);

    /// <summary>The identities the dashboard's session presents on this ensemble (for the lock-out check).</summary>
    private DashboardIdentities Identities
    {
        get
        {
            var credentials = Registry.Find(Ensemble)?.Credentials;
            return DashboardIdentities.FromDigestIds(credentials is { User.Length: > 0 } c ? [DigestHelper.ComputeId(c.User, c.Password)] : []);
        }
    }

    protected override void OnParametersSet()
    {
        if (_lastPath != Path)
        {
            _lastPath = Path;
            _editing = false;
            _message = null;
        }
    }

    private void StartEdit()
    {
        if (Node?.Acl is { } acl)
        {
            _draft = AclEntry.FromClient(acl);
            _baseAversion = Node.Stat.Aversion;
            _message = null;
            _changed = false;
            _editing = true;
        }
    }

    private async Task SaveAsync(IReadOnlyList<AclEntry> entries)
    {
        var path = Path;
        _busy = true;
        try
        {
            var result = await Operations.SetAclAsync(CurrentUser.User, Ensemble, path, AclEntry.ToClient(entries), _baseAversion);
            _editing = false;
            var text = result.ConfirmedAfterConnectionLoss
                ? $"ACL of {path} saved. The connection was lost during the write; a re-read confirmed it was applied."
                : $"ACL of {path} saved (ACL version {result.Stat?.Aversion}).";
            _message = new Message("good", text);
            Notifications.Notify(new NotificationMessage { Severity = NotificationSeverity.Success, Summary = "ACL saved", Detail = text, Duration = 4000 });
            await OnSaved.InvokeAsync();
        }
        catch (ZkDashboard.Core.Changes.ChangeRequestSubmittedException submitted)
        {
            _editing = false;
            _message = new Message("info", OpsErrors.Submitted(submitted));
            Notifications.Notify(new NotificationMessage { Severity = NotificationSeverity.Info, Summary = "Submitted for approval", Detail = _message.Text, Duration = 6000 });
            await OnSaved.InvokeAsync();
        }
        catch (BadVersionException)
        {
            _editing = false;
            _message = new Message("warn", $"Not saved: someone else changed the ACL of {path} after you started editing. The current ACL was reloaded; apply your change again.");
            await OnSaved.InvokeAsync();
        }
        catch (Exception e) when (OpsErrors.IsExpected(e))
        {
            _message = new Message(e is WriteOutcomeUnknownException ? "warn" : "bad", OpsErrors.Describe(e, "set the ACL of", path));
        }
        finally
        {
            _busy = false;
        }
    }
}
