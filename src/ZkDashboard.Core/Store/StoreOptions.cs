namespace ZkDashboard.Core.Store;

public enum StoreProvider
{
    Sqlite,
    Postgres,
}

/// <summary>"ZkDashboard:Store".</summary>
public sealed class StoreOptions
{
    public const string Section = "ZkDashboard:Store";

    public StoreProvider Provider { get; set; } = StoreProvider.Sqlite;

    /// <summary>Directory for the SQLite file (and anything else the dashboard keeps on disk). Default: ".data" under the
    /// content root (the app root for the web host); a relative path is taken from there too.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>SQLite database file. Default: "{DataDirectory}/zkdashboard.db"; a relative path is taken from the content root.</summary>
    public string? SqlitePath { get; set; }

    /// <summary>PostgreSQL connection string (Provider=Postgres). Falls back to "ConnectionStrings:ZkDashboard".</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Data Protection application name; keep it stable or stored credentials cannot be decrypted.</summary>
    public string DataProtectionApplicationName { get; set; } = "ZkDashboard";

    /// <summary>Base directory for relative paths (set from the host's content root; default: the current directory).</summary>
    public string? BaseDirectory { get; set; }

    public string ResolveSqlitePath()
    {
        var root = string.IsNullOrWhiteSpace(BaseDirectory) ? Directory.GetCurrentDirectory() : BaseDirectory;
        var path = SqlitePath;
        if (string.IsNullOrWhiteSpace(path))
        {
            var dir = string.IsNullOrWhiteSpace(DataDirectory) ? ".data" : DataDirectory;
            path = Path.Combine(dir, "zkdashboard.db");
        }
        return Path.GetFullPath(path, root);
    }

    /// <summary>A description safe to log (no passwords).</summary>
    public string Describe() => Provider == StoreProvider.Sqlite
        ? $"SQLite at '{ResolveSqlitePath()}'"
        : "PostgreSQL (" + RedactConnectionString(ConnectionString) + ")";

    private static string RedactConnectionString(string? cs)
        => string.Join(';', (cs ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.TrimStart().StartsWith("Password", StringComparison.OrdinalIgnoreCase) ? "Password=***" : p));
}
