using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace ZkDashboard.ZooKeeper;

/// <summary>
/// The TLS handshake with a secure client port. A refused handshake says why in words: which certificate, what is
/// wrong with it (untrusted CA, name mismatch, expired...), and what to change.
/// </summary>
internal static class TlsHandshake
{
    /// <summary>
    /// A blocking handshake (the connection's socket only sees synchronous operations, see
    /// ZooKeeperClient.OpenConnection); <paramref name="ct"/> is the attempt's token, whose cancellation disposes the socket.
    /// </summary>
    public static SslStream Authenticate(Stream inner, ZooKeeperTlsOptions tls, HostEndpoint host, CancellationToken ct)
    {
        string? refusal = null;
        var targetHost = tls.TargetHost ?? host.Host;
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            ClientCertificates = tls.ClientCertificates,
            EnabledSslProtocols = tls.EnabledProtocols,
            RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
            {
                var accepted = tls.AllowUntrustedServerCertificate
                    || (tls.ServerCertificateValidation is { } custom ? custom(sender, certificate, chain, errors) : errors == SslPolicyErrors.None);
                if (!accepted)
                {
                    refusal = DescribeRefusal(certificate, chain, errors, targetHost, tls.ServerCertificateValidation is not null);
                }
                return accepted;
            },
        };
        try
        {
            ssl.AuthenticateAsClient(options);
            return ssl;
        }
        catch (Exception ex)
        {
            ssl.Dispose();
            if (ex is not (AuthenticationException or IOException) || ct.IsCancellationRequested)
            {
                throw;
            }
            var why = refusal ?? (tls.ClientCertificates is not { Count: > 0 }
                ? $"{ex.Message} If the server requires client certificates (ssl.clientAuth=need), give the client one."
                : $"{ex.Message} Check that the server trusts the CA of the client certificate and that {host} is a secure client port.");
            throw new AuthenticationException($"TLS handshake with {host} failed: {why}", ex);
        }
    }

    private static string DescribeRefusal(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, string targetHost, bool customValidation)
    {
        if (certificate is null)
        {
            return "the server sent no certificate.";
        }
        var problems = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            problems.Add($"it is not issued for '{targetHost}' (name mismatch; connect with the name in the certificate or set the TLS target host)");
        }
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            var status = chain?.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).Distinct().ToArray() ?? [];
            var untrusted = status.Contains(X509ChainStatusFlags.UntrustedRoot) || status.Contains(X509ChainStatusFlags.PartialChain);
            problems.Add(untrusted
                ? $"it is not signed by a CA this client trusts ({string.Join(", ", status)}); trust the CA that issued it (the dashboard: Tls.CaCertificatePath)"
                : $"its chain is invalid ({(status.Length == 0 ? "chain errors" : string.Join(", ", status))})");
        }
        if (problems.Count == 0)
        {
            problems.Add(customValidation ? "the configured certificate validation refused it" : errors.ToString());
        }
        return $"the server certificate '{certificate.Subject}' (issued by '{certificate.Issuer}') was refused: {string.Join("; ", problems)}.";
    }
}
