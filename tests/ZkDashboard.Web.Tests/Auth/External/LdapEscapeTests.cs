using ZkDashboard.Web.Auth.External;

namespace ZkDashboard.Web.Tests.Auth.External;

public sealed class LdapEscapeTests
{
    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("*)(uid=*", @"\2a\29\28uid=\2a")]
    [InlineData("a\\b\0", @"a\5cb\00")]
    [InlineData("é", @"\c3\a9")]
    public void FilterValue_EscapesRfc4515Characters(string value, string expected) =>
        Assert.Equal(expected, LdapEscape.FilterValue(value));

    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("a,b+c=d", @"a\,b\+c\=d")]
    [InlineData(" #x ", @"\ #x\ ")]
    public void DnValue_EscapesRfc4514Characters(string value, string expected) =>
        Assert.Equal(expected, LdapEscape.DnValue(value));

    [Theory]
    [InlineData("cn=admins,ou=groups,dc=x", "admins")]
    [InlineData(@"cn=ops\, eu,ou=groups,dc=x", "ops, eu")]
    [InlineData(@"CN=caf\c3\a9,dc=x", "café")]
    [InlineData("ou=admins,dc=x", null)]
    public void FirstRdnValue_ReadsTheGroupName(string dn, string? expected) =>
        Assert.Equal(expected, LdapEscape.FirstRdnValue(dn, "cn"));
}
