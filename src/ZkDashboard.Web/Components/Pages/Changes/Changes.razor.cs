using System.Globalization;
using Microsoft.AspNetCore.Components;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Boundary;
using ZkDashboard.Core.Changes;
using ZkDashboard.Web.Znodes.Formats;
using ZkDashboard.Web.Auth;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Components.Pages.Changes;

/// <summary>
/// The Changes page: four-eyes change requests (all, or one ensemble / node), each with its diff, and approve, reject,
/// rebase and withdraw. Everything goes through <see cref="IChangeRequests"/> with the circuit's user (access checks,
/// self-approval refusal and audit are in Core); the buttons only mirror what Core would allow.
/// </summary>
public sealed partial class Changes : IDisposable
{
    private static readonly IReadOnlyCollection<ChangeRequestState> Decided = [ChangeRequestState.Applied, ChangeRequestState.Rejected, ChangeRequestState.Withdrawn, ChangeRequestState.Superseded];

    internal sealed record Message(string Kind, string Text);

    private IReadOnlyList<ChangeRequest> _requests = [];
    private IReadOnlyList<string> _ensembles = [];
    private ChangeRequest? _selected;
    private ChangeThreeWay? _three;
    private bool _loaded;
    private bool _busy;
    private bool _mine;
    private bool _canApprove;
    private string? _approveRefusal;
    private string? _comment;
    private string? _error;
    private Message? _message;
    private int _refreshQueued;
    private bool _subscribed;

    [Inject] private IChangeRequests ChangeRequestService { get; set; } = default!;
    [Inject] private IUserEnsembles Ensembles { get; set; } = default!;
    [Inject] private IAccessPolicy Policy { get; set; } = default!;
    [Inject] private ICurrentUser CurrentUser { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "ensemble")] public string? EnsembleFilter { get; set; }
    [SupplyParameterFromQuery(Name = "path")] public string? PathFilter { get; set; }
    [SupplyParameterFromQuery(Name = "state")] public string? StateQuery { get; set; }
    [SupplyParameterFromQuery(Name = "id")] public long? Id { get; set; }

    private string StateFilter => StateQuery is "decided" or "all" ? StateQuery : "open";

    private bool CanRebase => _selected is { } s && _three is { } t
        && (s.Operation == ChangeOperation.Create ? !t.ServerExists : t.ServerExists);

    protected override async Task OnParametersSetAsync()
    {
        _error = null;
        try
        {
            if (_ensembles.Count == 0)
            {
                _ensembles = [.. (await Ensembles.ListAsync(CurrentUser.User)).Select(e => e.Name)];
            }
            await LoadAsync(resetMessage: true);
        }
        catch (Exception e) when (IsExpected(e))
        {
            _error = e.Message;
        }
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && !_subscribed)
        {
            _subscribed = true;
            ChangeRequestService.Changed += OnChanged;
        }
    }

    private async Task LoadAsync(bool resetMessage)
    {
        var states = StateFilter switch { "decided" => Decided, "all" => null, _ => ChangeRequestStates.Open };
        _requests = await ChangeRequestService.ListAsync(CurrentUser.User, new ChangeRequestQuery
        {
            Ensemble = string.IsNullOrEmpty(EnsembleFilter) ? null : EnsembleFilter,
            Path = string.IsNullOrEmpty(PathFilter) ? null : PathFilter,
            States = states,
        });
        _loaded = true;
        var id = Id ?? (_requests.Count == 1 && !string.IsNullOrEmpty(PathFilter) ? _requests[0].Id : null);
        var previous = _selected?.Id;
        _selected = id is { } i ? _requests.FirstOrDefault(r => r.Id == i) ?? await ChangeRequestService.GetAsync(CurrentUser.User, i) : null;
        if (resetMessage && previous != _selected?.Id)
        {
            _message = null;
            _comment = null;
        }
        if (id is { } missing && _selected is null)
        {
            _error = $"There is no change request #{missing.ToString(CultureInfo.InvariantCulture)} (or you may not see it).";
        }
        await LoadSelectedAsync();
    }

    private async Task LoadSelectedAsync()
    {
        _three = null;
        _mine = false;
        _canApprove = false;
        _approveRefusal = null;
        if (_selected is not { } s)
        {
            return;
        }
        _mine = s.IsAuthor(CurrentUser.User);
        var decision = await Policy.CanAsync(CurrentUser.User, s.Ensemble, AccessAction.ApproveChanges, s.Path);
        _canApprove = decision.Allowed;
        _approveRefusal = decision.Allowed ? null : "You cannot approve: " + decision.Reason;
        if (s.IsOpen)
        {
            try
            {
                _three = await ChangeRequestService.GetThreeWayAsync(CurrentUser.User, s.Id);
            }
            catch (Exception e) when (IsExpected(e))
            {
                _message = new Message("bad", $"Could not read {s.Path} on '{s.Ensemble}' to compare: {e.Message}");
            }
        }
    }

    private void OnChanged(object? sender, long id)
    {
        if (Interlocked.Exchange(ref _refreshQueued, 1) == 1)
        {
            return;
        }
        _ = InvokeAsync(async () =>
        {
            try
            {
                Volatile.Write(ref _refreshQueued, 0);
                if (!_busy)
                {
                    await LoadAsync(resetMessage: false);
                    StateHasChanged();
                }
            }
            catch (Exception e) when (IsExpected(e))
            {
                _error = e.Message;
                StateHasChanged();
            }
        });
    }

    private async Task StepAsync(Func<ChangeRequest, Task<string>> step)
    {
        if (_selected is not { } s || _busy)
        {
            return;
        }
        _busy = true;
        _message = null;
        try
        {
            _message = new Message("good", await step(s));
            _comment = null;
        }
        catch (ChangeConflictException e)
        {
            _message = new Message("bad", e.Message);
        }
        catch (Exception e) when (IsExpected(e))
        {
            _message = new Message("bad", e is AccessDeniedException d ? "Refused: " + d.Reason : e.Message);
        }
        finally
        {
            _busy = false;
        }
        try
        {
            await LoadAsync(resetMessage: false);
        }
        catch (Exception e) when (IsExpected(e))
        {
            _error = e.Message;
        }
    }

    private Task ApproveAsync() => StepAsync(async s =>
    {
        var applied = await ChangeRequestService.ApproveAsync(CurrentUser.User, s.Id, Clean(_comment));
        return $"Approved and applied request #{applied.Id}: {applied.Result}.";
    });

    private Task RejectAsync() => StepAsync(async s =>
    {
        var rejected = await ChangeRequestService.RejectAsync(CurrentUser.User, s.Id, _comment ?? "");
        return $"Rejected request #{rejected.Id}; nothing was written.";
    });

    private Task WithdrawAsync() => StepAsync(async s =>
    {
        var withdrawn = await ChangeRequestService.WithdrawAsync(CurrentUser.User, s.Id, Clean(_comment));
        return $"Withdrew request #{withdrawn.Id}; nothing was written.";
    });

    private Task RebaseAsync() => StepAsync(async s =>
    {
        var next = await ChangeRequestService.RebaseAsync(CurrentUser.User, s.Id);
        Navigation.NavigateTo(FilterHref(EnsembleFilter, PathFilter, StateFilter, next.Id));
        return $"Rebased as request #{next.Id} onto version {next.BaseVersion}; it waits for approval.";
    });

    private void OnEnsembleChanged(ChangeEventArgs e)
        => Navigation.NavigateTo(FilterHref(e.Value as string, null, StateFilter, null));

    private void OnStateChanged(ChangeEventArgs e)
        => Navigation.NavigateTo(FilterHref(EnsembleFilter, PathFilter, e.Value as string, null));

    internal static string FilterHref(string? ensemble, string? path, string? state, long? id)
    {
        var q = new List<string>();
        if (!string.IsNullOrEmpty(ensemble))
        {
            q.Add("ensemble=" + Uri.EscapeDataString(ensemble));
        }
        if (!string.IsNullOrEmpty(path))
        {
            q.Add("path=" + Uri.EscapeDataString(path));
        }
        if (state is "decided" or "all")
        {
            q.Add("state=" + state);
        }
        if (id is { } i)
        {
            q.Add("id=" + i.ToString(CultureInfo.InvariantCulture));
        }
        return q.Count == 0 ? "changes" : "changes?" + string.Join('&', q);
    }

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static bool IsExpected(Exception e) => e is AccessDeniedException or ChangeRequestStateException or ArgumentException
        or ZooKeeperException or Core.Sessions.UnknownEnsembleException or Core.Sessions.EnsembleUnavailableException
        or Core.Sessions.EnsembleReadOnlyException or Core.Operations.WriteOutcomeUnknownException or Core.Operations.WriteNotAppliedException
        or Core.Operations.NodeAccessDeniedException or InvalidOperationException;

    private static string Time(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string StateText(ChangeRequestState state) => state switch
    {
        ChangeRequestState.Pending => "pending",
        ChangeRequestState.Applying => "being applied",
        ChangeRequestState.Applied => "applied",
        ChangeRequestState.Rejected => "rejected",
        ChangeRequestState.Withdrawn => "withdrawn",
        ChangeRequestState.Conflict => "conflict: rebase or reject",
        _ => "superseded (rebased)",
    };

    private static string StateClass(ChangeRequestState state) => state.ToString().ToLowerInvariant();

    private static string BaseText(ChangeRequest r) => r.Operation switch
    {
        ChangeOperation.Create => "no node (it is created)",
        ChangeOperation.SetAcl => $"ACL version {r.BaseVersion}",
        _ => $"version {r.BaseVersion}",
    };

    /// <summary>Base and proposed sizes (and a note when the line diff cannot show the difference: line endings, a final newline).</summary>
    private static string? SizeText(ChangeRequest r)
    {
        if (r.DataHidden || r.Operation is ChangeOperation.SetAcl)
        {
            return null;
        }
        var before = r.BaseData?.Length;
        var after = r.Operation == ChangeOperation.Delete ? (int?)null : r.ProposedData?.Length ?? 0;
        var text = $"{(before is { } b ? $"{b.ToString(CultureInfo.InvariantCulture)} bytes" : "no node")} → {(after is { } a ? $"{a.ToString(CultureInfo.InvariantCulture)} bytes" : "deleted")}";
        var sameLines = r.BaseData is not null && r.ProposedData is not null && !r.BaseData.AsSpan().SequenceEqual(r.ProposedData)
            && ZkDashboard.Web.Znodes.Diff.LineDiff.Compare(Text(r.BaseData), Text(r.ProposedData)).IsIdentical;
        return sameLines ? text + " (the bytes differ only in line endings or a final newline, which the line diff does not show)" : text;
    }

    private static string MovedText(ChangeThreeWay t) => !t.ServerExists
        ? "The node no longer exists."
        : t.Request.Operation == ChangeOperation.Create
            ? $"The node exists now (version {t.ServerVersion})."
            : $"The server has {(t.Request.Operation == ChangeOperation.SetAcl ? "ACL version" : "version")} {t.ServerVersion}; the request was made against version {t.Request.BaseVersion}.";

    private static string? SideText(ChangeRequest r, byte[]? data, IReadOnlyList<Acl>? acl)
        => r.Operation == ChangeOperation.SetAcl ? AclLines(acl) : Text(data);

    private static string? ProposedText(ChangeRequest r) => r.Operation switch
    {
        ChangeOperation.SetAcl => AclLines(r.ProposedAcl),
        ChangeOperation.Delete => null,
        _ => Text(r.ProposedData),
    };

    private static string? Text(byte[]? data)
        => data is null ? null : FormatDetector.Detect(data).Text ?? $"(binary data, {data.Length.ToString(CultureInfo.InvariantCulture)} bytes)";

    private static string? AclLines(IReadOnlyList<Acl>? acl)
        => acl is null ? null : string.Join('\n', acl.Select(a => $"{a.Id.Scheme}:{a.Id.Ident}:{Core.Operations.NodeAccessDeniedException.PermLetters(a.Perms)}"));

    public void Dispose()
    {
        if (_subscribed)
        {
            ChangeRequestService.Changed -= OnChanged;
        }
    }
}
