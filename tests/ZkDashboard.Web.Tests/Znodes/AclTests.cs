using ZkDashboard.ZooKeeper;
using System.Net;
using ZkDashboard.Web.Znodes.Acl;

namespace ZkDashboard.Web.Tests.Znodes;

public sealed class AclTests
{
    // digest id of alice:secret, computed as ZooKeeper does: base64(sha1("alice:secret")).
    private const string AliceDigest = "alice:aYXlLOpEooaV1cRAvUL1fp9Qt7E=";

    [Fact]
    public void Parse_ZkCliSyntax_ReadsEveryEntry()
    {
        var result = AclParser.Parse("world:anyone:r,digest:" + AliceDigest + ":cdrwa,ip:10.0.0.0/8:rw");
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(
        [
            new AclEntry("world", "anyone", Perms.Read),
            new AclEntry("digest", AliceDigest, Perms.All),
            new AclEntry("ip", "10.0.0.0/8", Perms.Read | Perms.Write),
        ], result.Entries);
    }

    [Fact]
    public void Parse_Ipv6_UsesFirstAndLastColon()
    {
        var result = AclParser.Parse("ip:2001:db8::/32:r");
        var entry = Assert.Single(result.Entries);
        Assert.Equal("2001:db8::/32", entry.Id);
    }

    [Fact]
    public void Parse_X509DistinguishedNameWithCommas_StaysOneEntry()
    {
        var result = AclParser.Parse("x509:CN=app,O=Example,C=DE:cdrwa,world:anyone:r");
        Assert.True(result.IsValid);
        Assert.Equal("CN=app,O=Example,C=DE", result.Entries[0].Id);
        Assert.Equal(2, result.Entries.Count);
    }

    [Fact]
    public void Parse_UnknownPermissionLetter_NamesTheLetter()
    {
        var result = AclParser.Parse("world:anyone:rx");
        var error = Assert.Single(result.Errors);
        Assert.Contains("'x'", error.Message);
        Assert.Contains("c=Create", error.Message);
    }

    [Theory]
    [InlineData("world:everyone:r", "only has the id 'anyone'")]
    [InlineData("digest:alice:secret:r", "'secret' is not a digest hash")]
    [InlineData("digest:alice:r", "user:hash")]
    [InlineData("ip:10.0.0.0/33:r", "from 0 to 32")]
    [InlineData("ip:2001:db8::/129:r", "from 0 to 128")]
    [InlineData("ip:10.0.0:r", "not an IPv4 or IPv6 address")]
    [InlineData("ip:host.example.com:r", "not an IPv4 or IPv6 address")]
    [InlineData("sasl::r", "needs a principal")]
    [InlineData("x509::r", "distinguished name")]
    [InlineData("kerberos:bob:r", "unknown scheme 'kerberos'")]
    [InlineData("world:anyone:", "grants no permission")]
    [InlineData("anyone", "scheme:id:perms")]
    public void Parse_InvalidEntry_ExplainsWhatIsWrong(string text, string expected)
    {
        var result = AclParser.Parse(text);
        Assert.False(result.IsValid);
        Assert.Contains(expected, Assert.Single(result.Errors).Message);
    }

    [Fact]
    public void Parse_Empty_SaysTheAclIsEmpty() =>
        Assert.Contains("empty", Assert.Single(AclParser.Parse("  ").Errors).Message);

    [Fact]
    public void Parse_AuthWithEmptyId_IsValid() =>
        Assert.True(AclParser.Parse("auth::cdrwa").IsValid);

    [Fact]
    public void Format_RoundTrips()
    {
        const string text = "world:anyone:cdrwa,ip:127.0.0.1:r";
        Assert.Equal(text, AclParser.Format(AclParser.Parse(text).Entries));
    }

    [Fact]
    public void PermissionText_LettersAndWords()
    {
        Assert.Equal("cdrwa", AclPermissionText.Letters(Perms.All));
        Assert.Equal("rw", AclPermissionText.Letters(Perms.Write | Perms.Read));
        Assert.Equal("Read, Admin", AclPermissionText.Words(Perms.Admin | Perms.Read));
        Assert.Equal("None", AclPermissionText.Words(Perms.None));
    }

    [Fact]
    public void DigestHelper_MatchesZooKeeperDigest()
    {
        // Same algorithm as DigestAuthenticationProvider.generateDigest("alice:secret").
        Assert.Equal(AliceDigest, DigestHelper.ComputeId("alice", "secret"));
        Assert.Null(AclValidator.ValidateDigestId(DigestHelper.ComputeId("bob", "pässwörd")));
    }

    [Fact]
    public void DigestHelper_UserWithColon_IsRefused() =>
        Assert.Throws<ArgumentException>(() => DigestHelper.ComputeId("a:b", "x"));

    [Fact]
    public void CidrContains_MatchesNetworks()
    {
        Assert.True(AclValidator.CidrContains("127.0.0.0/8", IPAddress.Parse("127.0.0.1")));
        Assert.False(AclValidator.CidrContains("10.0.0.0/8", IPAddress.Parse("127.0.0.1")));
        Assert.True(AclValidator.CidrContains("2001:db8::/32", IPAddress.Parse("2001:db8::1")));
        Assert.True(AclValidator.CidrContains("192.168.1.0/25", IPAddress.Parse("192.168.1.127")));
        Assert.False(AclValidator.CidrContains("192.168.1.0/25", IPAddress.Parse("192.168.1.128")));
    }

    [Fact]
    public void Lockout_AclWithoutDashboardIdentity_Warns()
    {
        var ids = DashboardIdentities.FromDigestIds([AliceDigest]);
        var acl = AclParser.Parse("digest:" + DigestHelper.ComputeId("bob", "x") + ":cdrwa,ip:10.0.0.0/8:cdrwa").Entries;
        var result = AclLockoutCheck.Assess(acl, ids);
        Assert.True(result.LosesRead);
        Assert.True(result.LosesAdmin);
        Assert.Contains("Read and Admin", result.Warning);
        Assert.Contains(AliceDigest, result.Warning);
    }

    [Fact]
    public void Lockout_ReadViaWorldAdminViaDigest_IsFine()
    {
        var ids = DashboardIdentities.FromDigestIds([AliceDigest]);
        var acl = AclParser.Parse("world:anyone:r,digest:" + AliceDigest + ":a").Entries;
        var result = AclLockoutCheck.Assess(acl, ids);
        Assert.False(result.LocksOut);
        Assert.Null(result.Warning);
    }

    [Fact]
    public void Lockout_LoopbackIpEntry_CountsForTheDashboard()
    {
        var ids = DashboardIdentities.FromDigestIds([]);
        var result = AclLockoutCheck.Assess(AclParser.Parse("ip:127.0.0.1:ra").Entries, ids);
        Assert.False(result.LocksOut);
    }

    [Fact]
    public void Lockout_ReadOnlyWorld_LosesAdminOnly()
    {
        var result = AclLockoutCheck.Assess([AclEntry.WorldAnyone(Perms.Read)], DashboardIdentities.FromDigestIds([]));
        Assert.False(result.LosesRead);
        Assert.True(result.LosesAdmin);
        Assert.Contains("Admin", result.Warning);
    }

    [Fact]
    public void Lockout_AuthScheme_MatchesOnlyWhenAuthenticated()
    {
        var acl = AclParser.Parse("auth::cdrwa").Entries;
        Assert.False(AclLockoutCheck.Assess(acl, DashboardIdentities.FromDigestIds([AliceDigest])).LocksOut);
        Assert.True(AclLockoutCheck.Assess(acl, DashboardIdentities.FromDigestIds([])).LocksOut);
    }
}
