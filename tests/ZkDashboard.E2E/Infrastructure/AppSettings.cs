namespace ZkDashboard.E2E.Infrastructure;

/// <summary>Builds configuration overrides for <see cref="WebAppServer"/>.</summary>
public static class AppSettings
{
    /// <summary>No overrides.</summary>
    public static readonly IReadOnlyDictionary<string, string?> Empty = new Dictionary<string, string?>();

    /// <summary>
    /// Overrides that configure exactly these ensembles at indexes 0..n-1 (entries of the root appsettings.json at the
    /// same indexes are replaced; pass at least as many as it has to hide them all).
    /// </summary>
    public static Dictionary<string, string?> Ensembles(params (string Name, string ConnectString)[] ensembles)
    {
        var settings = new Dictionary<string, string?>();
        for (var i = 0; i < ensembles.Length; i++)
        {
            settings[$"ZkDashboard:Ensembles:{i}:Name"] = ensembles[i].Name;
            settings[$"ZkDashboard:Ensembles:{i}:ConnectString"] = ensembles[i].ConnectString;
        }

        return settings;
    }
}
