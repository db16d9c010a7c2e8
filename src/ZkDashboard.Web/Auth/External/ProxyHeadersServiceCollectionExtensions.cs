using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace ZkDashboard.Web.Auth.External;

/// <summary>Registers trusted reverse-proxy sign-in.</summary>
public static class ProxyHeadersServiceCollectionExtensions
{
    /// <summary>
    /// When <c>ZkDashboard:Auth:Proxy:Enabled</c> is true: the "Proxy" authentication scheme, ForwardedHeaders limited to
    /// the same trusted proxies (X-Forwarded-For and -Proto), and a first middleware (a startup filter) that records the
    /// connection's own peer before ForwardedHeaders rewrites it. Bad settings fail start-up naming the entry.
    /// </summary>
    public static IServiceCollection AddZkProxyHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(ProxyHeadersOptions.Section);
        if (!(section.Get<ProxyHeadersOptions>()?.Enabled ?? false))
        {
            return services;
        }

        services.AddOptions<ProxyHeadersOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProxyHeadersOptions>, Validator>();
        services.AddSingleton<ProxyHeadersTrust>();
        services.AddSingleton<ProxyHeadersHandler.Warnings>();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyHeadersOptions>>((forwarded, proxy) =>
        {
            var settings = proxy.Value;
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.ForwardLimit = settings.ForwardLimit;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            var (addresses, networks) = settings.ParseTrustedProxies();
            foreach (var address in addresses)
            {
                forwarded.KnownProxies.Add(address);
            }

            foreach (var network in networks)
            {
                forwarded.KnownIPNetworks.Add(network);
            }
        });
        services.AddSingleton<IStartupFilter, PeerFirstStartupFilter>();
        services.AddAuthentication().AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ProxyHeadersHandler>(
            ProxyHeadersDefaults.Scheme, "Trusted proxy", null);
        // The default policy scheme forwards a request from a trusted proxy to this scheme (its headers are the identity).
        services.Configure<ZkAuthSchemeOptions>(o => o.Selectors.Add(context =>
            context.RequestServices.GetRequiredService<ProxyHeadersTrust>().IsFromTrustedProxy(context) ? ProxyHeadersDefaults.Scheme : null));
        return services;
    }

    private sealed class Validator : IValidateOptions<ProxyHeadersOptions>
    {
        public ValidateOptionsResult Validate(string? name, ProxyHeadersOptions options)
        {
            var errors = options.Validate();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }

    // Runs ahead of the app's own pipeline: record the real peer, then apply X-Forwarded-* from trusted proxies only.
    private sealed class PeerFirstStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Features.Set(new ProxyPeerFeature(context.Connection.RemoteIpAddress));
                return nextMiddleware(context);
            });
            app.UseForwardedHeaders();
            next(app);
        };
    }
}
