using Microsoft.JSInterop;
using Radzen;

namespace ZkDashboard.Web.Components.Pages.Explorer;

public sealed partial class Explorer
{
    private IJSObjectReference? keyboardModule;
    private DotNetObjectReference<Explorer>? keyboardSelf;

    [Microsoft.AspNetCore.Components.Inject]
    private IJSRuntime JS { get; set; } = default!;

    private async Task AttachKeyboardAsync()
    {
        try
        {
            keyboardModule = await JS.InvokeAsync<IJSObjectReference>("import", "./Components/Pages/Explorer/Explorer.razor.js");
            keyboardSelf = DotNetObjectReference.Create(this);
            await keyboardModule.InvokeVoidAsync("attach", keyboardSelf);
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone.
        }
    }

    private async Task DisposeKeyboardAsync()
    {
        if (keyboardModule is not null)
        {
            try
            {
                await keyboardModule.InvokeVoidAsync("detach");
                await keyboardModule.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone.
            }
        }

        keyboardSelf?.Dispose();
    }

    /// <summary>A global shortcut from the page script: "search", "tree", "save", "delete", "help".</summary>
    [JSInvokable]
    public async Task OnShortcutAsync(string action)
    {
        switch (action)
        {
            case "search" when search is not null:
                await search.FocusAsync();
                break;
            case "tree" when tree is not null:
                await tree.FocusAsync();
                break;
            case "save":
                await SaveShortcutAsync();
                break;
            case "delete":
                await DeleteShortcutAsync();
                break;
            case "help":
                await ShowShortcutsAsync();
                break;
        }
    }

    private async Task SaveShortcutAsync()
    {
        if (!canWrite)
        {
            Notify(NotificationSeverity.Warning, "Not saved", $"Writes are disabled while '{Ensemble}' is not connected (or read-only).");
            return;
        }

        if (panel is null || !await panel.SaveAsync())
        {
            Notify(NotificationSeverity.Info, "Nothing to save", "Open the Data tab and edit the node first (Ctrl+S saves the editor).");
        }
    }

    private async Task DeleteShortcutAsync()
    {
        if (!canWrite)
        {
            Notify(NotificationSeverity.Warning, "Not deleted", $"Writes are disabled while '{Ensemble}' is not connected (or read-only).");
            return;
        }

        if (panel is not null && CurrentPath != "/")
        {
            await panel.RequestDeleteAsync();
        }
    }

    private async Task ShowShortcutsAsync()
    {
        await Dialogs.OpenAsync<ShortcutsDialog>("Keyboard shortcuts", options: new DialogOptions { Width = "28rem", CloseDialogOnEsc = true, CloseDialogOnOverlayClick = true });
    }

    private void Notify(NotificationSeverity severity, string summary, string detail) =>
        Notifications.Notify(new NotificationMessage { Severity = severity, Summary = summary, Detail = detail, Duration = 5000 });
}
