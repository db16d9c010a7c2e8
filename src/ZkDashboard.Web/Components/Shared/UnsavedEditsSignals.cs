namespace ZkDashboard.Web.Components.Shared;

/// <summary>
/// One per circuit. Tells the parts of the page that moved ahead of a navigation (the tree already marked the clicked
/// node, the ensemble switcher already shows the chosen ensemble) that the user chose to stay with unsaved edits, so
/// they return to showing the open node.
/// </summary>
public sealed class UnsavedEditsSignals
{
    /// <summary>Raised after a navigation was cancelled because the user kept their unsaved edits.</summary>
    public event EventHandler? NavigationKept;

    /// <summary>Raises <see cref="NavigationKept"/>.</summary>
    public void RaiseNavigationKept() => NavigationKept?.Invoke(this, EventArgs.Empty);
}
