namespace ZkDashboard.ZooKeeper.Admin;

/// <summary>Names of the four-letter words this library knows, and the server's fixed replies.</summary>
public static class FourLetterWords
{
    public const string Ruok = "ruok";
    public const string Srvr = "srvr";
    public const string Stat = "stat";
    public const string Mntr = "mntr";
    public const string Conf = "conf";
    public const string Cons = "cons";
    public const string Envi = "envi";
    public const string Wchs = "wchs";
    public const string Wchc = "wchc";
    public const string Wchp = "wchp";
    public const string Dirs = "dirs";
    public const string Isro = "isro";
    public const string Dump = "dump";

    /// <summary>Words the server understands (ZooKeeper 3.5–3.9), including ones without a typed method here.</summary>
    public static IReadOnlySet<string> Known { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Ruok, Srvr, Stat, Mntr, Conf, Cons, Envi, Wchs, Wchc, Wchp, Dirs, Isro,
        "crst", Dump, "srst", "gtmk", "stmk", "hash",
    };

    /// <summary>Reply of a server that is running but has no quorum or is still starting.</summary>
    public const string NotServingReply = "This ZooKeeper instance is not currently serving requests";

    /// <summary>Suffix of the reply to a word missing from <c>4lw.commands.whitelist</c>.</summary>
    public const string NotWhitelistedSuffix = " is not executed because it is not in the whitelist.";
}
