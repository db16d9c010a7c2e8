using ZkDashboard.Core.Ensembles;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Tests.Ensembles;

public sealed class ConnectStringTests
{
    [Fact]
    public void Parse_ReturnsHostsAndChroot_ForMultiHostWithChroot()
    {
        var cs = EnsembleConnectString.Parse("zk1:2181, zk2:2182,[::1]:2183/app/config");
        Assert.Equal([new HostEndpoint("zk1", 2181), new HostEndpoint("zk2", 2182), new HostEndpoint("::1", 2183)], cs.Hosts);
        Assert.Equal("/app/config", cs.Chroot);
        Assert.Equal("zk1:2181,zk2:2182,[::1]:2183/app/config", cs.ToString());
    }

    [Fact]
    public void Parse_DefaultsPortTo2181_WhenPortOmitted()
    {
        Assert.Equal(new HostEndpoint("zk1", 2181), EnsembleConnectString.Parse("zk1").Hosts.Single());
    }

    [Theory]
    [InlineData("h:99999", "port 99999 in 'h:99999' is out of range")]
    [InlineData("h:0", "port 0 in 'h:0' is out of range")]
    [InlineData("h:abc", "port 'abc' in 'h:abc' is not a number")]
    [InlineData("h:", "the port is missing after ':' in 'h:'")]
    [InlineData("a:1,,b:2", "host #2 is empty")]
    [InlineData(":2181", "the host name is missing in ':2181'")]
    [InlineData("h:2181/app/", "chroot '/app/' must not end with '/'")]
    [InlineData("h:2181/a//b", "contains an empty segment")]
    [InlineData("h:2181/a/../b", "relative segment '..'")]
    [InlineData("ho st:2181", "contains ' '")]
    [InlineData("::1:2181", "put an IPv6 address in brackets")]
    [InlineData("h:1,h:1", "'h:1' is listed twice")]
    [InlineData("", "ConnectString is empty")]
    public void Parse_ThrowsNamingTheBadPart_ForInvalidInput(string input, string expected)
    {
        var ex = Assert.Throws<EnsembleValidationException>(() => EnsembleConnectString.Parse(input));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeriveHosts_ReturnsHostPortsWithoutChroot()
    {
        Assert.Equal(["a:1", "b:2"], EnsembleConnectString.DeriveHosts("a:1,b:2/x"));
    }
}
