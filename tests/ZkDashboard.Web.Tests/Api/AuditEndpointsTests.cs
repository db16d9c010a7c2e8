using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Accounts;
using ZkDashboard.Core.Audit;
using ZkDashboard.Core.Operations;
using ZkDashboard.Testing;
using ZkDashboard.Web.Auth;
using ZkDashboard.Web.Tests.Hubs;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Tests.Api;

/// <summary>The audit endpoints of the real host over its real SQLite store, with writes by the real operations on the sandbox.</summary>
[Collection(HubEnsembleCollection.Name)]
public sealed class AuditEndpointsTests(EnsembleFixture fx) : IAsyncLifetime
{
    private readonly string _chroot = EnsembleFixture.NewChrootName();
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "zkd-audit-" + Guid.NewGuid().ToString("N"));
    private WebApplicationFactory<Program>? _factory;
    private static readonly ActingUser Alice = new("alice", ["admins"], "10.9.8.7") { UserAgent = "unit/1", RequestId = "r-1" };

    public async Task InitializeAsync()
    {
        await using (var root = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = fx.ConnectString }))
        {
            await root.CreateAsync(_chroot, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
        }
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ZkDashboard:Ensembles:0:Name", "local");
            b.UseSetting("ZkDashboard:Ensembles:0:ConnectString", fx.ConnectString + _chroot);
            b.UseSetting("ZkDashboard:Store:DataDirectory", _dataDir);
        });
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        TestSignIn.DeleteDirectory(_dataDir);
    }

    private async Task<HttpClient> ClientAsync(string user = TestSignIn.AdminName, params string[] groups)
    {
        var token = await TestSignIn.AdminTokenAsync(_factory!.Services, user, groups);
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        client.DefaultRequestHeaders.UserAgent.ParseAdd("audit-test/2.0");
        return client;
    }

    private async Task WriteSomeAsync()
    {
        var ops = _factory!.Services.GetRequiredService<IZooKeeperOperations>();
        await ops.CreateAsync(Alice, "local", new CreateNodeRequest("/w", "v0"u8.ToArray(), Acls.OpenUnsafe));
        using (AuditAnnotations.WithReason("bump"))
        {
            await ops.SetDataAsync(Alice, "local", "/w", "v1"u8.ToArray(), 0);
        }
        await ops.SetDataAsync(Alice, "local", "/w", "v2"u8.ToArray(), 1);
    }

    [Fact]
    public async Task List_FiltersAndKeysetPaging_ReturnsRecordsWithBeforeAfter()
    {
        using var client = await ClientAsync();
        await WriteSomeAsync();

        using var page1 = JsonDocument.Parse(await client.GetStringAsync("/api/v1/audit?path=/w&operation=SetData&limit=1"));
        var first = Assert.Single(page1.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal("alice", first.GetProperty("user").GetString());
        Assert.Equal("Succeeded", first.GetProperty("outcome").GetString());
        Assert.Equal("v2", Encoding.UTF8.GetString(first.GetProperty("dataAfter").GetBytesFromBase64()));
        Assert.Equal("v1", Encoding.UTF8.GetString(first.GetProperty("dataBefore").GetBytesFromBase64()));
        Assert.Equal(2, first.GetProperty("resultVersion").GetInt32());
        Assert.Equal("10.9.8.7", first.GetProperty("clientIp").GetString());
        var next = page1.RootElement.GetProperty("nextBefore").GetInt64();
        Assert.Equal(first.GetProperty("id").GetInt64(), next);

        using var page2 = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/audit?path=/w&operation=SetData&limit=1&before={next}"));
        var second = Assert.Single(page2.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal("bump", second.GetProperty("reason").GetString());
        Assert.True(second.GetProperty("id").GetInt64() < next);

        using var one = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/audit/{next}"));
        Assert.Equal(first.GetProperty("hash").GetString(), one.RootElement.GetProperty("hash").GetString());
        using var missing = await client.GetAsync("/api/v1/audit/999999");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        // The token's first use today is recorded with the client's address and User-Agent.
        using var tokens = JsonDocument.Parse(await client.GetStringAsync("/api/v1/audit?operation=TokenUsed"));
        var used = Assert.Single(tokens.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal(TestSignIn.AdminName, used.GetProperty("user").GetString());
        Assert.Equal("audit-test/2.0", used.GetProperty("userAgent").GetString());
        Assert.True(used.TryGetProperty("requestId", out _));

        using var bad = await client.GetAsync("/api/v1/audit?outcome=sideways");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("outcome 'sideways' is unknown", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var badGlob = await client.GetAsync("/api/v1/audit?path=" + Uri.EscapeDataString("/a/**x/*"));
        Assert.Equal(HttpStatusCode.BadRequest, badGlob.StatusCode);
    }

    [Fact]
    public async Task Verify_AdminOk_OthersRefused_AnonymousUnauthorized()
    {
        using var admin = await ClientAsync();
        await WriteSomeAsync();
        using var ok = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/audit/verify"));
        Assert.True(ok.RootElement.GetProperty("ok").GetBoolean());
        Assert.True(ok.RootElement.GetProperty("checked").GetInt64() >= 6);
        Assert.Equal(JsonValueKind.Null, ok.RootElement.GetProperty("firstBadId").ValueKind);

        using var stranger = await ClientAsync("stranger", "nobody");
        using var refused = await stranger.GetAsync("/api/v1/audit/verify");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("admin", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var list = await stranger.GetAsync("/api/v1/audit");
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        using var export = await stranger.GetAsync("/api/v1/audit/export.csv");
        Assert.Equal(HttpStatusCode.Forbidden, export.StatusCode);

        using var anonymous = _factory!.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var unauthorized = await anonymous.GetAsync("/api/v1/audit/verify");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);

        using var denials = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/audit?user=stranger&outcome=Denied"));
        Assert.Equal(3, denials.RootElement.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Export_CsvAndJson_StreamTheFilteredSet()
    {
        using var client = await ClientAsync();
        await WriteSomeAsync();
        using var csvResponse = await client.GetAsync("/api/v1/audit/export.csv?path=/w");
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType?.MediaType);
        var lines = (await csvResponse.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,at,user,provider,clientIp", lines[0], StringComparison.Ordinal);
        Assert.Equal(4, lines.Length); // header + create + two setData outcomes (intents are left out)
        Assert.Contains(lines, l => l.Contains(",bump,", StringComparison.Ordinal));

        using var json = JsonDocument.Parse(await client.GetStringAsync("/api/v1/audit/export.json?path=/w&intents=true"));
        Assert.Equal(6, json.RootElement.GetArrayLength());
        Assert.Equal(3, json.RootElement.EnumerateArray().Count(e => e.GetProperty("outcome").GetString() == "Pending"));
    }

    [Fact]
    public async Task Login_SucceededAndFailed_Recorded()
    {
        var services = _factory!.Services;
        await services.GetRequiredService<IAccountService>().CreateAsync("lena", null, ["admins"], "correct-horse-battery-9", "test");
        using (var scope = services.CreateScope())
        {
            var login = scope.ServiceProvider.GetRequiredService<LoginService>();
            var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            http.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.10");
            http.Request.Headers.UserAgent = "browser/9";
            Assert.False((await login.SignInAsync(http, "lena", "wrong-password")).Succeeded);
            Assert.True((await login.SignInAsync(http, "lena", "correct-horse-battery-9")).Succeeded);
        }
        using var client = await ClientAsync();
        using var failed = JsonDocument.Parse(await client.GetStringAsync("/api/v1/audit?operation=LoginFailed"));
        var f = Assert.Single(failed.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal(("lena", "192.0.2.10", "browser/9"), (f.GetProperty("user").GetString(), f.GetProperty("clientIp").GetString(), f.GetProperty("userAgent").GetString()));
        using var ok = JsonDocument.Parse(await client.GetStringAsync("/api/v1/audit?operation=Login&user=lena"));
        var s = Assert.Single(ok.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal("Succeeded", s.GetProperty("outcome").GetString());
        using var accounts = JsonDocument.Parse(await client.GetStringAsync("/api/v1/audit?operation=Account"));
        Assert.Contains(accounts.RootElement.GetProperty("items").EnumerateArray(), a => a.GetProperty("detail").GetString()!.StartsWith("created account lena", StringComparison.Ordinal));
    }
}
