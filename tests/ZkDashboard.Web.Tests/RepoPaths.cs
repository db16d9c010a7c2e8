using System.Reflection;

namespace ZkDashboard.Web.Tests;

/// <summary>Locations in the repository the tests compare the host against.</summary>
internal static class RepoPaths
{
    /// <summary>The repository root (holds ZkDashboard.sln, appsettings.json, wwwroot/).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The root appsettings.json.</summary>
    public static string AppSettings => Path.Combine(Root, "appsettings.json");

    /// <summary>The root wwwroot/ folder.</summary>
    public static string WebRoot => Path.Combine(Root, "wwwroot");

    /// <summary>The web project file.</summary>
    public static string WebProject => Path.Combine(Root, "src", "ZkDashboard.Web", "ZkDashboard.Web.csproj");

    /// <summary>Debug or Release: the configuration these tests (and so the web project) were built in.</summary>
    public static string BuildConfiguration =>
        typeof(RepoPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ZkDashboard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("No ZkDashboard.sln above " + AppContext.BaseDirectory);
    }
}
