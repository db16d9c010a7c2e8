using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ZkDashboard.Core.Access;
using ZkDashboard.Core.Jobs;
using ZkDashboard.Testing;
using ZkDashboard.Web.Tests.Hubs;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Web.Tests.Api;

/// <summary>Export, import (dry run, malformed file, apply as a job) and compare over REST on the real host and a sandbox.</summary>
[Collection(HubEnsembleCollection.Name)]
public sealed class TransferEndpointsTests(EnsembleFixture fx) : IAsyncLifetime
{
    private readonly string _chroot = EnsembleFixture.NewChrootName();
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "zkd-transfer-" + Guid.NewGuid().ToString("N"));
    private WebApplicationFactory<Program>? _factory;

    public async Task InitializeAsync()
    {
        await using (var root = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = fx.ConnectString }))
        {
            await root.CreateAsync(_chroot, ReadOnlyMemory<byte>.Empty, Acls.OpenUnsafe);
            await root.CreateAsync(_chroot + "/configs", "c"u8.ToArray(), Acls.OpenUnsafe);
            await root.CreateAsync(_chroot + "/configs/app", "{\"x\":1}"u8.ToArray(), Acls.OpenUnsafe);
            await root.CreateAsync(_chroot + "/configs/bin", new byte[] { 0xff, 0 }, Acls.OpenUnsafe);
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

    private async Task<HttpClient> AdminAsync()
    {
        var client = _factory!.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await TestSignIn.AdminTokenAsync(_factory.Services));
        return client;
    }

    [Fact]
    public async Task ExportImportCompare_OverRest_StreamedPlannedAppliedAndCompared()
    {
        using var http = await AdminAsync();
        using var export = await http.GetAsync("/api/v1/ensembles/local/export/configs?stats=true");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Contains("attachment", export.Content.Headers.ContentDisposition?.ToString() ?? export.Headers.ToString(), StringComparison.Ordinal);
        var file = await export.Content.ReadAsByteArrayAsync();
        using (var doc = JsonDocument.Parse(file))
        {
            Assert.Equal("zkdashboard-export", doc.RootElement.GetProperty("format").GetString());
            var nodes = doc.RootElement.GetProperty("nodes");
            Assert.Equal(3, nodes.GetArrayLength());
            Assert.Equal("base64", nodes[2].GetProperty("encoding").GetString());
            Assert.True(nodes[0].TryGetProperty("stat", out _));
        }

        using var dry = await http.PostAsync("/api/v1/ensembles/local/import/restored?dryRun=true", new ByteArrayContent(file));
        Assert.Equal(HttpStatusCode.OK, dry.StatusCode);
        using (var plan = JsonDocument.Parse(await dry.Content.ReadAsStringAsync()))
        {
            Assert.Equal(3, plan.RootElement.GetProperty("counts").GetProperty("create").GetInt64());
            Assert.Equal("create", plan.RootElement.GetProperty("entries")[0].GetProperty("action").GetString());
        }
        await using var ext = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = fx.ConnectString + _chroot });
        Assert.Null(await ext.ExistsAsync("/restored"));

        var truncated = file.AsSpan(0, file.Length - 20).ToArray();
        using var bad = await http.PostAsync("/api/v1/ensembles/local/import/restored", new ByteArrayContent(truncated));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using (var problem = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()))
        {
            Assert.Contains("truncated", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Equal(1, problem.RootElement.GetProperty("line").GetInt64());
        }

        using var apply = await http.PostAsync("/api/v1/ensembles/local/import/restored?dryRun=false&reason=restore", new ByteArrayContent(file));
        Assert.Equal(HttpStatusCode.Accepted, apply.StatusCode);
        var location = apply.Headers.Location!.ToString();
        Assert.StartsWith("/api/v1/jobs/", location, StringComparison.Ordinal);
        var jobs = _factory!.Services.GetRequiredService<IBulkJobs>();
        var final = await jobs.WaitAsync(ActingUser.System, location["/api/v1/jobs/".Length..]).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(BulkJobState.Succeeded, final.State);
        await ext.SyncAsync("/restored");
        Assert.Equal("{\"x\":1}", Encoding.UTF8.GetString((await ext.GetDataAsync("/restored/app")).Data));
        Assert.Equal(new byte[] { 0xff, 0 }, (await ext.GetDataAsync("/restored/bin")).Data);

        await ext.SetDataAsync("/restored/app", "drift"u8.ToArray());
        using var compare = await http.PostAsync("/api/v1/compare", new StringContent(
            """{"left":{"ensemble":"local","path":"/configs"},"right":{"ensemble":"local","path":"/restored"}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, compare.StatusCode);
        using (var diff = JsonDocument.Parse(await compare.Content.ReadAsStringAsync()))
        {
            Assert.Equal(1, diff.RootElement.GetProperty("different").GetInt32());
            var entry = diff.RootElement.GetProperty("entries")[0];
            Assert.Equal("/app", entry.GetProperty("path").GetString());
            Assert.Equal("drift", entry.GetProperty("right").GetProperty("data").GetProperty("data").GetString());
        }

        using var missing = await http.GetAsync("/api/v1/ensembles/local/export/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var anonymous = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var refused = await anonymous.GetAsync("/api/v1/ensembles/local/export/configs");
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
        Assert.DoesNotContain("zkdashboard-export", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
