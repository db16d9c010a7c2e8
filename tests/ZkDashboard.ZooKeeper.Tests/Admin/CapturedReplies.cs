using System.Runtime.CompilerServices;

namespace ZkDashboard.ZooKeeper.Tests.Admin;

/// <summary>
/// Replies captured from a real ZooKeeper 3.8.0 (3-server ensemble, a standalone server with a restricted
/// whitelist, a server without quorum, and a read-only server). Read from the source tree so the test
/// project file needs no item for them.
/// </summary>
internal static class CapturedReplies
{
    public static string Read(string name) => File.ReadAllText(Path.Combine(Directory(), "Captured", name));

    private static string Directory([CallerFilePath] string path = "") =>
        Path.GetDirectoryName(path) ?? throw new InvalidOperationException("No caller file path.");
}
