using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ZkDashboard.Core.Store;

public static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ZkDashboardDbContext"/> (factory + scoped), Data Protection with its key ring in the database,
    /// and <see cref="IDashboardStore"/>, which creates the schema on first use.
    /// </summary>
    public static IServiceCollection AddZkDashboardStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(StoreOptions.Section).Get<StoreOptions>() ?? new StoreOptions();
        options.ConnectionString ??= configuration.GetConnectionString("ZkDashboard");
        services.AddSingleton(Options.Create(options));

        services.AddDbContextFactory<ZkDashboardDbContext>((sp, b) =>
        {
            options.BaseDirectory ??= sp.GetService<IHostEnvironment>()?.ContentRootPath;
            ConfigureProvider(b, options);
        });
        services.AddSingleton<IDashboardStore, DashboardStore>();

        services.AddDataProtection().SetApplicationName(options.DataProtectionApplicationName);
        services.AddOptions<KeyManagementOptions>()
            .Configure<IDbContextFactory<ZkDashboardDbContext>, IDashboardStore>((o, factory, store) =>
                o.XmlRepository = new DbXmlRepository(factory, store));
        services.AddHostedService<StoreInitializer>();
        return services;
    }

    internal static void ConfigureProvider(DbContextOptionsBuilder builder, StoreOptions options)
    {
        switch (options.Provider)
        {
            case StoreProvider.Postgres:
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    throw new InvalidOperationException(
                        "ZkDashboard:Store:Provider is Postgres but no connection string is set: set ZkDashboard:Store:ConnectionString or ConnectionStrings:ZkDashboard.");
                }
                builder.UseNpgsql(options.ConnectionString);
                break;
            case StoreProvider.Sqlite:
                var path = options.ResolveSqlitePath();
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                builder.UseSqlite($"Data Source={path}");
                break;
            default:
                throw new InvalidOperationException($"ZkDashboard:Store:Provider '{options.Provider}' is unknown; use Sqlite or Postgres.");
        }
    }
}

/// <summary>Access to the dashboard database with the schema guaranteed to exist.</summary>
public interface IDashboardStore
{
    /// <summary>
    /// Creates the database and missing tables once per process (idempotent, thread-safe), with synchronous database calls:
    /// for synchronous callers such as the Data Protection key repository. Async code calls <see cref="EnsureSchemaAsync"/>.
    /// </summary>
    void EnsureSchema();

    Task EnsureSchemaAsync(CancellationToken ct = default);

    /// <summary>A new context (dispose it). The schema exists.</summary>
    Task<ZkDashboardDbContext> CreateContextAsync(CancellationToken ct = default);
}

internal sealed class DashboardStore(IDbContextFactory<ZkDashboardDbContext> factory, IOptions<StoreOptions> options, ILogger<DashboardStore> logger) : IDashboardStore
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _ready;

    public void EnsureSchema()
    {
        if (_ready)
        {
            return;
        }
        _gate.Wait();
        try
        {
            if (_ready)
            {
                return;
            }
            using var db = factory.CreateDbContext();
            Ready(StoreSchema.EnsureSchema(db));
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Ready(IReadOnlyList<string> created)
    {
        if (created.Count > 0)
        {
            logger.LogInformation("Dashboard store {Store}: created tables {Tables}", options.Value.Describe(), string.Join(", ", created));
        }
        else
        {
            logger.LogInformation("Dashboard store {Store} is ready", options.Value.Describe());
        }
        _ready = true;
    }

    public async Task EnsureSchemaAsync(CancellationToken ct = default)
    {
        if (_ready)
        {
            return;
        }
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_ready)
            {
                return;
            }
            await using var db = await factory.CreateDbContextAsync(ct).ConfigureAwait(false);
            Ready(await StoreSchema.EnsureSchemaAsync(db, ct).ConfigureAwait(false));
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<ZkDashboardDbContext> CreateContextAsync(CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct).ConfigureAwait(false);
        return await factory.CreateDbContextAsync(ct).ConfigureAwait(false);
    }
}

/// <summary>Creates the schema at start-up so a broken store fails fast with a clear log line.</summary>
internal sealed class StoreInitializer(IDashboardStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.EnsureSchemaAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
