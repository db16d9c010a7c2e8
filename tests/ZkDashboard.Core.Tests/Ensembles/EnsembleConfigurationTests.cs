using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Tests.Support;

namespace ZkDashboard.Core.Tests.Ensembles;

public sealed class EnsembleConfigurationTests : IDisposable
{
    private readonly StoreTestHost _host = new();

    public void Dispose() => _host.Dispose();

    private ServiceProvider Build(Dictionary<string, string?> config)
        => _host.Build(config, (s, c) => s.AddZkDashboardEnsembles(c));

    [Fact]
    public void All_BindsEveryField_FromConfiguration()
    {
        using var sp = Build(new()
        {
            ["ZkDashboard:Ensembles:0:Name"] = "prod-eu",
            ["ZkDashboard:Ensembles:0:ConnectString"] = "zk1:2181,zk2:2181/app",
            ["ZkDashboard:Ensembles:0:SessionTimeoutSeconds"] = "12",
            ["ZkDashboard:Ensembles:0:Digest:User"] = "alice",
            ["ZkDashboard:Ensembles:0:Digest:Password"] = "s3cret-from-env",
            ["ZkDashboard:Ensembles:0:ReadOnly"] = "true",
            ["ZkDashboard:Ensembles:0:Tls:Enabled"] = "false",
            ["ZkDashboard:Ensembles:0:Tls:ClientCertificatePassword"] = "certpw",
            ["ZkDashboard:Ensembles:1:Name"] = "dev",
            ["ZkDashboard:Ensembles:1:ConnectString"] = "localhost:2181",
            ["ZkDashboard:Ensembles:1:FourLetterWordHosts:0"] = "localhost:8080",
        });
        var registry = sp.GetRequiredService<IEnsembleRegistry>();

        var prod = registry.Find("prod-eu")!;
        Assert.Equal("zk1:2181,zk2:2181/app", prod.ConnectString);
        Assert.Equal(TimeSpan.FromSeconds(12), prod.SessionTimeout);
        Assert.Equal(new DigestCredential("alice", "s3cret-from-env"), prod.Credentials);
        Assert.True(prod.ReadOnly);
        Assert.Equal(["zk1:2181", "zk2:2181"], prod.FourLetterWordHosts);
        Assert.Equal(EnsembleSource.Configuration, prod.Source);
        Assert.Equal("certpw", prod.Tls!.ClientCertificatePassword);

        var dev = registry.Find("DEV")!;
        Assert.Equal(["localhost:8080"], dev.FourLetterWordHosts);
        Assert.Equal(EnsembleDefinition.DefaultSessionTimeout, dev.SessionTimeout);
        Assert.Empty(registry.ConfigurationErrors);
    }

    [Fact]
    public void ToString_RedactsSecrets_OfDefinitionAndCredentials()
    {
        var d = EnsembleDefinition.Create("x", "h:1", credentials: new DigestCredential("alice", "pa55word"),
            tls: new EnsembleTlsSettings(true, false, null, null, "certpa55"));
        var text = d.ToString();
        Assert.Contains("alice", text, StringComparison.Ordinal);
        Assert.DoesNotContain("pa55word", text, StringComparison.Ordinal);
        Assert.DoesNotContain("certpa55", text, StringComparison.Ordinal);
        Assert.DoesNotContain("pa55word", System.Text.Json.JsonSerializer.Serialize(d), StringComparison.Ordinal);
    }

    [Fact]
    public void All_SkipsInvalidEntriesWithClearErrors_AndKeepsValidOnes()
    {
        using var sp = Build(new()
        {
            ["ZkDashboard:Ensembles:0:Name"] = "good",
            ["ZkDashboard:Ensembles:0:ConnectString"] = "h:2181",
            ["ZkDashboard:Ensembles:1:Name"] = "bad-port",
            ["ZkDashboard:Ensembles:1:ConnectString"] = "h:99999",
            ["ZkDashboard:Ensembles:2:Name"] = "good",
            ["ZkDashboard:Ensembles:2:ConnectString"] = "other:2181",
            ["ZkDashboard:Ensembles:3:Name"] = "has space",
            ["ZkDashboard:Ensembles:3:ConnectString"] = "h:2181",
            ["ZkDashboard:Ensembles:4:Name"] = "nopass",
            ["ZkDashboard:Ensembles:4:ConnectString"] = "h:2181",
            ["ZkDashboard:Ensembles:4:Digest:User"] = "bob",
            ["ZkDashboard:Ensembles:5:Name"] = "slow",
            ["ZkDashboard:Ensembles:5:ConnectString"] = "h:2181",
            ["ZkDashboard:Ensembles:5:SessionTimeoutSeconds"] = "0.1",
        });
        var registry = sp.GetRequiredService<IEnsembleRegistry>();

        Assert.Equal(["good"], registry.All.Select(e => e.Name));
        Assert.Equal("h:2181", registry.Find("good")!.ConnectString);
        var errors = string.Join("\n", registry.ConfigurationErrors);
        Assert.Contains("ZkDashboard:Ensembles:1: Ensemble 'bad-port': ConnectString 'h:99999': port 99999 in 'h:99999' is out of range (1-65535).", errors, StringComparison.Ordinal);
        Assert.Contains("Ensemble 'good' is defined twice", errors, StringComparison.Ordinal);
        Assert.Contains("Ensemble Name 'has space' contains ' '", errors, StringComparison.Ordinal);
        Assert.Contains("Ensemble 'nopass': Digest.Password is empty", errors, StringComparison.Ordinal);
        Assert.Contains("Ensemble 'slow': SessionTimeout 0.1 s is out of range", errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "Name is empty")]
    [InlineData("-lead", "must start with a letter or digit")]
    [InlineData("a/b", "contains '/'")]
    [InlineData("a?b", "contains '?'")]
    public void Validate_RejectsNamesUnfitForUrls(string name, string expected)
    {
        var errors = EnsembleValidator.Validate(EnsembleDefinition.Create(name, "h:2181"));
        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_NamesBadFourLetterWordHost()
    {
        var errors = EnsembleValidator.Validate(EnsembleDefinition.Create("x", "h:2181", fourLetterWordHosts: ["h:70000"]));
        Assert.Contains(errors, e => e.Contains("FourLetterWordHosts entry 'h:70000'", StringComparison.Ordinal) && e.Contains("port 70000", StringComparison.Ordinal));
    }
}
