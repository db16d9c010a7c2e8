namespace ZkDashboard.E2E.Infrastructure;

/// <summary>Where E2E screenshots go: tests/ZkDashboard.E2E/artifacts/ (git-ignored; kept by CI).</summary>
public static class Artifacts
{
    private static readonly Lazy<string> Dir = new(() =>
    {
        var configured = Environment.GetEnvironmentVariable("ZKDASHBOARD_E2E_ARTIFACTS");
        var dir = !string.IsNullOrEmpty(configured) ? configured : Path.Combine(FindProjectDirectory(), "artifacts");
        System.IO.Directory.CreateDirectory(dir);
        return dir;
    });

    /// <summary>The artifacts directory (created on first use).</summary>
    public static string Directory => Dir.Value;

    private static string FindProjectDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ZkDashboard.E2E.csproj")))
            {
                return dir.FullName;
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "artifacts");
    }
}
