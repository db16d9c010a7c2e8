using Radzen;
using ZkDashboard.Core.Operations;

namespace ZkDashboard.Web.Components.Pages.Explorer.Operations;

/// <summary>
/// A create or delete whose outcome is unknown (the connection was lost and the ensemble stayed unreachable) is
/// reported as unknown, never as success or failure; once writes are possible again the node is re-read and the
/// dialog says how the operation really ended.
/// </summary>
public partial class NodeActions
{
    private CreateNodeRequest? _createUnknown;
    private (string Path, int Version)? _deleteUnknown;
    private bool _resolving;

    private bool RememberUnknownCreate(Exception e, CreateNodeRequest request)
    {
        if (e is not WriteOutcomeUnknownException { EnsembleUnreachable: true })
        {
            return false;
        }

        _createUnknown = request;
        _createError = $"The outcome of creating {request.Path} is unknown: the connection to '{Ensemble}' was lost while the request was on its way, and the ensemble is still unreachable. The node is checked as soon as the connection is back, and this message will then say whether it was created.";
        return true;
    }

    private bool RememberUnknownDelete(Exception e, string path, int version)
    {
        if (e is not WriteOutcomeUnknownException { EnsembleUnreachable: true })
        {
            return false;
        }

        _deleteUnknown = (path, version);
        _deleteError = $"The outcome of deleting {path} is unknown: the connection to '{Ensemble}' was lost while the request was on its way, and the ensemble is still unreachable. The node is checked as soon as the connection is back, and this message will then say whether it was deleted.";
        return true;
    }

    /// <summary>Called when parameters change: once writes are possible again, settle an unknown outcome.</summary>
    private void ResolveUnknownWhenConnected()
    {
        if ((_createUnknown is null && _deleteUnknown is null) || _resolving || Disabled)
        {
            return;
        }

        _resolving = true;
        _ = InvokeAsync(ResolveUnknownAsync);
    }

    private async Task ResolveUnknownAsync()
    {
        try
        {
            if (_createUnknown is { } create)
            {
                _createUnknown = null;
                await ResolveCreateAsync(create);
            }

            if (_deleteUnknown is { } delete)
            {
                _deleteUnknown = null;
                await ResolveDeleteAsync(delete.Path, delete.Version);
            }
        }
        finally
        {
            _resolving = false;
            StateHasChanged();
        }
    }

    private async Task ResolveCreateAsync(CreateNodeRequest request)
    {
        var settled = await Operations.SettleUnknownWriteAsync(CurrentUser.User, Ensemble, PendingWrite.Create(request.Path, request.Data));
        switch (settled.Verdict)
        {
            case WriteVerdict.StillUnknown:
                _createUnknown = request; // still unreachable: the next reconnect tries again
                break;
            case WriteVerdict.NotApplied:
                _createError = $"{request.Path} was NOT created: the connection is back and there is no node at that path. Nothing changed; press Create to try again.";
                NotifyIfClosed(_createOpen, "Node not created", _createError);
                break;
            case WriteVerdict.Applied:
                _createOpen = false;
                var text = $"Created {request.Path}: the connection is back and a re-read shows the node with your data.";
                Notifications.Notify(new NotificationMessage { Severity = NotificationSeverity.Success, Summary = "Node created", Detail = text, Duration = 6000 });
                await OnChanged.InvokeAsync();
                await OnNavigate.InvokeAsync(request.Path);
                break;
            default:
                _createError = $"A node {request.Path} exists now, but with other data than yours: someone else may have created it. Cancel and open it to check before trying again.";
                NotifyIfClosed(_createOpen, "Create: outcome settled", _createError);
                break;
        }
    }

    private async Task ResolveDeleteAsync(string path, int version)
    {
        var settled = await Operations.SettleUnknownWriteAsync(CurrentUser.User, Ensemble, PendingWrite.Delete(path, version));
        switch (settled.Verdict)
        {
            case WriteVerdict.StillUnknown:
                _deleteUnknown = (path, version); // still unreachable: the next reconnect tries again
                break;
            case WriteVerdict.Applied:
                _deleteOpen = false;
                var text = $"Deleted {path}: the connection is back and a re-read shows the node is gone.";
                Notifications.Notify(new NotificationMessage { Severity = NotificationSeverity.Success, Summary = "Node deleted", Detail = text, Duration = 6000 });
                await OnChanged.InvokeAsync();
                await OnNavigate.InvokeAsync(ExplorerLinks.Parent(path));
                break;
            case WriteVerdict.NotApplied:
                _deleteError = $"{path} was NOT deleted: the connection is back and the node is still there at version {version}. Delete again, or cancel.";
                NotifyIfClosed(_deleteOpen, "Node not deleted", _deleteError);
                break;
            default:
                _deleteError = $"{path} was NOT deleted as confirmed: it still exists and changed meanwhile (now version {settled.Stat?.Version}, you confirmed version {version}). Cancel and review it before deleting.";
                NotifyIfClosed(_deleteOpen, "Node not deleted", _deleteError);
                break;
        }
    }

    /// <summary>The dialog was closed while the outcome was unknown: the verdict still reaches the user.</summary>
    private void NotifyIfClosed(bool dialogOpen, string summary, string detail)
    {
        if (!dialogOpen)
        {
            Notifications.Notify(new NotificationMessage { Severity = NotificationSeverity.Warning, Summary = summary, Detail = detail, Duration = 10000 });
        }
    }
}
