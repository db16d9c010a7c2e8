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

    /// <summary>Directory for the SQLite file (and anything else the dashboard keeps on disk). Default: "./data".</summary>
    public string? DataDirectory { get; set; }

    /// <summary>SQLite database file. Default: "{DataDirectory}/zkdashboard.db".</summary>
    public string? SqlitePath { get; set; }

    /// <summary>PostgreSQL connection string (Provider=Postgres). Falls back to "ConnectionStrings:ZkDashboard".</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Data Protection application name; keep it stable or stored credentials cannot be decrypted.</summary>
    public string DataProtectionApplicationName { get; set; } = "ZkDashboard";

    public string ResolveSqlitePath()
    {
        var path = SqlitePath;
        if (string.IsNullOrWhiteSpace(path))
        {
            var dir = string.IsNullOrWhiteSpace(DataDirectory) ? Path.Combine(Directory.GetCurrentDirectory(), "data") : DataDirectory;
            path = Path.Combine(dir, "zkdashboard.db");
        }
        return Path.GetFullPath(path);
    }

    /// <summary>A description safe to log (no passwords).</summary>
    public string Describe() => Provider == StoreProvider.Sqlite
        ? $"SQLite at '{ResolveSqlitePath()}'"
        : "PostgreSQL (" + RedactConnectionString(ConnectionString) + ")";

    private static string RedactConnectionString(string? cs)
        => string.Join(';', (cs ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.TrimStart().StartsWith("Password", StringComparison.OrdinalIgnoreCase) ? "Password=***" : p));
}
