using Microsoft.AspNetCore.Components;
using ZkDashboard.Core.Access;
using ZkDashboard.Web.Auth;

namespace ZkDashboard.Web.Components.Pages.Admin;

/// <summary>
/// <c>/admin/access</c>: roles, bindings (configuration ones read-only, stored ones editable with validation) and
/// "why can/can't they" for any user name, groups and path. Everything goes through <see cref="IAccessAdministration"/>,
/// which needs manageAccess and audits refusals; without it the page shows the reason and nothing else.
/// </summary>
public sealed partial class AccessAdmin
{
    private static readonly string[] Providers = ["local", "ldap", "oidc", "proxy", "token"];

    private AccessRules? rules;
    private IReadOnlyList<string> storedErrors = [];
    private string? refusal;
    private readonly BindingForm form = new();
    private string? editingId;
    private string? formError;
    private string? formStatus;
    private bool busy;

    private string explainUser = "";
    private string explainGroups = "";
    private string explainProvider = "local";
    private string explainEnsemble = "";
    private string explainPath = "/";
    private string? explainError;
    private IReadOnlyList<AccessExplanation>? explanation;

    [Inject] private IAccessAdministration Admin { get; set; } = default!;
    [Inject] private IAccessPolicy Policy { get; set; } = default!;
    [Inject] private ICurrentUser CurrentUser { get; set; } = default!;

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        try
        {
            rules = await Admin.GetRulesAsync(CurrentUser.User);
            storedErrors = Policy is AccessPolicy p ? p.StoredBindingErrors : [];
            refusal = null;
            if (string.IsNullOrEmpty(form.Role))
            {
                form.Role = AccessRole.Viewer;
            }
        }
        catch (AccessDeniedException ex)
        {
            rules = null;
            refusal = "You may not manage access: " + ex.Reason;
        }
    }

    private void Edit(AccessBinding b)
    {
        editingId = b.Id;
        form.Subject = b.Subject;
        form.Provider = b.Provider ?? "";
        form.Role = b.Role;
        form.Ensembles = b.Ensembles;
        form.Paths = b.Paths;
        form.RequireApproval = string.Join(", ", b.RequireApproval);
        formError = null;
        formStatus = null;
    }

    private void CancelEdit()
    {
        editingId = null;
        form.Clear();
        formError = null;
    }

    private async Task SaveAsync()
    {
        busy = true;
        formStatus = null;
        try
        {
            var input = new AccessBindingInput(form.Subject, string.IsNullOrEmpty(form.Provider) ? null : form.Provider, form.Role, form.Ensembles, form.Paths)
            {
                RequireApproval = form.RequireApproval.Split([',', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            };
            var saved = editingId is null
                ? await Admin.AddBindingAsync(CurrentUser.User, input)
                : await Admin.UpdateBindingAsync(CurrentUser.User, editingId, input);
            formStatus = (editingId is null ? "Added " : "Saved ") + saved;
            formError = null;
            editingId = null;
            form.Clear();
            await LoadAsync();
        }
        catch (AccessConfigurationException ex)
        {
            // What the person typed stays in the form.
            formError = "Not saved: " + ex.Message;
        }
        catch (AccessDeniedException ex)
        {
            formError = "Not saved: " + ex.Reason;
        }
        finally
        {
            busy = false;
        }
    }

    private async Task RemoveAsync(AccessBinding b)
    {
        try
        {
            await Admin.RemoveBindingAsync(CurrentUser.User, b.Id);
            formStatus = "Removed " + b;
            formError = null;
            await LoadAsync();
        }
        catch (Exception ex) when (ex is AccessConfigurationException or AccessDeniedException)
        {
            formError = "Not removed: " + (ex is AccessDeniedException d ? d.Reason : ex.Message);
        }
    }

    private async Task ExplainAsync()
    {
        explanation = null;
        if (string.IsNullOrWhiteSpace(explainUser) || string.IsNullOrWhiteSpace(explainEnsemble))
        {
            explainError = "Enter a user name and an ensemble name.";
            return;
        }
        var groups = explainGroups.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var subject = new ActingUser(explainUser.Trim(), groups, null) { Provider = explainProvider };
        try
        {
            explanation = await Admin.ExplainAsync(CurrentUser.User, subject, explainEnsemble.Trim(), explainPath.Trim());
            explainError = null;
        }
        catch (AccessDeniedException ex)
        {
            explainError = ex.Reason;
        }
        catch (ZooKeeper.InvalidPathException ex)
        {
            explainError = $"The path is not a valid znode path: {ex.Message}";
        }
    }

    private sealed class BindingForm
    {
        public string Subject { get; set; } = "";
        public string Provider { get; set; } = "";
        public string Role { get; set; } = AccessRole.Viewer;
        public string Ensembles { get; set; } = "*";
        public string Paths { get; set; } = "/**";
        public string RequireApproval { get; set; } = "";

        public void Clear()
        {
            Subject = "";
            Provider = "";
            Role = AccessRole.Viewer;
            Ensembles = "*";
            Paths = "/**";
            RequireApproval = "";
        }
    }
}
