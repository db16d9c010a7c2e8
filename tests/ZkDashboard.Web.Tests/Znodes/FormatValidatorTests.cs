using ZkDashboard.Web.Znodes.Formats;

namespace ZkDashboard.Web.Tests.Znodes;

public sealed class FormatValidatorTests
{
    [Fact]
    public void ValidateJson_MissingComma_ReportsLineAndColumn()
    {
        var result = FormatValidator.ValidateJson("{\n  \"a\": 1\n  \"b\": 2\n}");
        Assert.False(result.IsValid);
        Assert.Equal(3, result.Line);
        Assert.Equal(3, result.Column);
        Assert.StartsWith("Line 3, column 3:", result.Describe());
        Assert.DoesNotContain("LineNumber", result.Message);
    }

    [Fact]
    public void ValidateJson_ColumnCountsCharactersNotBytes()
    {
        // "é" is 2 bytes in UTF-8; the error (a missing value) is the 9th character.
        var result = FormatValidator.ValidateJson("{\"é\": , }");
        Assert.False(result.IsValid);
        Assert.Equal(1, result.Line);
        Assert.Equal(7, result.Column);
    }

    [Fact]
    public void ValidateJson_Valid_IsValid() => Assert.True(FormatValidator.ValidateJson("{\"a\":[1,2]}").IsValid);

    [Fact]
    public void ValidateYaml_BadIndentation_ReportsLine()
    {
        var result = FormatValidator.ValidateYaml("a:\n  b: 1\n c: 2\n");
        Assert.False(result.IsValid);
        Assert.Equal(3, result.Line);
        Assert.NotNull(result.Column);
        Assert.DoesNotContain("(Line:", result.Message);
    }

    [Fact]
    public void ValidateYaml_Valid_IsValid() => Assert.True(FormatValidator.ValidateYaml("a:\n  b: [1, 2]\n").IsValid);

    [Fact]
    public void ValidateXml_UnclosedTag_ReportsLineAndColumn()
    {
        var result = FormatValidator.ValidateXml("<a>\n  <b>\n</a>");
        Assert.False(result.IsValid);
        Assert.Equal(3, result.Line);
        Assert.Equal(3, result.Column);
    }

    [Fact]
    public void ValidateXml_Dtd_IsRefused()
    {
        var result = FormatValidator.ValidateXml("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>");
        Assert.False(result.IsValid);
        Assert.Contains("DTD", result.Message);
    }

    [Fact]
    public void Validate_TextFormat_IsAlwaysValid() =>
        Assert.True(FormatValidator.Validate("{{{", DataFormat.Text).IsValid);
}
