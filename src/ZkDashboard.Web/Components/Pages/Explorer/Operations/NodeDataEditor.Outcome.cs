using Radzen;
using ZkDashboard.Core.Operations;
using ZkDashboard.Web.Znodes.Formats;

namespace ZkDashboard.Web.Components.Pages.Explorer.Operations;

/// <summary>
/// A save whose outcome is unknown (the connection was lost and the ensemble stayed unreachable) is neither
/// success nor failure: the editor keeps the edits, says so, and re-reads the node once writes are possible
/// again (the connection is back), then reports how the save really ended.
/// </summary>
public partial class NodeDataEditor
{
    /// <summary>A save that was sent but whose outcome is not known yet.</summary>
    private sealed record PendingOutcome(string Path, int ExpectedVersion, byte[] Data);

    private PendingOutcome? _unknown;
    private bool _resolving;

    /// <summary>True while a save's outcome is unknown (the page may ask before leaving).</summary>
    public bool HasUnknownOutcome => _unknown is not null;

    private void RememberUnknownOutcome(string path, int expectedVersion, byte[] data, WriteOutcomeUnknownException e)
    {
        _unknown = new PendingOutcome(path, expectedVersion, data);
        _message = new Message("warn", e.EnsembleUnreachable
            ? $"The outcome of your save of {path} is unknown: the connection to '{Ensemble}' was lost while the save was on its way, and the ensemble is still unreachable, so nobody can tell yet whether it was applied. Your edits are kept. The node is re-read as soon as the connection is back, and this message will then say how the save ended."
            : e.Message + " Your edits are kept.");
    }

    /// <summary>Called when parameters change: once writes are possible again, re-read and settle an unknown outcome.</summary>
    private void ResolveUnknownOutcomeWhenConnected()
    {
        if (_unknown is null || _resolving || Disabled)
        {
            return;
        }

        if (_unknown.Path != Path)
        {
            // Another node is open; the warning about the unknown save already said to check that node.
            _unknown = null;
            return;
        }

        _resolving = true;
        _ = InvokeAsync(ResolveUnknownOutcomeAsync);
    }

    private async Task ResolveUnknownOutcomeAsync()
    {
        try
        {
            if (_unknown is not { } pending || pending.Path != _editPath)
            {
                _unknown = null;
                return;
            }

            var settled = await Operations.SettleUnknownWriteAsync(CurrentUser.User, Ensemble, PendingWrite.SetData(pending.Path, pending.Data, pending.ExpectedVersion));
            switch (settled.Verdict)
            {
                case WriteVerdict.StillUnknown:
                    // Still unreachable: stay unknown; the next reconnect (or node reload) tries again.
                    return;
                case WriteVerdict.NodeGone:
                    _unknown = null;
                    _message = new Message("bad", $"Your save of {pending.Path} did not survive: the node no longer exists (someone deleted it). Your edits are kept; copy them before leaving.");
                    return;
                case WriteVerdict.Applied:
                    _unknown = null;
                    _editing = false;
                    var text = $"Your save of {pending.Path} was applied after all: the connection is back and a re-read shows your data at version {settled.Stat!.Version}.";
                    _message = new Message("good", text);
                    Notifications.Notify(new NotificationMessage { Severity = NotificationSeverity.Success, Summary = "Data saved", Detail = text, Duration = 6000 });
                    await OnSaved.InvokeAsync();
                    return;
                case WriteVerdict.NotApplied:
                    _unknown = null;
                    _message = new Message("bad", $"Your save of {pending.Path} was NOT applied: the connection is back and the node is still at version {settled.Stat!.Version}. Your edits are kept; save again.");
                    return;
                default:
                    _unknown = null;
                    var now = settled.Node!;
                    var theirs = FormatDetector.Detect(now.Data).Text ?? $"(binary data, {now.Data.Length} bytes)";
                    _message = new Message("warn", $"Your save of {pending.Path} was not applied as sent: the node is now at version {now.Stat.Version} with {(settled.DataMatches ? "your data, after other changes" : "other data")}. Compare before deciding.");
                    _conflict = new Conflict("The node changed while the outcome was unknown",
                        $"{pending.Path} is at version {now.Stat.Version} on the server; your edits started from version {pending.ExpectedVersion}. Overwrite it with your text, reload theirs, or keep editing.",
                        theirs, now.Stat.Version);
                    return;
            }
        }
        finally
        {
            _resolving = false;
            StateHasChanged();
        }
    }
}
