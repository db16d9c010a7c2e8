using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Sandbox.Tests;

/// <summary>Our client against a real secure client port (Netty, PKCS12 key store) of a TLS sandbox.</summary>
public sealed class TlsTests(TlsTests.TlsSandbox fixture) : IClassFixture<TlsTests.TlsSandbox>
{
    private readonly SandboxEnsemble _sandbox = fixture.Sandbox;

    /// <summary>One 1-server TLS sandbox for the class.</summary>
    public sealed class TlsSandbox : IAsyncLifetime
    {
        public SandboxEnsemble Sandbox { get; private set; } = null!;

        public async Task InitializeAsync() => Sandbox = await SandboxEnsemble.StartAsync(new SandboxOptions { Servers = 1, Tls = new SandboxTlsOptions() });

        public async Task DisposeAsync() => await Sandbox.DisposeAsync();
    }

    [Fact]
    public async Task Connect_ValidationAgainstTheSandboxCa_Succeeds()
    {
        Assert.NotNull(_sandbox.SecureConnectString);
        Assert.NotEqual(_sandbox.ConnectString, _sandbox.SecureConnectString);
        await using var client = await ConnectAsync(TrustOnly(_sandbox.Tls!.CaCertificatePemPath));
        var path = $"/tls-{Guid.NewGuid():N}";
        await client.CreateAsync(path, "over tls"u8.ToArray(), Acls.OpenUnsafe);
        Assert.Equal("over tls"u8.ToArray(), (await client.GetDataAsync(path)).Data);
    }

    [Fact]
    public async Task Connect_WrongCa_RefusedWithAMessageNamingTheProblem()
    {
        var wrong = TrustOnly(_sandbox.Tls!.WriteUnrelatedCaPem());
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(wrong));
        Assert.Contains("TLS handshake with 127.0.0.1:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'CN=localhost'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not signed by a CA this client trusts", ex.Message, StringComparison.Ordinal);

        // The system's trust store does not know the sandbox CA either: the same words.
        var system = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(new ZooKeeperTlsOptions()));
        Assert.Contains("not signed by a CA this client trusts", system.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task X509ClientCertificate_MappedToAnAcl_OnlyItReads()
    {
        var ca = _sandbox.Tls!.CaCertificatePemPath;
        using var aliceCert = _sandbox.Tls.IssueClientCertificate("alice");
        using var bobCert = _sandbox.Tls.IssueClientCertificate("bob");
        await using var alice = await ConnectAsync(TrustOnly(ca) with { ClientCertificates = [aliceCert] });
        var path = $"/x509-{Guid.NewGuid():N}";
        await alice.CreateAsync(path, "alice only"u8.ToArray(), [new Acl(Perms.All, new Id("x509", "CN=alice"))]);
        Assert.Equal("alice only"u8.ToArray(), (await alice.GetDataAsync(path)).Data);
        Assert.Equal("CN=alice", Assert.Single((await alice.GetAclAsync(path)).Acl).Id.Ident);

        await using var bob = await ConnectAsync(TrustOnly(ca) with { ClientCertificates = [bobCert] });
        await Assert.ThrowsAsync<NoAuthException>(() => bob.GetDataAsync(path));
        await using var nobody = await ConnectAsync(TrustOnly(ca));
        await Assert.ThrowsAsync<NoAuthException>(() => nobody.GetDataAsync(path));
    }

    private Task<ZooKeeperClient> ConnectAsync(ZooKeeperTlsOptions tls) => ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions
    {
        ConnectString = _sandbox.SecureConnectString!,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        Tls = tls,
    });

    /// <summary>Validation on, with the given CA (PEM) as the only trust anchor.</summary>
    private static ZooKeeperTlsOptions TrustOnly(string caPemPath)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caPemPath);
        return new ZooKeeperTlsOptions
        {
            ServerCertificateValidation = (_, certificate, chain, errors) =>
            {
                if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
                {
                    return false;
                }
                using var custom = new X509Chain();
                custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                custom.ChainPolicy.CustomTrustStore.AddRange(roots);
                custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                return custom.Build(leaf);
            },
        };
    }
}
