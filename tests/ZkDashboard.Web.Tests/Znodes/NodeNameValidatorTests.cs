using ZkDashboard.Web.Znodes.Naming;

namespace ZkDashboard.Web.Tests.Znodes;

public sealed class NodeNameValidatorTests
{
    [Theory]
    [InlineData("config")]
    [InlineData("lock-")]
    [InlineData("日本語")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("with space")]
    [InlineData("...")]
    public void ValidateName_AllowedNames_AreValid(string name) => Assert.Null(NodeNameValidator.ValidateName(name));

    [Theory]
    [InlineData("a\u0000b", "U+0000 (null character)")]
    [InlineData("bell\u0007", "U+0007 (control character)")]
    [InlineData("x\u0085", "U+0085 (control character)")]
    [InlineData("emoji\ud83d\ude00", "U+D83D (surrogate")]
    [InlineData("p\ue000", "U+E000 (private-use character)")]
    [InlineData("z\ufff0", "U+FFF0 (reserved character)")]
    public void ValidateName_ForbiddenCharacter_IsNamed(string name, string expected)
    {
        var error = NodeNameValidator.ValidateName(name);
        Assert.NotNull(error);
        Assert.Contains(expected, error);
        Assert.Contains("position", error);
    }

    [Theory]
    [InlineData("", "Enter a name")]
    [InlineData("a/b", "cannot contain '/'")]
    [InlineData(".", "not allowed")]
    [InlineData("..", "not allowed")]
    public void ValidateName_BadShape_Explains(string name, string expected) =>
        Assert.Contains(expected, NodeNameValidator.ValidateName(name));

    [Fact]
    public void ValidateName_EmptySequentialPrefix_IsAllowed() =>
        Assert.Null(NodeNameValidator.ValidateName("", sequential: true));

    [Theory]
    [InlineData("/", null)]
    [InlineData("/a/b", null)]
    [InlineData("a/b", "must start with '/'")]
    [InlineData("/a//b", "Empty segment")]
    [InlineData("/a/", "must not end with '/'")]
    [InlineData("/a/./b", "'.'")]
    [InlineData("/a/../b", "'..'")]
    [InlineData("/a/b\u0001", "U+0001")]
    public void ValidatePath_FollowsPathUtils(string path, string? expected)
    {
        var error = NodeNameValidator.ValidatePath(path);
        if (expected is null)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.Contains(expected, error);
        }
    }

    [Fact]
    public void ValidatePath_SequentialMayEndWithSlash() =>
        Assert.Null(NodeNameValidator.ValidatePath("/queue/", sequential: true));
}

public sealed class NodeNameValidatorAgreementTests
{
    [Fact]
    public void ValidateName_AgreesWithClientPathUtils_OnRandomNames()
    {
        var random = new Random(7);
        char[] alphabet = ['a', 'Z', '.', '-', ' ', '\u0000', '\u0001', '\u001f', '\u007f', '\u0085', '\u00a0', '\ud800', '\ue000', '\uf8ff', '\uf900', '\ufff0', '\uffff', '日'];
        for (var i = 0; i < 2000; i++)
        {
            var name = new string(Enumerable.Range(0, random.Next(1, 5)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            var mine = ZkDashboard.Web.Znodes.Naming.NodeNameValidator.ValidateName(name);
            var client = ZkDashboard.ZooKeeper.PathUtils.GetError("/" + name);
            Assert.True((mine is null) == (client is null), $"'{name}' ({string.Join(" ", name.Select(c => ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)))}): mine={mine} client={client}");
        }
    }
}
