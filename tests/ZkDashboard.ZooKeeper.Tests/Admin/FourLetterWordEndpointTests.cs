using ZkDashboard.ZooKeeper.Admin;

namespace ZkDashboard.ZooKeeper.Tests.Admin;

public sealed class FourLetterWordEndpointTests
{
    [Theory]
    [InlineData("127.0.0.1:2181", "127.0.0.1", 2181)]
    [InlineData("zk1.example.com:12181", "zk1.example.com", 12181)]
    [InlineData("zk1", "zk1", 2181)]
    [InlineData("[::1]:2182", "::1", 2182)]
    [InlineData("[::1]", "::1", 2181)]
    public void Parse_ReturnsHostAndPort_ValidAddresses(string input, string host, int port)
    {
        Assert.Equal((host, port), FourLetterWordEndpoint.Parse(input));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("h:0", "out of range (1-65535)")]
    [InlineData("h:x", "is not a number")]
    [InlineData("::1:2181", "brackets")]
    [InlineData("h1:2181,h2:2181", "single 'host:port'")]
    [InlineData("h1:2181/app", "chroot")]
    [InlineData("[::1:2181", "without ']'")]
    public void Parse_ThrowsNamingProblem_InvalidAddresses(string input, string fragment)
    {
        var ex = Assert.Throws<ArgumentException>(() => FourLetterWordEndpoint.Parse(input));
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }
}
