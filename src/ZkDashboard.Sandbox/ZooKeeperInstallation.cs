namespace ZkDashboard.Sandbox;

/// <summary>Where java and the ZooKeeper jars are: <c>ZOOKEEPER_HOME</c> (a release tarball layout) if set,
/// else Debian's package layout (<c>/usr/share/java/zookeeper.jar</c>, whose manifest lists its dependencies).</summary>
public sealed record ZooKeeperInstallation(string JavaPath, string ClassPath, string Description)
{
    public const string MainClass = "org.apache.zookeeper.server.quorum.QuorumPeerMain";
    public const string DebianJar = "/usr/share/java/zookeeper.jar";
    public const string InstallHint = "Install it with: apt-get install -y zookeeper (as root on Debian), or set ZOOKEEPER_HOME to an Apache ZooKeeper 3.8 release directory.";

    public static ZooKeeperInstallation Find()
    {
        var java = FindJava();
        var home = Environment.GetEnvironmentVariable("ZOOKEEPER_HOME");
        if (!string.IsNullOrWhiteSpace(home))
        {
            return FromHome(java, home);
        }

        if (!File.Exists(DebianJar))
        {
            throw new SandboxException($"ZooKeeper is not installed: {DebianJar} does not exist and ZOOKEEPER_HOME is not set. {InstallHint}");
        }

        // zookeeper.jar's manifest Class-Path names its dependencies; slf4j-simple makes the servers log to stderr
        // (redirected to server.log). Without a binding slf4j logs nothing, which still works.
        var parts = new List<string> { DebianJar };
        foreach (var binding in new[] { "/usr/share/java/slf4j-simple.jar" })
        {
            if (File.Exists(binding))
            {
                parts.Add(binding);
            }
        }

        return new ZooKeeperInstallation(java, string.Join(':', parts), "Debian package (" + DebianJar + ")");
    }

    private static ZooKeeperInstallation FromHome(string java, string home)
    {
        var lib = Path.Combine(home, "lib");
        if (!Directory.Exists(lib) || !Directory.EnumerateFiles(lib, "zookeeper-*.jar").Any())
        {
            throw new SandboxException($"ZOOKEEPER_HOME={home} does not look like a ZooKeeper release: no {lib}/zookeeper-*.jar. Unset it to use the Debian package, or point it at an extracted apache-zookeeper-3.8.x-bin directory.");
        }

        var parts = new List<string>();
        var conf = Path.Combine(home, "conf");
        if (Directory.Exists(conf))
        {
            parts.Add(conf);
        }

        parts.Add(Path.Combine(lib, "*"));
        return new ZooKeeperInstallation(java, string.Join(':', parts), "ZOOKEEPER_HOME=" + home);
    }

    private static string FindJava()
    {
        var javaHome = Environment.GetEnvironmentVariable("JAVA_HOME");
        if (!string.IsNullOrWhiteSpace(javaHome))
        {
            var candidate = Path.Combine(javaHome, "bin", "java");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "java");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new SandboxException("java was not found (looked in JAVA_HOME/bin and PATH). ZooKeeper needs Java 11+. " + InstallHint + " (the zookeeper package pulls in a JRE)");
    }

    /// <summary>Paths of the shell tools the sandbox needs, checked up front.</summary>
    internal static string FindSetsid()
    {
        foreach (var candidate in new[] { "/usr/bin/setsid", "/bin/setsid" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new SandboxException("setsid was not found in /usr/bin or /bin; it comes with util-linux (apt-get install -y util-linux).");
    }
}
