using System.Text;
using ZkDashboard.Web.Znodes.Formats;

namespace ZkDashboard.Web.Tests.Znodes;

public sealed class PrettifierAndHexTests
{
    [Fact]
    public void Json_Indents_AndKeepsNonAsciiReadable()
    {
        var pretty = Prettifier.Json("{\"name\":\"日本\",\"list\":[1,2]}");
        Assert.Equal("{\n  \"name\": \"日本\",\n  \"list\": [\n    1,\n    2\n  ]\n}", pretty!.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Json_Invalid_ReturnsNull() => Assert.Null(Prettifier.Json("{oops"));

    [Fact]
    public void Xml_Indents_Elements()
    {
        var pretty = Prettifier.Xml("<a><b x=\"1\">t</b><c/></a>")!.Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.Equal("<a>\n  <b x=\"1\">t</b>\n  <c />\n</a>", pretty);
    }

    [Fact]
    public void HexDump_Format_ShowsOffsetHexAndAscii()
    {
        var dump = HexDump.Format(Encoding.ASCII.GetBytes("Hello, ZooKeeper!\0"));
        var lines = dump.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Equal("00000000  48 65 6c 6c 6f 2c 20 5a  6f 6f 4b 65 65 70 65 72  |Hello, ZooKeeper|", lines[0]);
        Assert.StartsWith("00000010  21 00", lines[1]);
        Assert.EndsWith("|!.|", lines[1]);
    }

    [Fact]
    public void Base64_RoundTrips()
    {
        byte[] data = [0, 1, 2, 250, 255];
        Assert.Equal(data, Convert.FromBase64String(HexDump.Base64(data)));
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(1048576, "1.0 MiB")]
    public void SizeFormatter_Format_UsesBinaryUnits(long bytes, string expected) =>
        Assert.Equal(expected, SizeFormatter.Format(bytes));

    [Fact]
    public void SizeFormatter_FormatWithBytes_ShowsExactCount() =>
        Assert.Equal("1.5 KiB (1,536 bytes)", SizeFormatter.FormatWithBytes(1536));

    [Fact]
    public void SyntaxHighlighter_Json_SeparatesKeysFromStrings()
    {
        var tokens = SyntaxHighlighter.Tokenize("{\"k\": \"v\", \"n\": 12, \"b\": true}", DataFormat.Json);
        Assert.Contains(new Token("\"k\"", TokenKind.Key), tokens);
        Assert.Contains(new Token("\"v\"", TokenKind.String), tokens);
        Assert.Contains(new Token("12", TokenKind.Number), tokens);
        Assert.Contains(new Token("true", TokenKind.Literal), tokens);
        Assert.Equal("{\"k\": \"v\", \"n\": 12, \"b\": true}", string.Concat(tokens.Select(t => t.Text)));
    }
}
