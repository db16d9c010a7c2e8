namespace ZkDashboard.ZooKeeper.Tests.Unit;

public sealed class PathUtilsTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/a")]
    [InlineData("/a/b-c_d.e")]
    [InlineData("/a/...")]
    [InlineData("/a/.b")]
    [InlineData("/zookeeper/config")]
    [InlineData("/é/日本")]
    public void Validate_Accepts_ValidPaths(string path)
    {
        PathUtils.Validate(path);
        Assert.True(PathUtils.IsValid(path));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a/b", "must start with /")]
    [InlineData("/a/", "must not end with /")]
    [InlineData("/a//b", "empty node name")]
    [InlineData("/a/./b", "'.' segment")]
    [InlineData("/a/..", "'..' segment")]
    [InlineData("/..", "'..' segment")]
    [InlineData("/.", "'.' segment")]
    [InlineData("/a\0b", "U+0000")]
    [InlineData("/a\u0001", "U+0001")]
    [InlineData("/a\u007f", "U+007F")]
    [InlineData("/a\u009f", "U+009F")]
    [InlineData("/a\ue000", "U+E000")]
    [InlineData("/a\ufff5", "U+FFF5")]
    public void Validate_Refuses_InvalidPaths_NamingTheProblem(string path, string expected)
    {
        var ex = Assert.Throws<InvalidPathException>(() => PathUtils.Validate(path));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal(path, ex.Path);
        Assert.False(PathUtils.IsValid(path));
    }

    [Fact]
    public void Validate_Refuses_Emoji_NamingTheSurrogate()
    {
        var ex = Assert.Throws<InvalidPathException>(() => PathUtils.Validate("/a😀"));
        Assert.Contains("U+D83D", ex.Message, StringComparison.Ordinal);
        Assert.Contains("surrogate", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Refuses_Null() => Assert.Throws<InvalidPathException>(() => PathUtils.Validate(null));

    [Fact]
    public void Validate_AllowsTrailingSlash_ForSequential()
    {
        PathUtils.Validate("/q/", isSequential: true);
        Assert.Throws<InvalidPathException>(() => PathUtils.Validate("/q/", isSequential: false));
    }

    [Theory]
    [InlineData("/", "a", "/a")]
    [InlineData("/a", "b", "/a/b")]
    [InlineData("/a/", "b", "/a/b")]
    public void Join_JoinsParentAndChild(string parent, string child, string expected) => Assert.Equal(expected, PathUtils.Join(parent, child));

    [Theory]
    [InlineData("/a/b", "/a", "b")]
    [InlineData("/a", "/", "a")]
    [InlineData("/", "/", "")]
    public void ParentAndName_SplitPath(string path, string parent, string name)
    {
        Assert.Equal(parent, PathUtils.Parent(path));
        Assert.Equal(name, PathUtils.Name(path));
    }
}
