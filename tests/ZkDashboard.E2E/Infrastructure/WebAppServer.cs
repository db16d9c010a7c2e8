using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ZkDashboard.E2E.Infrastructure;

/// <summary>
/// The real dashboard (its Program, root appsettings.json, static assets) on Kestrel at 127.0.0.1 on a free port,
/// with configuration overrides on top. Stop it to simulate a server outage.
/// </summary>
public sealed class WebAppServer : IAsyncDisposable
{
    private readonly Factory factory;
    private int stopped;

    private WebAppServer(Factory factory, Uri baseUri)
    {
        this.factory = factory;
        BaseUri = baseUri;
    }

    /// <summary>The address the app listens on, ending with '/', e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseUri { get; }

    /// <summary><see cref="BaseUri"/> as a string.</summary>
    public string BaseUrl => BaseUri.ToString();

    /// <summary>The app's services (e.g. to reach a singleton the test needs to inspect).</summary>
    public IServiceProvider Services => factory.Services;

    /// <summary>
    /// Starts the app with <paramref name="settings"/> overriding its configuration (keys like "ZkDashboard:Ensembles:0:Name"),
    /// on <paramref name="port"/> (0: a free one; pass a stopped server's port to simulate a restart).
    /// </summary>
    public static Task<WebAppServer> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, int port = 0)
    {
        // Building the host is synchronous; keep it off the test's thread so a slow start does not block xUnit.
        return Task.Run(() =>
        {
            var factory = new Factory(settings ?? new Dictionary<string, string?>());
            factory.UseKestrel(options => options.Listen(IPAddress.Loopback, port));
            factory.StartServer();
            var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
                .Addresses.Single();
            return new WebAppServer(factory, new Uri(address.TrimEnd('/') + "/"));
        });
    }

    /// <summary>Stops the app (open circuits are cut after the short shutdown timeout). Safe to call twice.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref stopped, 1) == 0)
        {
            await factory.DisposeAsync();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => new(StopAsync());

    private sealed class Factory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
            builder.ConfigureServices(services =>
                services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3)));
        }
    }
}
