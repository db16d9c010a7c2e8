using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ZkDashboard.Sandbox;

/// <summary>
/// Turns on ZooKeeper's secure client port (<c>secureClientPort</c>, Netty connection factory) for a sandbox. The
/// sandbox generates a CA and a server certificate for 127.0.0.1/localhost, writes the server's key store (PKCS12)
/// and trust store (the CA, PEM), and registers the x509 authentication provider, so clients presenting a
/// certificate from <see cref="SandboxTlsMaterial.IssueClientCertificate"/> are authenticated as <c>x509:CN=...</c>.
/// </summary>
public sealed record SandboxTlsOptions
{
    /// <summary>ssl.clientAuth: "want" (a client certificate is optional; default), "need" or "none".</summary>
    public string ClientAuth { get; init; } = "want";
}

/// <summary>The certificates of a TLS sandbox: the CA that signed the server's certificate, and client certificates on demand.</summary>
public sealed class SandboxTlsMaterial : IDisposable
{
    private const string StorePassword = "sandbox-store";
    private readonly X509Certificate2 _ca;

    private SandboxTlsMaterial(X509Certificate2 ca, string directory)
    {
        _ca = ca;
        Directory = directory;
    }

    /// <summary>Where the stores and PEM files are written.</summary>
    public string Directory { get; }

    /// <summary>The CA certificate (public part) that signed the server's and the client certificates.</summary>
    public X509Certificate2 CaCertificate => X509CertificateLoader.LoadCertificate(_ca.RawData);

    /// <summary>The CA certificate as a PEM file (what a client trusts, e.g. the dashboard's Tls.CaCertificatePath).</summary>
    public string CaCertificatePemPath => Path.Combine(Directory, "ca.pem");

    /// <summary>The server's key store (PKCS12: its certificate and key).</summary>
    public string KeyStorePath => Path.Combine(Directory, "server-keystore.p12");

    /// <summary>The server's trust store (the CA, PEM): which client certificates it accepts.</summary>
    public string TrustStorePath => CaCertificatePemPath;

    /// <summary>Creates a CA, a server certificate for 127.0.0.1 and localhost, and the server's stores in <paramref name="directory"/>.</summary>
    internal static SandboxTlsMaterial Create(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=ZkDashboard Sandbox CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(7));
        var material = new SandboxTlsMaterial(ca, directory);
        File.WriteAllText(material.CaCertificatePemPath, ca.ExportCertificatePem() + "\n");

        using var server = material.Issue("CN=localhost", serverAuth: true);
        File.WriteAllBytes(material.KeyStorePath, server.Export(X509ContentType.Pkcs12, StorePassword));
        return material;
    }

    /// <summary>
    /// A client certificate (with its private key) for <paramref name="commonName"/>, signed by the sandbox CA. The server
    /// authenticates a client presenting it as <c>x509:CN=<paramref name="commonName"/></c>.
    /// </summary>
    public X509Certificate2 IssueClientCertificate(string commonName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);
        using var cert = Issue("CN=" + commonName, serverAuth: false);
        // Through PKCS12, so the key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12, StorePassword), StorePassword);
    }

    /// <summary>Writes <see cref="IssueClientCertificate"/>'s certificate as a PKCS12 file protected by <paramref name="password"/>; returns its path.</summary>
    public string WriteClientCertificate(string commonName, string password)
    {
        using var cert = IssueClientCertificate(commonName);
        var path = Path.Combine(Directory, $"client-{commonName}-{Guid.NewGuid().ToString("N")[..6]}.p12");
        File.WriteAllBytes(path, cert.Export(X509ContentType.Pkcs12, password));
        return path;
    }

    /// <summary>A CA that signed nothing of this sandbox, as a PEM file (for tests of a wrong trust anchor).</summary>
    public string WriteUnrelatedCaPem()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Unrelated CA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var other = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(7));
        var path = Path.Combine(Directory, "unrelated-ca.pem");
        File.WriteAllText(path, other.ExportCertificatePem() + "\n");
        return path;
    }

    /// <summary>The server's JVM system properties for the secure port.</summary>
    internal IEnumerable<string> JvmArgs(SandboxTlsOptions options) =>
    [
        "-Dzookeeper.serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory",
        "-Dzookeeper.ssl.keyStore.location=" + KeyStorePath,
        "-Dzookeeper.ssl.keyStore.password=" + StorePassword,
        "-Dzookeeper.ssl.keyStore.type=PKCS12",
        "-Dzookeeper.ssl.trustStore.location=" + TrustStorePath,
        "-Dzookeeper.ssl.trustStore.type=PEM",
        "-Dzookeeper.ssl.clientAuth=" + options.ClientAuth,
        // Client certificates name a person, not the host they connect from.
        "-Dzookeeper.ssl.clientHostnameVerification=false",
        "-Dzookeeper.authProvider.x509=org.apache.zookeeper.server.auth.X509AuthenticationProvider",
    ];

    /// <summary>
    /// The Netty jars the secure port needs next to the Debian package's zookeeper.jar (its manifest names only part of
    /// Netty); an Apache release directory (ZOOKEEPER_HOME, lib/*) has them already.
    /// </summary>
    internal static string NettyClassPath(string classPath)
    {
        if (!classPath.StartsWith(ZooKeeperInstallation.DebianJar, StringComparison.Ordinal))
        {
            return classPath;
        }
        var jars = new[] { "netty-buffer", "netty-codec", "netty-common", "netty-handler", "netty-resolver", "netty-transport", "netty-transport-native-unix-common", "netty-transport-native-epoll" }
            .Select(n => $"/usr/share/java/{n}.jar")
            .Where(File.Exists);
        return string.Join(':', [classPath, .. jars]);
    }

    private X509Certificate2 Issue(string subject, bool serverAuth)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [serverAuth ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        var now = DateTimeOffset.UtcNow;
        using var signed = request.Create(_ca, now.AddMinutes(-5), now.AddDays(6), serial);
        return signed.CopyWithPrivateKey(key);
    }

    /// <inheritdoc />
    public void Dispose() => _ca.Dispose();
}
