using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ZkDashboard.Web.Api.V1;
using ZkDashboard.Web.Auth;

namespace ZkDashboard.Web.Tests.Api.V1;

/// <summary>The API's rate-limit partitions: one window per token, per cookie user and per anonymous address, sized by the current setting.</summary>
public sealed class ApiRateLimitPolicyTests
{
    [Fact]
    public void GetPartition_SameToken_SameKeyAndAWindowOfTheCurrentSetting()
    {
        var options = new Monitor(new ApiOptions { RequestsPerMinute = 2 });
        var policy = new ApiRateLimitPolicy(options);

        var first = policy.GetPartition(TokenRequest(7));
        var again = policy.GetPartition(TokenRequest(7));
        var other = policy.GetPartition(TokenRequest(8));

        Assert.Equal("token:7", first.PartitionKey);
        Assert.Same(first.PartitionKey, again.PartitionKey);
        Assert.Equal("token:8", other.PartitionKey);
        using var limiter = first.Factory(first.PartitionKey);
        Assert.True(Acquire(limiter));
        Assert.True(Acquire(limiter));
        Assert.False(Acquire(limiter));

        // A new window (a partition seen for the first time) takes a changed setting.
        options.CurrentValue = new ApiOptions { RequestsPerMinute = 1 };
        using var changed = other.Factory(other.PartitionKey);
        Assert.True(Acquire(changed));
        Assert.False(Acquire(changed));
    }

    [Fact]
    public void GetPartition_CookieUserAndAnonymous_ArePartitionedByUserAndAddress()
    {
        var policy = new ApiRateLimitPolicy(new Monitor(new ApiOptions()));
        var cookie = new DefaultHttpContext { User = ZkPrincipals.ForSignIn("carla", "ldap", ["ops"]) };
        var anonymous = new DefaultHttpContext();
        anonymous.Connection.RemoteIpAddress = IPAddress.Parse("10.1.2.3");

        Assert.Equal("user:ldap:carla", policy.GetPartition(cookie).PartitionKey);
        Assert.Equal("anon:10.1.2.3", policy.GetPartition(anonymous).PartitionKey);
    }

    private static bool Acquire(RateLimiter limiter)
    {
        using var lease = limiter.AttemptAcquire();
        return lease.IsAcquired;
    }

    private static DefaultHttpContext TokenRequest(int tokenId)
    {
        var principal = ZkPrincipals.ForSignIn("tom", "local", ["ops"], null, ApiTokenAuthenticationHandler.SchemeName);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim("zkd:token-id", tokenId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return new DefaultHttpContext { User = principal };
    }

    private sealed class Monitor(ApiOptions value) : IOptionsMonitor<ApiOptions>
    {
        public ApiOptions CurrentValue { get; set; } = value;

        public ApiOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<ApiOptions, string?> listener) => null;
    }
}
