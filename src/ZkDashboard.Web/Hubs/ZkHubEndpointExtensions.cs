using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ZkDashboard.Web.Hubs;

/// <summary>Registration and mapping of the <c>/hubs/zk</c> event stream.</summary>
public static class ZkHubEndpointExtensions
{
    /// <summary>Registers SignalR and the hub's subscription bookkeeping (needs <c>AddZkDashboardSessions</c>).</summary>
    public static IServiceCollection AddZkHub(this IServiceCollection services)
    {
        services.AddSignalR();
        services.TryAddSingleton<HubSubscriptions>();
        return services;
    }

    /// <summary>
    /// Maps the hub at <see cref="ZkHub.Route"/>. Until the access issue adds authorization, only local
    /// (loopback) requests are accepted; any other gets 403 with a reason.
    /// </summary>
    public static HubEndpointConventionBuilder MapZkHub(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetService<HubSubscriptions>() is null)
        {
            throw new InvalidOperationException("MapZkHub needs services.AddZkHub() (and services.AddZkDashboardSessions(configuration)).");
        }
        var builder = endpoints.MapHub<ZkHub>(ZkHub.Route);
        builder.Add(endpoint =>
        {
            var next = endpoint.RequestDelegate;
            if (next is null)
            {
                return;
            }
            // With sign-in configured, the app's authorization already requires a user (cookie or API token).
            endpoint.RequestDelegate = context => IsLocal(context) || context.User.Identity?.IsAuthenticated == true ? next(context) : ForbidAsync(context);
        });
        return builder;
    }

    /// <summary>True for requests from this machine (loopback, or the connection's own local address).</summary>
    internal static bool IsLocal(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is null)
        {
            return false;
        }
        if (remote.IsIPv4MappedToIPv6)
        {
            remote = remote.MapToIPv4();
        }
        return IPAddress.IsLoopback(remote) || (context.Connection.LocalIpAddress is { } local && remote.Equals(local.IsIPv4MappedToIPv6 ? local.MapToIPv4() : local));
    }

    private static Task ForbidAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("The /hubs/zk event stream only accepts local (loopback) requests until dashboard sign-in is configured.");
    }
}
