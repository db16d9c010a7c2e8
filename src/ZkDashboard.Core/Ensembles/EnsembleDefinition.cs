using System.Text;
using System.Text.Json.Serialization;

namespace ZkDashboard.Core.Ensembles;

/// <summary>Digest credentials for an ensemble. Never logged (<see cref="ToString"/> redacts the password), never sent to a browser.</summary>
public sealed record DigestCredential(string User, [property: JsonIgnore] string Password)
{
    public override string ToString() => $"DigestCredential {{ User = {User}, Password = *** }}";
}

/// <summary>TLS settings of an ensemble. <see cref="AllowUntrustedCertificates"/> is for development only.</summary>
public sealed record EnsembleTlsSettings(
    bool Enabled,
    bool AllowUntrustedCertificates,
    string? CaCertificatePath,
    string? ClientCertificatePath,
    [property: JsonIgnore] string? ClientCertificatePassword)
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Enabled = ").Append(Enabled)
            .Append(", AllowUntrustedCertificates = ").Append(AllowUntrustedCertificates)
            .Append(", CaCertificatePath = ").Append(CaCertificatePath)
            .Append(", ClientCertificatePath = ").Append(ClientCertificatePath)
            .Append(", ClientCertificatePassword = ").Append(ClientCertificatePassword is null ? "" : "***");
        return true;
    }
}

/// <summary>Where an ensemble definition comes from: the root appsettings (read-only at runtime) or the dashboard database.</summary>
public enum EnsembleSource
{
    Configuration,
    Runtime,
}

/// <summary>
/// One ZooKeeper ensemble the dashboard talks to. <see cref="ToString"/> never contains secrets
/// (the credential and TLS records redact themselves).
/// </summary>
/// <param name="Name">Unique, URL-safe name (letters, digits, '-', '_', '.').</param>
/// <param name="ConnectString">"host1:2181,host2:2181/optional/chroot".</param>
/// <param name="FourLetterWordHosts">host:port pairs polled with four-letter words; derived from the connect string when not given explicitly.</param>
public sealed record EnsembleDefinition(
    string Name,
    string ConnectString,
    TimeSpan SessionTimeout,
    DigestCredential? Credentials,
    EnsembleTlsSettings? Tls,
    bool ReadOnly,
    IReadOnlyList<string> FourLetterWordHosts,
    EnsembleSource Source)
{
    public static readonly TimeSpan DefaultSessionTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Act as the person (settings: <c>ActAsUser: true</c>; configuration ensembles only): each user's writes go through a
    /// per-user session authenticated (addauth digest) with that user's own stored credential, so ZooKeeper's ACLs and its
    /// audit log see the person, not the dashboard. Reads and watches stay on the shared session.
    /// </summary>
    public bool ActAsUser { get; init; }

    /// <summary>Builds a definition whose 4lw hosts are the hosts of the connect string.</summary>
    public static EnsembleDefinition Create(string name, string connectString, TimeSpan? sessionTimeout = null,
        DigestCredential? credentials = null, EnsembleTlsSettings? tls = null, bool readOnly = false,
        IReadOnlyList<string>? fourLetterWordHosts = null, EnsembleSource source = EnsembleSource.Runtime)
        => new(name, connectString, sessionTimeout ?? DefaultSessionTimeout, credentials, tls, readOnly,
            fourLetterWordHosts is { Count: > 0 } ? fourLetterWordHosts : EnsembleConnectString.DeriveHosts(connectString), source);

    /// <summary>The connect string parsed (hosts and chroot). Throws <see cref="EnsembleValidationException"/> when invalid.</summary>
    [JsonIgnore]
    public ZooKeeper.ConnectString Parsed => EnsembleConnectString.Parse(ConnectString);

    public bool Equals(EnsembleDefinition? other)
        => other is not null && Name == other.Name && ConnectString == other.ConnectString
           && SessionTimeout == other.SessionTimeout && Equals(Credentials, other.Credentials)
           && Equals(Tls, other.Tls) && ReadOnly == other.ReadOnly && ActAsUser == other.ActAsUser && Source == other.Source
           && FourLetterWordHosts.SequenceEqual(other.FourLetterWordHosts);

    public override int GetHashCode() => HashCode.Combine(Name, ConnectString, SessionTimeout, ReadOnly, Source);

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Name = ").Append(Name)
            .Append(", ConnectString = ").Append(ConnectString)
            .Append(", SessionTimeout = ").Append(SessionTimeout)
            .Append(", Credentials = ").Append(Credentials?.ToString() ?? "")
            .Append(", Tls = ").Append(Tls?.ToString() ?? "")
            .Append(", ReadOnly = ").Append(ReadOnly)
            .Append(", ActAsUser = ").Append(ActAsUser)
            .Append(", FourLetterWordHosts = [").Append(string.Join(", ", FourLetterWordHosts)).Append(']')
            .Append(", Source = ").Append(Source);
        return true;
    }
}

public enum EnsembleChangeKind
{
    Added,
    Updated,
    Removed,
}

public sealed class EnsembleRegistryChangedEventArgs(EnsembleChangeKind kind, string name, EnsembleDefinition? definition, EnsembleDefinition? previous) : EventArgs
{
    public EnsembleChangeKind Kind { get; } = kind;
    public string Name { get; } = name;
    /// <summary>The new definition (null when removed).</summary>
    public EnsembleDefinition? Definition { get; } = definition;
    /// <summary>The definition before an update or removal (null when added).</summary>
    public EnsembleDefinition? Previous { get; } = previous;
}
