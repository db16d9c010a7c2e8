using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.Web.Virtualization;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Audit;
using ZkDashboard.Web.Auth;

namespace ZkDashboard.Web.Components.Pages.Audit;

/// <summary>
/// <c>/audit</c> and <c>/audit/{id}</c>: the audit trail through <see cref="IAuditTrail"/> (readAudit; verify: admin; refusals
/// audited in Core), newest first in a virtualized list loaded page by page (keyset paging on the record id), filtered by user,
/// ensemble, path glob, operation, outcome and time range. A row expands to its fields and a before/after diff; the exports
/// are the streamed <c>/api/v1/audit/export.*</c> endpoints with the same filters.
/// </summary>
public sealed partial class Audit
{
    private const float RowHeightPx = 34;
    private const int PageSize = 100;

    /// <summary>The operation names the filter offers (free-form names of other features are matched too via the API).</summary>
    internal static readonly string[] Operations =
    [
        .. Enum.GetNames<ZkOperationKind>().Where(n => n != nameof(ZkOperationKind.Read)), "Read",
        "Login", "LoginFailed", "Logout", "TokenUsed", "Account", "Token", "AddEnsemble", "EditEnsemble", "RemoveEnsemble",
        "SettleCreate", "SettleSetData", "SettleDelete", "Export", "Import", "Approval", "Restore", "Purge", "ReadAudit",
    ];

    private readonly FilterModel filter = new();
    private readonly List<AuditEntry> loaded = [];
    private readonly HashSet<long> expanded = [];
    private Virtualize<AuditEntry>? virtualize;
    private AuditQuery query = new();
    private bool exhausted;
    private int generation;
    private string? refusal;
    private string? filterError;
    private AuditEntry? selected;
    private bool loadedSelected;
    private AuditVerification? verification;
    private string? verifyError;
    private bool verifying;

    [Parameter] public long? Id { get; set; }

    [Inject] private IAuditTrail Trail { get; set; } = default!;
    [Inject] private ICurrentUser CurrentUser { get; set; } = default!;

    protected override async Task OnParametersSetAsync()
    {
        selected = null;
        loadedSelected = false;
        if (Id is { } id)
        {
            try
            {
                selected = await Trail.GetAsync(CurrentUser.User, id);
                loadedSelected = true;
            }
            catch (AccessDeniedException ex)
            {
                refusal = "You may not read the audit trail: " + ex.Reason;
            }
        }
    }

    private async ValueTask<ItemsProviderResult<AuditEntry>> ProvideAsync(ItemsProviderRequest request)
    {
        try
        {
            var want = request.StartIndex + request.Count;
            while (loaded.Count < want && !exhausted)
            {
                var before = loaded.Count > 0 ? loaded[^1].Id : (long?)null;
                var page = new List<AuditEntry>(PageSize);
                await foreach (var e in Trail.QueryAsync(CurrentUser.User, query with { BeforeId = before, Limit = PageSize }, request.CancellationToken))
                {
                    page.Add(e);
                }
                loaded.AddRange(page);
                exhausted = page.Count < PageSize;
            }
            var items = loaded.Skip(request.StartIndex).Take(request.Count).ToList();
            // Unknown total while more pages exist: one more page's worth keeps the scrollbar open below.
            return new ItemsProviderResult<AuditEntry>(items, loaded.Count + (exhausted ? 0 : PageSize));
        }
        catch (AccessDeniedException ex)
        {
            refusal = "You may not read the audit trail: " + ex.Reason;
            await InvokeAsync(StateHasChanged);
            return new ItemsProviderResult<AuditEntry>([], 0);
        }
        catch (AccessConfigurationException ex)
        {
            filterError = "Path: " + ex.Message;
            await InvokeAsync(StateHasChanged);
            return new ItemsProviderResult<AuditEntry>([], 0);
        }
    }

    private async Task ApplyAsync()
    {
        filterError = null;
        if (!filter.TryBuild(out var next, out var error))
        {
            filterError = error;
            return;
        }
        query = next;
        loaded.Clear();
        expanded.Clear();
        exhausted = false;
        generation++;
        if (virtualize is not null)
        {
            await virtualize.RefreshDataAsync();
        }
    }

    private Task ClearAsync()
    {
        filter.Clear();
        return ApplyAsync();
    }

    private void Toggle(long id)
    {
        if (!expanded.Remove(id))
        {
            expanded.Add(id);
        }
    }

    private void OnKey(KeyboardEventArgs e, long id)
    {
        if (e.Key is "Enter" or " ")
        {
            Toggle(id);
        }
    }

    private async Task VerifyAsync()
    {
        verifying = true;
        verifyError = null;
        try
        {
            verification = await Trail.VerifyAsync(CurrentUser.User);
        }
        catch (AccessDeniedException ex)
        {
            verification = null;
            verifyError = "You may not verify the audit trail: " + ex.Reason;
        }
        finally
        {
            verifying = false;
        }
    }

    private string ExportHref(string format)
    {
        var q = new List<string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                q.Add(key + "=" + Uri.EscapeDataString(value));
            }
        }
        Add("user", query.User);
        Add("ensemble", query.Ensemble);
        Add("path", query.PathGlob);
        Add("operation", query.Operation);
        Add("outcome", query.Outcome?.ToString());
        Add("from", query.From?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        Add("to", query.To?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        return $"api/v1/audit/export.{format}" + (q.Count > 0 ? "?" + string.Join('&', q) : "");
    }

    private static string OutcomeClass(AuditOutcome o) => "outcome-" + o.ToString().ToLowerInvariant();

    private static string OutcomeText(AuditEntry e) => e.Outcome switch
    {
        AuditOutcome.Partial => $"Partial ({e.Done} of {e.Total})",
        AuditOutcome.Pending => "Pending (no outcome recorded)",
        _ => e.Outcome.ToString(),
    };

    /// <summary>The filter form's values (times in the viewer's local time).</summary>
    internal sealed class FilterModel
    {
        public string? User { get; set; }
        public string? Ensemble { get; set; }
        public string? Path { get; set; }
        public string? Operation { get; set; }
        public string? Outcome { get; set; }
        public DateTime? From { get; set; }
        public DateTime? To { get; set; }

        public void Clear()
        {
            User = Ensemble = Path = Operation = Outcome = null;
            From = To = null;
        }

        public bool TryBuild(out AuditQuery query, out string? error)
        {
            query = new AuditQuery();
            error = null;
            AuditOutcome? outcome = null;
            if (!string.IsNullOrEmpty(Outcome))
            {
                outcome = Enum.Parse<AuditOutcome>(Outcome);
            }
            var path = string.IsNullOrWhiteSpace(Path) ? null : Path.Trim();
            if (path is not null && !path.StartsWith('/'))
            {
                error = $"The path \"{path}\" must start with \"/\" (for example /configs/** or /configs/app).";
                return false;
            }
            if (path is not null && path.IndexOfAny(['*', '?']) >= 0)
            {
                try
                {
                    PathGlob.Parse(path);
                }
                catch (AccessConfigurationException ex)
                {
                    error = "Path: " + ex.Message;
                    return false;
                }
            }
            if (From is { } f && To is { } t && f > t)
            {
                error = "\"From\" is after \"To\": swap them or clear one.";
                return false;
            }
            query = new AuditQuery
            {
                User = Blank(User),
                Ensemble = Blank(Ensemble),
                PathGlob = path,
                Operation = Blank(Operation),
                Outcome = outcome,
                From = From is { } from ? new DateTimeOffset(DateTime.SpecifyKind(from, DateTimeKind.Local)) : null,
                To = To is { } to ? new DateTimeOffset(DateTime.SpecifyKind(to, DateTimeKind.Local)) : null,
            };
            return true;
        }

        private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
    }
}
