using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Accounts;
using ZkDashboard.Testing;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Tests.Api.V1;

[CollectionDefinition(Name)]
public sealed class ApiEnsembleCollection : ICollectionFixture<EnsembleFixture>
{
    public const string Name = "ApiEnsemble";
}

/// <summary>Every audit record the app writes (besides the app's own sink).</summary>
public sealed class CapturingAuditSink : IAuditSink
{
    private readonly ConcurrentQueue<AuditRecord> _records = new();

    public IReadOnlyList<AuditRecord> Records => [.. _records];

    public ValueTask RecordAsync(AuditRecord record, CancellationToken ct)
    {
        _records.Enqueue(record);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The real host (Program) on Kestrel against the collection's sandbox: ensemble <c>local</c> (the test's chroot) and
/// <c>short</c> (the same chroot with a 4 s session, for outage tests), bindings for groups operators (operator on local
/// and short) and viewers (viewer everywhere), the audit captured, and API tokens for each role.
/// </summary>
public sealed class ApiHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;
    private readonly string _dataDir;

    private ApiHost(WebApplicationFactory<Program> factory, string connectString, string dataDir)
    {
        _factory = factory;
        _dataDir = dataDir;
        ConnectString = connectString;
    }

    /// <summary>The chrooted connect string of the test's ZooKeeper nodes (for kazoo and our own client as oracles).</summary>
    public string ConnectString { get; }

    public CapturingAuditSink Audit => _factory.Services.GetRequiredService<CapturingAuditSink>();

    public IServiceProvider Services => _factory.Services;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<ApiHost> StartAsync(EnsembleFixture fx, string chroot, IDictionary<string, string>? settings = null)
    {
        await using (var root = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = fx.ConnectString }))
        {
            await root.CreateAsync(chroot, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        }
        var dataDir = Path.Combine(Path.GetTempPath(), "zkd-api-" + Guid.NewGuid().ToString("N"));
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ZkDashboard:Ensembles:0:Name", "local");
            b.UseSetting("ZkDashboard:Ensembles:0:ConnectString", fx.ConnectString + chroot);
            b.UseSetting("ZkDashboard:Ensembles:1:Name", "short");
            b.UseSetting("ZkDashboard:Ensembles:1:ConnectString", fx.ConnectString + chroot);
            b.UseSetting("ZkDashboard:Ensembles:1:SessionTimeoutSeconds", "4");
            b.UseSetting("ZkDashboard:Sessions:ConnectTimeout", "00:00:03");
            b.UseSetting("ZkDashboard:Store:DataDirectory", dataDir);
            b.UseSetting("ZkDashboard:Access:Bindings:1:Subject", "group:operators");
            b.UseSetting("ZkDashboard:Access:Bindings:1:Provider", "local");
            b.UseSetting("ZkDashboard:Access:Bindings:1:Role", "operator");
            b.UseSetting("ZkDashboard:Access:Bindings:1:Ensembles", "*");
            b.UseSetting("ZkDashboard:Access:Bindings:1:Paths", "/**");
            b.UseSetting("ZkDashboard:Access:Bindings:2:Subject", "group:viewers");
            b.UseSetting("ZkDashboard:Access:Bindings:2:Provider", "local");
            b.UseSetting("ZkDashboard:Access:Bindings:2:Role", "viewer");
            b.UseSetting("ZkDashboard:Access:Bindings:2:Ensembles", "*");
            b.UseSetting("ZkDashboard:Access:Bindings:2:Paths", "/**");
            b.UseSetting("ZkDashboard:Api:HeartbeatInterval", "00:00:01");
            b.UseUrls("http://127.0.0.1:0"); // a free port even if UseKestrel(0)'s listen options are not applied
            foreach (var (k, v) in settings ?? new Dictionary<string, string>())
            {
                b.UseSetting(k, v);
            }
            b.ConfigureTestServices(s =>
            {
                s.AddSingleton<CapturingAuditSink>();
                s.AddSingleton<IAuditSink>(sp => sp.GetRequiredService<CapturingAuditSink>());
            });
        });
        factory.UseKestrel(0);
        factory.StartServer();
        var host = new ApiHost(factory, fx.ConnectString + chroot, dataDir);
        using var probe = factory.CreateClient();
        host.BaseAddress = probe.BaseAddress!;
        return host;
    }

    /// <summary>A client with an API token of a local user in <paramref name="group"/>, scoped to <paramref name="role"/>.</summary>
    public async Task<HttpClient> ClientAsync(string user, string group, string role)
    {
        var token = await TokenAsync(user, group, role);
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = BaseAddress, AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<string> TokenAsync(string user, string group, string role)
    {
        var accounts = Services.GetRequiredService<IAccountService>();
        var account = await accounts.FindAsync(user) ?? await accounts.CreateAsync(user, null, [group], AccountNames.GeneratePassword(), "test");
        var created = await Services.GetRequiredService<IApiTokenService>().CreateAsync(account.Name, AccountNames.LocalProvider, account.Groups, "test", [role], null);
        return created.Secret;
    }

    /// <summary>A local account with a known password (for cookie sign-in).</summary>
    public async Task<string> AccountWithPasswordAsync(string user, string group)
    {
        var password = AccountNames.GeneratePassword();
        await Services.GetRequiredService<IAccountService>().CreateAsync(user, null, [group], password, "test");
        return password;
    }

    public HttpClient Anonymous() => _factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = BaseAddress, AllowAutoRedirect = false });

    public HttpClient CookieClient() => _factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = BaseAddress, AllowAutoRedirect = false, HandleCookies = true });

    public Task<ZooKeeperClient> ZooKeeperAsync() => ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = ConnectString });

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        TestSignIn.DeleteDirectory(_dataDir);
    }
}

/// <summary>Reading ProblemDetails and JSON answers.</summary>
internal static class Answers
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return doc.RootElement.Clone();
    }

    /// <summary>Asserts a ProblemDetails of <paramref name="status"/> and type <paramref name="type"/>, and returns it.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, int status, string type)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(text);
        var root = doc.RootElement.Clone();
        Assert.Equal(type, root.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("detail").GetString()), "a problem says what is wrong and what to do");
        return root;
    }

    public static async Task<T> Within<T>(Func<Task<T?>> probe, string what, int seconds = 60) where T : class
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            if (cts.IsCancellationRequested)
            {
                throw new TimeoutException($"Not within {seconds} s: {what}");
            }
            await Task.Delay(100);
        }
    }
}
