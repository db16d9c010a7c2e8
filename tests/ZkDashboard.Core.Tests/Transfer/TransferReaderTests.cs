using System.IO.Compression;
using System.Text;
using ZkDashboard.Core.Transfer;

namespace ZkDashboard.Core.Tests.Transfer;

/// <summary>Malformed import files are refused with the line, the field and what is wrong (no ensemble needed).</summary>
public sealed class TransferReaderTests
{
    private const string Head = "{\"format\":\"zkdashboard-export\",\"version\":1,\"ensemble\":\"main\",\"root\":\"/app\",\n\"nodes\":[\n";

    private static TransferFormatException Refused(string json)
        => Assert.Throws<TransferFormatException>(() => TransferReader.Read(Encoding.UTF8.GetBytes(json), "bad.json"));

    [Fact]
    public void Read_TruncatedJson_RefusedAsTruncatedWithLine()
    {
        var ex = Refused(Head + "{\"path\":\"/app\",\"encoding\":\"utf8\",\"data\":\"x\"},\n{\"path\":\"/app/a\",\"enc");
        Assert.True(ex.Message.Contains("truncated", StringComparison.Ordinal), ex.Message);
        Assert.Equal(4, ex.Line);
        Assert.Contains("Nothing was imported", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WrongType_NamesLineAndField()
    {
        var ex = Refused(Head + "{\"path\":\"/app\"},\n{\"path\":\"/app/a\",\"version\":\"three\"}]}");
        Assert.Equal(4, ex.Line);
        Assert.Equal("nodes[1].version", ex.Field);
        Assert.Equal("Line 4, position 28, field nodes[1].version: Expected a whole number, found a string. Nothing was imported; fix the file and try again.", ex.Message);
    }

    [Theory]
    [InlineData("/app/../etc", "'..' segment")]
    [InlineData("/other/x", "outside the document's root /app")]
    [InlineData("/appx", "outside the document's root /app")]
    [InlineData("app/x", "must start with /")]
    public void Read_PathEscapingTheRoot_Refused(string path, string why)
    {
        var ex = Refused(Head + "{\"path\":\"/app\"},\n{\"path\":\"" + path + "\"}]}");
        Assert.Equal("nodes[1].path", ex.Field);
        Assert.Equal(4, ex.Line);
        Assert.Contains(why, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BadBase64AndOversizedData_Refused()
    {
        var bad = Refused(Head + "{\"path\":\"/app\",\"encoding\":\"base64\",\"data\":\"%%%\"}]}");
        Assert.Equal("nodes[0].data", bad.Field);
        Assert.Contains("not valid base64", bad.Message, StringComparison.Ordinal);

        var big = Convert.ToBase64String(new byte[TransferReader.MaxDataBytes + 1]);
        var large = Refused(Head + "{\"path\":\"/app\",\"encoding\":\"base64\",\"data\":\"" + big + "\"}]}");
        Assert.Contains("1 MiB", large.Message, StringComparison.Ordinal);
        Assert.Equal(3, large.Line);
    }

    [Fact]
    public void Read_UnknownModeDuplicateAndNoFormat_Refused()
    {
        Assert.Contains("Unknown mode 'forever'", Refused(Head + "{\"path\":\"/app\",\"mode\":\"forever\"}]}").Message, StringComparison.Ordinal);
        Assert.Contains("appears twice", Refused(Head + "{\"path\":\"/app\"},{\"path\":\"/app\"}]}").Message, StringComparison.Ordinal);
        Assert.Contains("'format' is missing", Refused("{\"root\":\"/\",\"nodes\":[]}").Message, StringComparison.Ordinal);
        Assert.Contains("ZooNavigator", Refused("42").Message, StringComparison.Ordinal);
        var summary = Refused(Head + "{\"path\":\"/app\"}],\"summary\":{\"nodes\":2}}");
        Assert.Contains("incomplete", summary.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_GzipAndOrder_DecompressedAndSortedParentsFirst()
    {
        var json = Head + "{\"path\":\"/app/b\"},{\"path\":\"/app/a-b\"},{\"path\":\"/app/a/x\"},{\"path\":\"/app/a\"},{\"path\":\"/app\",\"data\":\"h\\u00e9\",\"encoding\":\"utf8\"}]}";
        using var ms = new MemoryStream();
        await using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gz.WriteAsync(Encoding.UTF8.GetBytes(json));
        }
        ms.Position = 0;
        var doc = await TransferReader.ReadAsync(ms, "x.json.gz");
        Assert.Equal(["", "/a", "/a/x", "/a-b", "/b"], doc.Nodes.Select(n => n.RelativePath));
        Assert.Equal("hé", Encoding.UTF8.GetString(doc.Nodes[0].Data));
        Assert.Equal("/app", doc.SourceRoot);
        Assert.False(doc.HasVersions);
    }

    [Fact]
    public void Read_ZooNavigatorChildOutsideItsParent_Refused()
    {
        var ex = Refused("""
            [{"h":{"acl":[],"path":"/a","data":""},"t":[{"h":{"acl":[],"path":"/b/x","data":""},"t":[]}]}]
            """);
        Assert.Contains("not a child of /a", ex.Message, StringComparison.Ordinal);
        Assert.Equal("[0].t[0].h.path", ex.Field);
    }
}
