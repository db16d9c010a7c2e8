using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using ZkDashboard.Web.Components.Pages.Explorer.Operations;
using ZkDashboard.Web.Components.Shared;

namespace ZkDashboard.Web.Components.Pages.Explorer;

/// <summary>
/// The tab guard: Radzen renders only the selected tab, so leaving the Data or ACL tab would dispose an editor with
/// unsaved edits. The page script stops such a tab switch and asks here first (Stay / Discard).
/// </summary>
public sealed partial class NodePanel
{
    private ElementReference root;
    private NodeAclPanel? aclPanel;
    private DotNetObjectReference<NodePanel>? tabSelf;
    private bool askingTab;

    /// <summary>True while the Data or ACL editor holds edits that are not saved.</summary>
    public bool HasUnsavedEdits => editor?.HasUnsavedChanges == true || aclPanel?.HasUnsavedChanges == true;

    /// <summary>Arms the page script that stops tab switches while an editor holds unsaved edits.</summary>
    private async Task GuardTabsAsync(IJSObjectReference js)
    {
        tabSelf = DotNetObjectReference.Create(this);
        await js.InvokeVoidAsync("guardTabs", root, tabSelf);
    }

    /// <summary>A tab switch was stopped because an editor has unsaved edits: ask, and switch only on Discard.</summary>
    [JSInvokable]
    public async Task OnTabBlockedAsync(int index)
    {
        if (index < 0 && module is not null)
        {
            // Enter on the tab list: by now the page shows which tab the arrow keys focused.
            index = await module.InvokeAsync<int>("focusedTabIndex", root);
        }

        if (index < 0 || index == tab)
        {
            return;
        }

        var (what, dirty) = editor?.HasUnsavedChanges == true ? ("data", true)
            : aclPanel?.HasUnsavedChanges == true ? ("ACL", true)
            : (string.Empty, false);
        if (dirty)
        {
            if (askingTab)
            {
                return;
            }

            askingTab = true;
            try
            {
                if (!await DiscardEditsDialog.AskAsync(Dialogs, Path, what))
                {
                    return;
                }
            }
            finally
            {
                askingTab = false;
            }
        }

        editor?.DiscardEdits();
        aclPanel?.DiscardEdits();
        tab = index;

        StateHasChanged();
    }
}
