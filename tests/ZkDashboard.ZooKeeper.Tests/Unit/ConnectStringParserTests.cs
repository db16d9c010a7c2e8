using ZkDashboard.ZooKeeper.Admin;

namespace ZkDashboard.ZooKeeper.Tests.Unit;

/// <summary>The one host:port parser: the edge cases, and the connect string and the 4lw endpoint agreeing on them.</summary>
public sealed class ConnectStringParserTests
{
    [Theory]
    [InlineData("[::1]", "::1", 2181)]
    [InlineData("[::1]:2182", "::1", 2182)]
    [InlineData("[fe80::1%eth0]:2181", "fe80::1%eth0", 2181)]
    [InlineData("  zk1:2181  ", "zk1", 2181)]
    [InlineData("zk_1.example-dc.com", "zk_1.example-dc.com", 2181)]
    [InlineData("h:1", "h", 1)]
    [InlineData("h:65535", "h", 65535)]
    [InlineData("h:02181", "h", 2181)]
    public void HostEndpointParse_ValidAddress_ReturnsHostAndPort(string input, string host, int port)
    {
        Assert.Equal(new HostEndpoint(host, port), HostEndpoint.Parse(input));
    }

    [Theory]
    [InlineData("h:0", "port 0 in 'h:0' is out of range")]
    [InlineData("h:65536", "port 65536 in 'h:65536' is out of range")]
    [InlineData("h:99999999999", "is out of range")]
    [InlineData("h:-1", "port '-1' in 'h:-1' is not a number")]
    [InlineData("h:+1", "is not a number")]
    [InlineData("h: 1", "is not a number")]
    [InlineData("h:", "the port is missing")]
    [InlineData(":2181", "the host name is missing")]
    [InlineData("ho st:1", "contains ' '")]
    [InlineData("h%1:1", "contains '%'")]
    [InlineData("::1", "put an IPv6 address in brackets")]
    [InlineData("[::1", "without ']'")]
    [InlineData("[::1]2181", "after the IPv6 address")]
    [InlineData("[]:2181", "the host name is missing")]
    [InlineData("   ", "empty host")]
    public void HostEndpointParse_BadAddress_ThrowsNamingTheProblem(string input, string fragment)
    {
        var ex = Assert.Throws<ArgumentException>(() => HostEndpoint.Parse(input));
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(" a:1 , b:2 ,[::1]:3/app", "a:1,b:2,[::1]:3/app")]
    [InlineData("a", "a:2181")]
    [InlineData("a:1/", "a:1")]
    [InlineData("a:1/x/y", "a:1/x/y")]
    public void ConnectStringParse_ValidInput_RoundTripsCanonically(string input, string canonical)
    {
        var parsed = ConnectString.Parse(input);
        Assert.Equal(canonical, parsed.ToString());
        var again = ConnectString.Parse(parsed.ToString());
        Assert.Equal(parsed.Hosts, again.Hosts);
        Assert.Equal(parsed.Chroot, again.Chroot);
    }

    [Theory]
    [InlineData("a:1,,b:2", "host #2 is empty")]
    [InlineData("a:1,", "host #2 is empty")]
    [InlineData("a:1,a:1", "'a:1' is listed twice")]
    [InlineData("a,a:2181", "'a:2181' is listed twice")]
    [InlineData("/app", "names no host")]
    [InlineData("a:1/app/", "must not end with '/'")]
    [InlineData("a:1/a//b", "empty segment")]
    [InlineData("a:1/a/./b", "relative segment '.'")]
    [InlineData("a:1/a\u0001b", "U+0001")]
    [InlineData("", "empty")]
    public void ConnectStringParse_BadInput_ThrowsNamingTheProblem(string input, string fragment)
    {
        var ex = Assert.Throws<ArgumentException>(() => ConnectString.Parse(input));
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        Assert.False(ConnectString.TryParse(input, out _, out var errors));
        Assert.Contains(errors, e => e.Contains(fragment, StringComparison.Ordinal));
    }

    [Fact]
    public void ConnectStringTryParse_SeveralProblems_NamesEachOne()
    {
        Assert.False(ConnectString.TryParse("a:0,b:x/c/", out var parsed, out var errors));
        Assert.Null(parsed);
        Assert.Equal(3, errors.Count);
        var ex = Assert.Throws<ArgumentException>(() => ConnectString.Parse("a:0,b:x/c/"));
        Assert.Contains("port 0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("port 'x'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("must not end with '/'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:2181")]
    [InlineData("[::1]")]
    [InlineData("[::1]:2182")]
    [InlineData(" zk1 ")]
    [InlineData("h:0")]
    [InlineData("h:99999")]
    [InlineData("h:x")]
    [InlineData("::1:2181")]
    [InlineData("[::1:2181")]
    [InlineData("ho st")]
    [InlineData(":1")]
    public void FourLetterWordEndpointParse_SingleHost_AgreesWithTheConnectString(string input)
    {
        var connect = ConnectString.TryParse(input, out var parsed, out _) ? parsed.Hosts.Single() : null;
        (string Host, int Port)? flw;
        try
        {
            flw = FourLetterWordEndpoint.Parse(input);
        }
        catch (ArgumentException)
        {
            flw = null;
        }
        Assert.Equal(connect is null ? null : (connect.Host, connect.Port), flw);
    }
}
