using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ZkDashboard.Web.Auth.External;

namespace ZkDashboard.E2E.Auth;

/// <summary>
/// The real dashboard on Kestrel at 127.0.0.1 with OpenID Connect configured, recording each principal the "oidc"
/// scheme signs in. The cookie scheme is auth's ("Cookies", with its server-side sessions); on a branch without it the
/// plain cookie scheme stands in.
/// </summary>
internal sealed class OidcDashboardServer : IAsyncDisposable
{
    private readonly Factory factory;

    private OidcDashboardServer(Factory factory, Uri baseUri)
    {
        this.factory = factory;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public string BaseUrl => BaseUri.ToString();

    public IServiceProvider Services => factory.Services;

    /// <summary>Principals signed in through the "oidc" scheme, in order.</summary>
    public ConcurrentQueue<ClaimsPrincipal> SignedIn => factory.SignedIn;

    public static Task<OidcDashboardServer> StartAsync(IReadOnlyDictionary<string, string?> settings) => Task.Run(() =>
    {
        var factory = new Factory(settings);
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new OidcDashboardServer(factory, new Uri(address.TrimEnd('/') + "/"));
    });

    public ValueTask DisposeAsync() => factory.DisposeAsync();

    private sealed class Factory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        public ConcurrentQueue<ClaimsPrincipal> SignedIn { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            // Host settings, not app configuration: the provider registrations read them while Program builds its
            // services, before the factory's ConfigureAppConfiguration sources are added.
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureTestServices(services =>
            {
                services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3));
                if (!services.Any(d => d.ServiceType == typeof(IPostConfigureOptions<CookieAuthenticationOptions>)))
                {
                    services.AddAuthentication().AddCookie(CookieAuthenticationDefaults.AuthenticationScheme);
                }

                services.PostConfigure<OpenIdConnectOptions>(OidcDefaults.Scheme, o =>
                {
                    var ticketReceived = o.Events.OnTicketReceived;
                    o.Events.OnTicketReceived = async context =>
                    {
                        await ticketReceived(context);
                        SignedIn.Enqueue(context.Principal!);
                    };
                });
            });
        }
    }
}
