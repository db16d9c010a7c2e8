namespace ZkDashboard.Web.Hosting;

/// <summary>
/// Finds the folder that holds the app's <c>appsettings.json</c> and <c>wwwroot/</c>: the publish folder when
/// published, else the repository root (found by walking up from the bin folder to <c>ZkDashboard.sln</c>).
/// </summary>
public static class AppRoot
{
    /// <summary>The file next to the repository's root <c>appsettings.json</c> that marks the repository root.</summary>
    public const string RepositoryMarker = "ZkDashboard.sln";

    /// <summary>Returns the app root for a host whose binaries are in <paramref name="baseDirectory"/>, or null if none is found.</summary>
    public static string? Find(string baseDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(baseDirectory);
        var start = new DirectoryInfo(baseDirectory);
        if (File.Exists(Path.Combine(start.FullName, "appsettings.json")))
        {
            return start.FullName;
        }

        for (var dir = start; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, RepositoryMarker))
                && File.Exists(Path.Combine(dir.FullName, "appsettings.json")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
