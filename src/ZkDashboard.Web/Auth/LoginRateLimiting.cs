using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using ZkDashboard.Core.Accounts;

namespace ZkDashboard.Web.Auth;

/// <summary>The framework's rate limiter on sign-in posts (POST /login and /setup), one fixed window per client address.</summary>
internal static class LoginRateLimiting
{
    public static IServiceCollection AddZkLoginRateLimiter(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<AuthOptions>>((o, auth) =>
        {
            var permits = auth.Value.Local.LoginAttemptsPerMinute;
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (!HttpMethods.IsPost(context.Request.Method)
                    || !(context.Request.Path.Equals(AuthPaths.Login, StringComparison.OrdinalIgnoreCase)
                         || context.Request.Path.Equals(AuthPaths.Setup, StringComparison.OrdinalIgnoreCase)))
                {
                    return RateLimitPartition.GetNoLimiter("");
                }
                var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = permits,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
            o.OnRejected = async (ctx, ct) =>
            {
                ctx.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                await ctx.HttpContext.Response.WriteAsync(
                    "Too many sign-in attempts from your address. Wait a minute, then try again.", ct).ConfigureAwait(false);
            };
        });
        return services;
    }
}
