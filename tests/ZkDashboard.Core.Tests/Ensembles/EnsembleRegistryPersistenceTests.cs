using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Ensembles;
using ZkDashboard.Core.Store;
using ZkDashboard.Core.Tests.Support;

namespace ZkDashboard.Core.Tests.Ensembles;

public sealed class EnsembleRegistryPersistenceTests : IDisposable
{
    private const string Password = "Sup3r-Secret-Pa55";
    private static readonly ActingUser Admin = new("alice", ["admin"], "127.0.0.1");
    private static readonly EnsembleSaveOptions Skip = new(SkipReachabilityCheck: true);
    private readonly StoreTestHost _host = new();

    public void Dispose() => _host.Dispose();

    private ServiceProvider Build(Dictionary<string, string?>? config = null)
    {
        config ??= [];
        config["ZkDashboard:Access:Bindings:0:Subject"] = "group:admin";
        config["ZkDashboard:Access:Bindings:0:Role"] = "admin";
        config["ZkDashboard:Access:Bindings:1:Subject"] = "group:viewer";
        config["ZkDashboard:Access:Bindings:1:Role"] = "viewer";
        return _host.Build(config, (s, c) =>
        {
            s.AddZkDashboardStore(c);
            s.AddZkDashboardAccess(c);
            s.AddZkDashboardEnsembles(c);
        });
    }

    [Fact]
    public async Task AddAsync_PersistsEncryptedCredentials_DecryptedAfterRestart()
    {
        var definition = EnsembleDefinition.Create("runtime-1", "127.0.0.1:1/app", TimeSpan.FromSeconds(9), new DigestCredential("bob", Password),
            new EnsembleTlsSettings(false, false, null, null, "tls-" + Password));
        await using (var sp = Build())
        {
            var registry = sp.GetRequiredService<IEnsembleRegistry>();
            var changes = new List<EnsembleRegistryChangedEventArgs>();
            registry.Changed += (_, e) => changes.Add(e);
            var added = await registry.AddAsync(definition, Admin, Skip);
            Assert.Equal(EnsembleSource.Runtime, added.Source);
            Assert.Equal(EnsembleChangeKind.Added, Assert.Single(changes).Kind);
            Assert.NotNull(registry.Find("runtime-1"));
        }

        // At rest: the row holds ciphertext only, and the password appears nowhere in the database file.
        using (var connection = new SqliteConnection($"Data Source={_host.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT DigestUser, DigestPasswordProtected, TlsClientCertificatePasswordProtected FROM Ensembles WHERE Name = 'runtime-1'";
            using var reader = cmd.ExecuteReader();
            Assert.True(reader.Read());
            Assert.Equal("bob", reader.GetString(0));
            Assert.False(string.IsNullOrEmpty(reader.GetString(1)));
            Assert.DoesNotContain(Password, reader.GetString(1), StringComparison.Ordinal);
            Assert.DoesNotContain(Password, reader.GetString(2), StringComparison.Ordinal);
        }
        SqliteConnection.ClearAllPools();
        var bytes = await File.ReadAllBytesAsync(_host.DatabasePath);
        Assert.DoesNotContain(Password, Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, Encoding.Unicode.GetString(bytes), StringComparison.Ordinal);

        // "Restart": a new service provider (new Data Protection instance) reads the key ring from the database.
        await using (var sp = Build())
        {
            var restored = sp.GetRequiredService<IEnsembleRegistry>().Find("runtime-1");
            Assert.NotNull(restored);
            Assert.Equal(definition with { Source = EnsembleSource.Runtime }, restored);
            Assert.Equal(Password, restored.Credentials!.Password);
            Assert.Equal("tls-" + Password, restored.Tls!.ClientCertificatePassword);
            Assert.Empty(sp.GetRequiredService<IEnsembleRegistry>().ConfigurationErrors);
        }
        Assert.DoesNotContain(_host.Logs.Lines, l => l.Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpdateAndRemove_ArePersisted_AcrossRestart()
    {
        await using (var sp = Build())
        {
            var registry = sp.GetRequiredService<IEnsembleRegistry>();
            await registry.AddAsync(EnsembleDefinition.Create("a", "127.0.0.1:1", credentials: new DigestCredential("u", Password)), Admin, Skip);
            await registry.AddAsync(EnsembleDefinition.Create("b", "127.0.0.1:2"), Admin, Skip);
            var changes = new List<EnsembleRegistryChangedEventArgs>();
            registry.Changed += (_, e) => changes.Add(e);

            // Edit without credentials, keeping the stored ones (the browser never gets them back).
            await registry.UpdateAsync(EnsembleDefinition.Create("a", "127.0.0.1:3/x", readOnly: true), Admin, new EnsembleSaveOptions(true, KeepExistingCredentials: true));
            await registry.RemoveAsync("b", Admin);
            Assert.Equal([EnsembleChangeKind.Updated, EnsembleChangeKind.Removed], changes.Select(c => c.Kind));
            Assert.Equal("127.0.0.1:1", changes[0].Previous!.ConnectString);
        }
        await using (var sp = Build())
        {
            var registry = sp.GetRequiredService<IEnsembleRegistry>();
            Assert.Equal(["a"], registry.All.Select(e => e.Name));
            var a = registry.Find("a")!;
            Assert.Equal("127.0.0.1:3/x", a.ConnectString);
            Assert.True(a.ReadOnly);
            Assert.Equal(["127.0.0.1:3"], a.FourLetterWordHosts);
            Assert.Equal(Password, a.Credentials!.Password);
        }
    }

    [Fact]
    public async Task AddAsync_Throws_ForNonAdminDuplicateAndInvalid()
    {
        await using var sp = Build(new() { ["ZkDashboard:Ensembles:0:Name"] = "cfg", ["ZkDashboard:Ensembles:0:ConnectString"] = "127.0.0.1:1" });
        var registry = sp.GetRequiredService<IEnsembleRegistry>();
        var viewer = new ActingUser("eve", ["viewer"], null);

        var denied = await Assert.ThrowsAsync<AccessDeniedException>(() => registry.AddAsync(EnsembleDefinition.Create("x", "127.0.0.1:1"), viewer, Skip));
        Assert.Contains("manageEnsembles needs admin on ensemble 'x'", denied.Reason, StringComparison.Ordinal);
        Assert.Null(registry.Find("x"));

        var dup = await Assert.ThrowsAsync<EnsembleConflictException>(() => registry.AddAsync(EnsembleDefinition.Create("CFG", "127.0.0.1:1"), Admin, Skip));
        Assert.Contains("already defined in configuration", dup.Message, StringComparison.Ordinal);

        var invalid = await Assert.ThrowsAsync<EnsembleValidationException>(() => registry.AddAsync(EnsembleDefinition.Create("y", "127.0.0.1:99999"), Admin, Skip));
        Assert.Contains("port 99999 in '127.0.0.1:99999' is out of range", invalid.Message, StringComparison.Ordinal);

        var cfgEdit = await Assert.ThrowsAsync<EnsembleConflictException>(() => registry.RemoveAsync("cfg", Admin));
        Assert.Contains("defined in configuration", cfgEdit.Message, StringComparison.Ordinal);
        Assert.Equal(["cfg"], registry.All.Select(e => e.Name));
    }

    [Fact]
    public async Task AddAsync_RejectsUnreachableEnsemble_UnlessSkipRequested()
    {
        var port = FreePort();
        await using var sp = Build(new() { ["ZkDashboard:Registry:ReachabilityTimeout"] = "00:00:01" });
        var registry = sp.GetRequiredService<IEnsembleRegistry>();
        var definition = EnsembleDefinition.Create("down", $"127.0.0.1:{port}");

        var ex = await Assert.ThrowsAsync<EnsembleUnreachableException>(() => registry.AddAsync(definition, Admin));
        Assert.Contains($"Ensemble 'down' is not reachable: 127.0.0.1:{port}:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("save anyway", ex.Message, StringComparison.Ordinal);
        Assert.False(ex.Result.IsReachable);
        Assert.Null(registry.Find("down"));

        await registry.AddAsync(definition, Admin, Skip);
        Assert.NotNull(registry.Find("down"));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
