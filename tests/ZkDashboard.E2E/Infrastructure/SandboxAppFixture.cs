using ZkDashboard.Testing;

namespace ZkDashboard.E2E.Infrastructure;

/// <summary>
/// <see cref="AppFixture"/> whose app is configured with one real 3-server sandbox ensemble named
/// <see cref="EnsembleName"/> (it replaces the root appsettings.json's first ensemble).
/// </summary>
public sealed class SandboxAppFixture : AppFixture
{
    /// <summary>The ensemble's name in the app (its explorer is at /e/sandbox/).</summary>
    public const string EnsembleName = "sandbox";

    /// <summary>The real ensemble (servers, connect string, fault control).</summary>
    public EnsembleFixture Ensemble { get; } = new();

    /// <inheritdoc />
    protected override async Task<IReadOnlyDictionary<string, string?>> GetSettingsAsync()
    {
        await Ensemble.InitializeAsync();
        return AppSettings.Ensembles((EnsembleName, Ensemble.ConnectString));
    }

    /// <inheritdoc />
    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            await Ensemble.DisposeAsync();
        }
    }
}

/// <summary>E2E tests that share one browser, one app and one sandbox ensemble (<see cref="SandboxAppFixture"/>).</summary>
[CollectionDefinition(Name)]
public sealed class SandboxE2ECollection : ICollectionFixture<SandboxAppFixture>
{
    /// <summary>Use as [Collection(SandboxE2ECollection.Name)].</summary>
    public const string Name = "E2E sandbox";
}
