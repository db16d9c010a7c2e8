using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Sessions;

public sealed partial class EnsembleSession
{
    internal ZooKeeperClientOptions BuildClientOptions()
    {
        var d = Definition;
        IReadOnlyList<AuthInfo> auth = d.Credentials is { } c ? [AuthInfo.Digest(c.User, c.Password)] : [];
        return new ZooKeeperClientOptions
        {
            ConnectString = d.ConnectString,
            SessionTimeout = d.SessionTimeout,
            ConnectTimeout = _options.ConnectTimeout,
            OperationTimeout = _options.OperationTimeout,
            CanBeReadOnly = d.ReadOnly,
            Auth = auth,
            Tls = BuildTls(d.Tls),
            LoggerFactory = _loggerFactory,
            EventQueueCapacity = 100_000,
            // The shared session serves every viewer: Core code that runs after awaiting a call (sorting a 1M-children
            // list under the entry's lock, filtering pages, fan-out) must never hold up the reader and with it every
            // other viewer's replies. One thread-pool hand-off per call is the price (see the client README).
            ContinuationsOnReader = false,
        };
    }

    private static ZooKeeperTlsOptions? BuildTls(EnsembleTlsSettings? tls)
    {
        if (tls is not { Enabled: true })
        {
            return null;
        }
        X509CertificateCollection? clientCerts = null;
        if (!string.IsNullOrEmpty(tls.ClientCertificatePath))
        {
            var path = tls.ClientCertificatePath;
            var cert = path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".crt", StringComparison.OrdinalIgnoreCase)
                ? X509Certificate2.CreateFromPemFile(path)
                : X509CertificateLoader.LoadPkcs12FromFile(path, tls.ClientCertificatePassword);
            clientCerts = [cert];
        }
        return new ZooKeeperTlsOptions
        {
            AllowUntrustedServerCertificate = tls.AllowUntrustedCertificates,
            ServerCertificateValidation = string.IsNullOrEmpty(tls.CaCertificatePath) || tls.AllowUntrustedCertificates
                ? null
                : TrustOnly(tls.CaCertificatePath),
            ClientCertificates = clientCerts,
        };
    }

    /// <summary>Accepts a server certificate that chains to the given CA bundle (PEM) or to the system roots.</summary>
    private static RemoteCertificateValidationCallback TrustOnly(string caPath)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caPath);
        return (_, certificate, _, errors) =>
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }
            if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
            {
                return false;
            }
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return chain.Build(leaf);
        };
    }
}
