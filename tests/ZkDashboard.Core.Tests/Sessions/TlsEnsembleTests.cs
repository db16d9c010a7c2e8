using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Operations;
using ZkDashboard.Core.Sessions;
using ZkDashboard.Sandbox;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Sessions;

/// <summary>The dashboard's ensemble Tls settings (EnsembleOptions Tls) against a real secure client port.</summary>
public sealed class TlsEnsembleTests(TlsEnsembleTests.TlsHost host) : IClassFixture<TlsEnsembleTests.TlsHost>
{
    private const string ClientPassword = "client-p12-secret";
    private static readonly ActingUser Alice = new("alice", ["admin"], "127.0.0.1");
    private readonly ServiceProvider _provider = host.Provider;
    private readonly TestRegistry _registry = host.Registry;

    /// <summary>One 1-server TLS sandbox and three ensembles on its secure port: CA and client certificate, CA only, a wrong CA.</summary>
    public sealed class TlsHost : IAsyncLifetime
    {
        private SandboxEnsemble _sandbox = null!;

        public ServiceProvider Provider { get; private set; } = null!;

        internal TestRegistry Registry { get; } = new();

        public async Task InitializeAsync()
        {
            _sandbox = await SandboxEnsemble.StartAsync(new SandboxOptions { Servers = 1, Tls = new SandboxTlsOptions() });
            var tls = _sandbox.Tls!;
            var certPath = tls.WriteClientCertificate("dashboard", ClientPassword);
            Registry.Put(Tls("tls", new EnsembleTlsSettings(true, false, tls.CaCertificatePemPath, certPath, ClientPassword)));
            Registry.Put(Tls("tls-nocert", new EnsembleTlsSettings(true, false, tls.CaCertificatePemPath, null, null)));
            Registry.Put(Tls("tls-wrongca", new EnsembleTlsSettings(true, false, tls.WriteUnrelatedCaPem(), null, null)));
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ZkDashboard:Sessions:ConnectTimeout"] = "00:00:05",
                ["ZkDashboard:Sessions:MaxReconnectBackoff"] = "00:00:01",
            }).Build();
            var services = new ServiceCollection();
            services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
            services.AddSingleton<IEnsembleRegistry>(Registry);
            services.AddZkDashboardSessions(configuration);
            Provider = services.BuildServiceProvider();
        }

        public async Task DisposeAsync()
        {
            await Provider.DisposeAsync();
            await _sandbox.DisposeAsync();
        }

        private EnsembleDefinition Tls(string name, EnsembleTlsSettings tls)
            => EnsembleDefinition.Create(name, _sandbox.SecureConnectString!, TimeSpan.FromSeconds(10), tls: tls,
                fourLetterWordHosts: [_sandbox.Servers[0].HostPort], source: EnsembleSource.Configuration); // 4lw: the plain port
    }

    [Fact]
    public void Validate_TlsSettingsOfTheTest_AreValid()
    {
        foreach (var d in _registry.All)
        {
            Assert.Empty(EnsembleValidator.Validate(d));
        }
    }

    [Fact]
    public async Task Operations_CaAndClientCertificate_OnlyTheCertificateReadsItsX509Node()
    {
        var ops = _provider.GetRequiredService<IZooKeeperOperations>();
        var path = $"/dash-x509-{Guid.NewGuid():N}";
        await ops.CreateAsync(Alice, "tls", new CreateNodeRequest(path, "for the dashboard"u8.ToArray(), [new Acl(Perms.All, new Id("x509", "CN=dashboard"))]));

        var node = await ops.GetNodeAsync(Alice, "tls", path);
        Assert.Equal("for the dashboard"u8.ToArray(), node.Data);
        Assert.Equal("x509", Assert.Single(node.Acl!).Id.Scheme);

        // Validation on and the same CA, but no client certificate: ZooKeeper refuses, and says whose ACL it is.
        var denied = await Assert.ThrowsAsync<NodeAccessDeniedException>(() => ops.GetNodeAsync(Alice, "tls-nocert", path));
        Assert.Contains(path, denied.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Operations_WrongCa_UnavailableWithTheCertificateProblemNamed()
    {
        var ops = _provider.GetRequiredService<IZooKeeperOperations>();
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => ops.ExistsAsync(Alice, "tls-wrongca", "/"));
        Assert.Contains("not signed by a CA this client trusts", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Tls.CaCertificatePath", ex.Message, StringComparison.Ordinal);
    }
}
