namespace ZkDashboard.Core.Ensembles;

/// <summary>Binding shape of one entry of "ZkDashboard:Ensembles" in the root appsettings.</summary>
public sealed class EnsembleConfigEntry
{
    public string? Name { get; set; }
    public string? ConnectString { get; set; }
    public double? SessionTimeoutSeconds { get; set; }
    public DigestConfig? Digest { get; set; }
    public TlsConfig? Tls { get; set; }
    public bool ReadOnly { get; set; }
    /// <summary>Writes go through a per-user session authenticated with the person's own digest credential (see
    /// <see cref="EnsembleDefinition.ActAsUser"/>).</summary>
    public bool ActAsUser { get; set; }
    public List<string> FourLetterWordHosts { get; set; } = [];

    public sealed class DigestConfig
    {
        public string? User { get; set; }
        public string? Password { get; set; }
        public override string ToString() => $"DigestConfig {{ User = {User}, Password = *** }}";
    }

    public sealed class TlsConfig
    {
        public bool Enabled { get; set; }
        public bool AllowUntrustedCertificates { get; set; }
        public string? CaCertificatePath { get; set; }
        public string? ClientCertificatePath { get; set; }
        public string? ClientCertificatePassword { get; set; }
        public override string ToString() => $"TlsConfig {{ Enabled = {Enabled} }}";
    }

    /// <summary>Converts to a definition (not yet validated).</summary>
    public EnsembleDefinition ToDefinition()
    {
        var digest = Digest is { } d && (!string.IsNullOrEmpty(d.User) || !string.IsNullOrEmpty(d.Password))
            ? new DigestCredential(d.User ?? "", d.Password ?? "")
            : null;
        var tls = Tls is { } t
            ? new EnsembleTlsSettings(t.Enabled, t.AllowUntrustedCertificates, t.CaCertificatePath, t.ClientCertificatePath, t.ClientCertificatePassword)
            : null;
        var timeout = SessionTimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : EnsembleDefinition.DefaultSessionTimeout;
        return EnsembleDefinition.Create(Name?.Trim() ?? "", ConnectString?.Trim() ?? "", timeout, digest, tls, ReadOnly,
            FourLetterWordHosts.Where(h => !string.IsNullOrWhiteSpace(h)).Select(h => h.Trim()).ToArray(), EnsembleSource.Configuration)
            with { ActAsUser = ActAsUser };
    }
}

/// <summary>"ZkDashboard:Ensembles" plus registry settings ("ZkDashboard:Registry").</summary>
public sealed class EnsembleRegistryOptions
{
    public const string EnsemblesSection = "ZkDashboard:Ensembles";
    public const string RegistrySection = "ZkDashboard:Registry";

    public List<EnsembleConfigEntry> Ensembles { get; set; } = [];

    /// <summary>Timeout of the reachability check run on add/edit.</summary>
    public TimeSpan ReachabilityTimeout { get; set; } = TimeSpan.FromSeconds(3);
}
