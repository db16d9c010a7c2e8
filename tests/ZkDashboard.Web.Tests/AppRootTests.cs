using ZkDashboard.Web.Hosting;

namespace ZkDashboard.Web.Tests;

public sealed class AppRootTests : IDisposable
{
    private readonly DirectoryInfo temp = Directory.CreateTempSubdirectory("zk-approot-");

    [Fact]
    public void Find_ReturnsBaseDirectory_WhenItHoldsAppSettings()
    {
        var publish = temp.CreateSubdirectory("publish");
        File.WriteAllText(Path.Combine(publish.FullName, "appsettings.json"), "{}");

        Assert.Equal(publish.FullName, AppRoot.Find(publish.FullName));
    }

    [Fact]
    public void Find_ReturnsRepositoryRoot_WhenRunFromBinFolder()
    {
        File.WriteAllText(Path.Combine(temp.FullName, AppRoot.RepositoryMarker), "");
        File.WriteAllText(Path.Combine(temp.FullName, "appsettings.json"), "{}");
        var bin = temp.CreateSubdirectory(Path.Combine("src", "ZkDashboard.Web", "bin", "Debug", "net10.0"));

        Assert.Equal(temp.FullName, AppRoot.Find(bin.FullName));
    }

    [Fact]
    public void Find_ReturnsNull_WhenNoFolderAboveHoldsTheRepositoryMarker()
    {
        var bin = temp.CreateSubdirectory(Path.Combine("x", "bin"));

        Assert.Null(AppRoot.Find(bin.FullName));
    }

    public void Dispose() => temp.Delete(recursive: true);
}
