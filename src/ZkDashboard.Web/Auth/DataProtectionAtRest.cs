using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;

namespace ZkDashboard.Web.Auth;

/// <summary>
/// The Data Protection key ring (in the store) is encrypted with a certificate when
/// <c>ZkDashboard:DataProtection:CertificatePath</c> (and <c>CertificatePassword</c>) is set. Without one, the keys
/// that protect sign-in cookies and stored secrets sit unencrypted in the store, and Production logs a warning at start.
/// </summary>
internal static class DataProtectionAtRest
{
    public const string Section = "ZkDashboard:DataProtection";

    public static IServiceCollection AddZkDataProtectionAtRest(this IServiceCollection services, IConfiguration configuration)
    {
        var path = configuration[$"{Section}:CertificatePath"];
        if (!string.IsNullOrWhiteSpace(path))
        {
            X509Certificate2 certificate;
            try
            {
                certificate = X509CertificateLoader.LoadPkcs12FromFile(path, configuration[$"{Section}:CertificatePassword"]);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw new InvalidOperationException(
                    $"{Section}:CertificatePath '{path}' could not be loaded ({ex.Message}). Point it at a PKCS#12 (.pfx) file with a private key and set {Section}:CertificatePassword.", ex);
            }
            if (!certificate.HasPrivateKey)
            {
                throw new InvalidOperationException($"{Section}:CertificatePath '{path}' has no private key: the key ring cannot be decrypted with it. Use a .pfx with its private key.");
            }
            services.AddDataProtection().ProtectKeysWithCertificate(certificate);
        }
        else
        {
            services.AddHostedService<UnprotectedKeyRingWarning>();
        }
        return services;
    }

    private sealed class UnprotectedKeyRingWarning(IHostEnvironment env, ILogger<UnprotectedKeyRingWarning> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (env.IsProduction())
            {
                logger.LogWarning(
                    "!!! The Data Protection key ring is stored WITHOUT encryption at rest. Anyone who can read the dashboard store can forge sign-in cookies and decrypt stored secrets. Set {Section}:CertificatePath (a .pfx) and {Section}:CertificatePassword to protect it. !!!",
                    Section, Section);
            }
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
