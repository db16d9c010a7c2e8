using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ZkDashboard.Core.Tests.Support;

/// <summary>A temp data directory with a real SQLite file; <see cref="Build"/> creates a fresh service provider ("a restart") over it.</summary>
public sealed class StoreTestHost : IDisposable
{
    public StoreTestHost()
    {
        Directory.CreateDirectory(DataDirectory);
    }

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "zkd-store-" + Guid.NewGuid().ToString("N"));

    public string DatabasePath => Path.Combine(DataDirectory, "test.db");

    public CapturingLoggerProvider Logs { get; } = new();

    public IConfiguration Configuration(IDictionary<string, string?>? extra = null)
    {
        var values = new Dictionary<string, string?> { ["ZkDashboard:Store:SqlitePath"] = DatabasePath };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
        {
            values[k] = v;
        }
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    public ServiceProvider Build(IDictionary<string, string?>? extra = null, Action<IServiceCollection, IConfiguration>? configure = null)
    {
        var configuration = Configuration(extra);
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        configure?.Invoke(services, configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a pooled handle may linger briefly
        }
    }
}
