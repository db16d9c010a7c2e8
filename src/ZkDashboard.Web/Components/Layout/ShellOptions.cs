namespace ZkDashboard.Web.Components.Layout;

/// <summary>
/// What the app shell (MainLayout) renders in its header slots. Feature code fills a slot with one line:
/// <c>services.Configure&lt;ShellOptions&gt;(o =&gt; o.EnsembleSwitcher = typeof(MySwitcher));</c>
/// </summary>
public sealed class ShellOptions
{
    /// <summary>Component shown next to the product name; rendered without parameters.</summary>
    public Type EnsembleSwitcher { get; set; } = typeof(EnsembleSwitcher);

    /// <summary>Components shown at the right end of the header, before the theme toggle (e.g. a user menu).</summary>
    public IList<Type> HeaderActions { get; } = [];
}
