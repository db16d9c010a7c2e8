using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.Extensions.Logging;
using Radzen;

namespace ZkDashboard.Web.Components.Shared;

/// <summary>
/// Stops a navigation that would drop unsaved edits and asks "Discard unsaved edits to /path?" (Stay / Discard).
/// Discard calls <see cref="OnDiscard"/> and then continues to where the user was going; Stay keeps the page as it is.
/// </summary>
public sealed partial class UnsavedEditsGuard
{
    private bool asking;
    private string? allowedTarget;

    /// <summary>True while there are edits that are not saved.</summary>
    [Parameter]
    public bool Dirty { get; set; }

    /// <summary>The node whose edits are unsaved (shown in the question).</summary>
    [Parameter]
    public string Path { get; set; } = "/";

    /// <summary>What is being edited, for the dialog text ("data", "ACL").</summary>
    [Parameter]
    public string What { get; set; } = "data";

    /// <summary>Called when the user chooses to discard: the editor drops its edits.</summary>
    [Parameter]
    public EventCallback OnDiscard { get; set; }

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private ILogger<UnsavedEditsGuard> Logger { get; set; } = default!;

    [Inject]
    private DialogService Dialogs { get; set; } = default!;

    [Inject]
    private UnsavedEditsSignals Signals { get; set; } = default!;

    private void OnBeforeInternalNavigation(LocationChangingContext context)
    {
        if (!Dirty || IsSameLocation(context.TargetLocation))
        {
            return;
        }

        if (allowedTarget is not null && IsSame(allowedTarget, context.TargetLocation))
        {
            allowedTarget = null;
            return;
        }

        context.PreventNavigation();
        if (!asking)
        {
            // Ask outside the navigation pipeline: the browser (back button) and the router wait for this handler.
            var target = context.TargetLocation;
            LiveWork.Run(() => InvokeAsync(() => AskAsync(target)), Logger, "Asking about unsaved edits", DispatchExceptionAsync, CancellationToken.None);
        }
    }

    private async Task AskAsync(string target)
    {
        asking = true;
        bool discard;
        try
        {
            discard = await DiscardEditsDialog.AskAsync(Dialogs, Path, What);
        }
        finally
        {
            asking = false;
        }

        if (!discard)
        {
            Signals.RaiseNavigationKept();
            return;
        }

        allowedTarget = target;
        await OnDiscard.InvokeAsync();
        Navigation.NavigateTo(target);
    }

    private bool IsSameLocation(string target) => IsSame(target, Navigation.Uri);

    private bool IsSame(string a, string b) =>
        string.Equals(Navigation.ToAbsoluteUri(a).AbsoluteUri, Navigation.ToAbsoluteUri(b).AbsoluteUri, StringComparison.Ordinal);
}
