using System.Text;
using ZkDashboard.Web.Znodes.Formats;

namespace ZkDashboard.Web.Tests.Znodes;

public sealed class FormatDetectorTests
{
    private static DataFormat Detect(string text) => FormatDetector.Detect(Encoding.UTF8.GetBytes(text)).Format;

    [Theory]
    [InlineData("{\"a\":1,\"b\":[true,null]}", DataFormat.Json)]
    [InlineData("  [1, 2, 3]\n", DataFormat.Json)]
    [InlineData("<?xml version=\"1.0\"?><config><a x=\"1\"/></config>", DataFormat.Xml)]
    [InlineData("<root><child>text</child></root>", DataFormat.Xml)]
    [InlineData("# comment\nserver.port=8080\nname = demo\n", DataFormat.Properties)]
    [InlineData("server:\n  port: 8080\n  hosts:\n    - a\n    - b\n", DataFormat.Yaml)]
    [InlineData("- one\n- two\n", DataFormat.Yaml)]
    [InlineData("hello world", DataFormat.Text)]
    [InlineData("12345", DataFormat.Text)]
    [InlineData("{not json", DataFormat.Text)]
    [InlineData("<img src=x onerror=alert(1)>", DataFormat.Text)]
    [InlineData("日本語のテキスト", DataFormat.Text)]
    public void Detect_ClassifiesText_ByContent(string text, DataFormat expected) => Assert.Equal(expected, Detect(text));

    [Fact]
    public void Detect_Empty_IsEmpty() => Assert.Equal(DataFormat.Empty, FormatDetector.Detect([]).Format);

    [Fact]
    public void Detect_InvalidUtf8_IsBinaryWithOffset()
    {
        var result = FormatDetector.Detect([0x41, 0x42, 0xC3, 0x28]);
        Assert.Equal(DataFormat.Binary, result.Format);
        Assert.Null(result.Text);
        Assert.Contains("invalid UTF-8", result.BinaryReason);
    }

    [Fact]
    public void Detect_ControlByte_IsBinaryNamingTheByte()
    {
        var result = FormatDetector.Detect([0x68, 0x69, 0x00, 0x01]);
        Assert.Equal(DataFormat.Binary, result.Format);
        Assert.Equal("control byte 0x00 at offset 2", result.BinaryReason);
    }

    [Fact]
    public void Detect_TabsAndNewlines_AreText() =>
        Assert.Equal(DataFormat.Text, Detect("a\tb\r\nc\n"));

    [Fact]
    public void Detect_Bom_IsRemovedAndReported()
    {
        var result = FormatDetector.Detect([0xEF, 0xBB, 0xBF, (byte)'{', (byte)'}']);
        Assert.True(result.HasByteOrderMark);
        Assert.Equal(DataFormat.Json, result.Format);
        Assert.Equal("{}", result.Text);
    }
}
