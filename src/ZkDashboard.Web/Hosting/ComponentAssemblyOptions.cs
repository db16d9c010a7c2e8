using System.Reflection;

namespace ZkDashboard.Web.Hosting;

/// <summary>
/// Assemblies whose routable components are served beside the dashboard's own, both by the server-side endpoints and by
/// the interactive router. Empty in the product; a host adds to it in code (the E2E tests add their component gallery),
/// never from configuration.
/// </summary>
public sealed class ComponentAssemblyOptions
{
    /// <summary>The extra assemblies (the dashboard's own is always included and must not be listed).</summary>
    public IList<Assembly> Additional { get; } = [];
}
