using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using Radzen;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Jobs;
using ZkDashboard.Core.Operations;
using ZkDashboard.Web.Znodes.Acl;
using ZkDashboard.Web.Znodes.Formats;
using ZkDashboard.Web.Auth;
using ZkDashboard.Web.Znodes.Live;
using ZkDashboard.Web.Znodes.Naming;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Components.Pages.Explorer.Operations;

/// <summary>
/// The node toolbar: create a child (every mode), delete (versioned, or recursive with count, typed confirmation,
/// progress and cancel), rename/move/copy a subtree (dry run first), and copy path or data to the clipboard.
/// </summary>
public partial class NodeActions : IAsyncDisposable
{
    [Inject] private IZooKeeperOperations Operations { get; set; } = default!;
    [Inject] private IBulkJobs Jobs { get; set; } = default!;
    [Inject] private ICurrentUser CurrentUser { get; set; } = default!;
    [Inject] private IEnsembleRegistry Registry { get; set; } = default!;
    [Inject] private NotificationService Notifications { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private IAccessPolicy Policy { get; set; } = default!;

    private NodeAccess? _access;
    private string? _accessKey;

    [Parameter] public string Ensemble { get; set; } = string.Empty;
    [Parameter] public string Path { get; set; } = "/";
    [Parameter] public NodeDetails? Node { get; set; }
    [Parameter] public bool Disabled { get; set; }
    [Parameter] public EventCallback OnChanged { get; set; }
    [Parameter] public EventCallback<string> OnNavigate { get; set; }

    internal static readonly IReadOnlyList<(CreateMode Mode, string Label)> Modes =
    [
        (CreateMode.Persistent, "Persistent"),
        (CreateMode.Ephemeral, "Ephemeral"),
        (CreateMode.PersistentSequential, "Persistent sequential"),
        (CreateMode.EphemeralSequential, "Ephemeral sequential"),
        (CreateMode.Container, "Container"),
        (CreateMode.PersistentWithTtl, "Persistent with TTL"),
        (CreateMode.PersistentSequentialWithTtl, "Persistent sequential with TTL"),
    ];

    private readonly string _id = "zkn-" + Guid.NewGuid().ToString("N")[..8];
    private IJSObjectReference? _module;
    private string? _status;
    private bool _busy;
    private string _reason = ""; // the person's reason for a create or delete, kept in the audit trail

    private bool _createOpen;
    private string _name = string.Empty;
    private CreateMode _mode = CreateMode.Persistent;
    private long _ttlSeconds = 60;
    private string _data = string.Empty;
    private DataFormat _dataFormat = DataFormat.Text;
    private bool _dataAllowed = true;
    private string _aclChoice = "open";
    private IReadOnlyList<AclEntry> _customAcl = [AclEntry.WorldAnyone()];
    private string? _createError;

    private bool Sequential => _mode is CreateMode.PersistentSequential or CreateMode.EphemeralSequential or CreateMode.PersistentSequentialWithTtl;

    private string? NameError => _name.Length == 0 ? "Enter a name." : NodeNameValidator.ValidateName(_name, Sequential);

    private bool CanCreate => NameError is null && _dataAllowed && (!_mode.IsTtl() || _ttlSeconds > 0)
        && (_aclChoice != "custom" || (_customAcl.Count > 0 && AclValidator.ValidateAll(_customAcl).Count == 0));

    private string ChildPath(string name) => (Path == "/" ? "/" : Path + "/") + name;

    internal static string ModeHelp(CreateMode mode) => mode switch
    {
        CreateMode.Persistent => "Stays until deleted.",
        CreateMode.Ephemeral => "Deleted when the creating session ends; cannot have children.",
        CreateMode.PersistentSequential => "Persistent; the server appends a 10-digit counter to the name.",
        CreateMode.EphemeralSequential => "Ephemeral with a server-appended counter.",
        CreateMode.Container => "Deleted by the server some time after its last child is deleted.",
        CreateMode.PersistentWithTtl => "Deleted when it has had no children and no changes for the TTL (needs extended types on the servers).",
        CreateMode.PersistentSequentialWithTtl => "TTL node with a server-appended counter.",
        _ => string.Empty,
    };

    private string? _statusPath;
    private bool _statusOk = true;
    private CancellationTokenSource? _statusTimer;

    /// <summary>Shows a copy confirmation for a few seconds.</summary>
    private void ShowStatus(string text, bool ok)
    {
        _status = text;
        _statusOk = ok;
        _statusTimer?.Cancel();
        _statusTimer?.Dispose();
        _statusTimer = new CancellationTokenSource();
        _ = HideStatusLaterAsync(_statusTimer.Token);
    }

    private async Task HideStatusLaterAsync(CancellationToken ct)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(6), ct);
            await InvokeAsync(() =>
            {
                _status = null;
                StateHasChanged();
            });
        }
        catch (OperationCanceledException)
        {
            // A newer confirmation replaced this one, or the component is gone.
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        var key = Ensemble + "\n" + Path;
        if (key != _accessKey)
        {
            _accessKey = key;
            _access = await NodeAccess.LoadAsync(Policy, CurrentUser.User, Ensemble, Path,
                AccessAction.Create, AccessAction.Delete, AccessAction.DeleteRecursive, AccessAction.CopyMove);
        }
    }

    private bool Can(AccessAction action) => _access?.Can(action) == true;

    /// <summary>The first refused write here, said once next to the toolbar (null when every write is allowed).</summary>
    private string? AccessNote => _access is null || Disabled ? null
        : _access.Why(AccessAction.Create) ?? _access.Why(AccessAction.Delete) ?? _access.Why(AccessAction.CopyMove);

    protected override void OnParametersSet()
    {
        // A copy confirmation belongs to the node it was made on.
        if (_statusPath != Path)
        {
            _statusPath = Path;
            _status = null;
            _createUnknown = null;
            _deleteUnknown = null;
        }

        ResolveUnknownWhenConnected();
    }

    private void OpenCreate()
    {
        _name = string.Empty;
        _mode = CreateMode.Persistent;
        _data = string.Empty;
        _dataFormat = DataFormat.Text;
        _dataAllowed = true;
        _aclChoice = "open";
        _customAcl = [AclEntry.WorldAnyone()];
        _createError = null;
        _createUnknown = null;
        _reason = "";
        _createOpen = true;
    }

    private IReadOnlyList<Acl> ChosenAcl() => _aclChoice switch
    {
        "creator" => [new Acl(Perms.All, new Id("auth", string.Empty))],
        "readonly" => [new Acl(Perms.Read, new Id("world", "anyone"))],
        "custom" => AclEntry.ToClient(_customAcl),
        _ => Acls.OpenUnsafe,
    };

    private async Task CreateAsync()
    {
        if (!CanCreate)
        {
            return;
        }

        var path = ChildPath(_name);
        var request = new CreateNodeRequest(path, Encoding.UTF8.GetBytes(_data), ChosenAcl(), _mode, _mode.IsTtl() ? _ttlSeconds * 1000 : 0);
        _busy = true;
        _createError = null;
        _createUnknown = null;
        try
        {
            WriteResult result;
            using (ZkDashboard.Core.Audit.AuditAnnotations.WithReason(_reason))
            {
                result = await Operations.CreateAsync(CurrentUser.User, Ensemble, request);
            }
            _createOpen = false;
            var text = result.ConfirmedAfterConnectionLoss
                ? $"Created {result.Path}. The connection was lost during the create; a re-read confirmed the node exists."
                : $"Created {result.Path}.";
            Notifications.Notify(new NotificationMessage { Severity = NotificationSeverity.Success, Summary = "Node created", Detail = text, Duration = 4000 });
            await OnChanged.InvokeAsync();
            await OnNavigate.InvokeAsync(result.Path);
        }
        catch (ZkDashboard.Core.Changes.ChangeRequestSubmittedException submitted)
        {
            _createOpen = false;
            Notifications.Notify(new NotificationMessage { Severity = NotificationSeverity.Info, Summary = "Submitted for approval", Detail = OpsErrors.Submitted(submitted), Duration = 8000 });
            await OnChanged.InvokeAsync();
        }
        catch (Exception e) when (OpsErrors.IsExpected(e))
        {
            if (!RememberUnknownCreate(e, request))
            {
                _createError = OpsErrors.Describe(e, "create", path);
            }
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task CopyPathAsync() => await CopyAsync(Path, "Path copied");

    private async Task CopyDataAsync()
    {
        if (Node is null)
        {
            return;
        }

        var detection = FormatDetector.Detect(Node.Data);
        var text = detection.Text ?? Convert.ToBase64String(Node.Data);
        await CopyAsync(text, detection.Text is null ? "Data copied as base64 (binary)" : "Data copied");
    }

    private async Task CopyAsync(string text, string done)
    {
        try
        {
            _module ??= await JS.InvokeAsync<IJSObjectReference>("import", "./Components/Pages/Explorer/Operations/NodeActions.razor.js");
            var ok = await _module.InvokeAsync<bool>("copyText", text);
            ShowStatus(ok ? done : "The browser refused clipboard access. Select the text and copy it by hand.", ok);
        }
        catch (JSException e)
        {
            ShowStatus($"Could not copy: {e.Message}", ok: false);
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        DisposeJobSubscription();
        _statusTimer?.Cancel();
        _statusTimer?.Dispose();
        if (_module is not null)
        {
            try
            {
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone.
            }
        }

        GC.SuppressFinalize(this);
    }
}
