using Xunit;
using ZkDashboard.Sandbox;

namespace ZkDashboard.Testing;

/// <summary>
/// One real 3-server ensemble per xUnit test collection. Each test assembly that needs ZooKeeper declares:
/// <code>
/// [CollectionDefinition(EnsembleCollection.Name)]
/// public sealed class EnsembleCollection : ICollectionFixture&lt;EnsembleFixture&gt; { public const string Name = "Ensemble"; }
/// </code>
/// and test classes take <c>EnsembleFixture</c> in their constructor. Work under <see cref="NewChrootName"/>.
/// Tests that kill, pause or stop servers must leave the ensemble with a quorum again (see <see cref="RestoreAsync"/>).
/// </summary>
public sealed class EnsembleFixture : IAsyncLifetime
{
    private SandboxEnsemble? _ensemble;

    public SandboxEnsemble Ensemble => _ensemble ?? throw new InvalidOperationException("The ensemble fixture has not been initialized yet.");

    /// <summary>"127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3".</summary>
    public string ConnectString => Ensemble.ConnectString;

    /// <summary>Options used to start the ensemble; override through environment only (fixtures have no parameters).</summary>
    public static SandboxOptions DefaultOptions => new() { Servers = 3 };

    /// <summary>"/t-&lt;guid:N&gt;": a fresh chroot name for one test class.</summary>
    public static string NewChrootName() => "/t-" + Guid.NewGuid().ToString("N");

    /// <summary>The connect string with a chroot suffix ("h1:p1,h2:p2/t-..."); the chroot node must exist before connecting.</summary>
    public string ConnectStringWithChroot(string chroot) => ConnectString + chroot;

    public async Task InitializeAsync()
    {
        _ensemble = await SandboxEnsemble.StartAsync(DefaultOptions).ConfigureAwait(false);
    }

    /// <summary>Resumes paused servers, starts stopped ones and waits for the quorum: call after fault tests.</summary>
    public async Task RestoreAsync()
    {
        foreach (var server in Ensemble.Servers)
        {
            if (server.IsPaused)
            {
                await server.ResumeAsync().ConfigureAwait(false);
            }
        }

        await Ensemble.StartAllAsync().ConfigureAwait(false);
    }

    public async Task DisposeAsync()
    {
        if (_ensemble is not null)
        {
            await _ensemble.DisposeAsync().ConfigureAwait(false);
        }
    }
}
