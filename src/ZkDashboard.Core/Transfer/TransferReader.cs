using System.Buffers;
using System.IO.Compression;
using System.Text.Json;

namespace ZkDashboard.Core.Transfer;

/// <summary>
/// Reads an import file (ZkDashboard's document or ZooNavigator's export JSON, plain or gzip) and checks every field.
/// Any problem is a <see cref="TransferFormatException"/> with the line, the position and the field. Node paths
/// must lie under the document's root (no <c>..</c>, no absolute path elsewhere); data is at most 1 MiB.
/// </summary>
public static partial class TransferReader
{
    /// <summary>Largest data of one node (ZooKeeper's default jute.maxbuffer).</summary>
    public const int MaxDataBytes = 1024 * 1024;

    /// <summary>Largest file read (after decompression).</summary>
    public const long MaxFileBytes = 512L * 1024 * 1024;

    /// <summary>Reads a whole file (gzip is recognized by its magic bytes).</summary>
    public static async Task<TransferDocument> ReadAsync(Stream input, string? fileName, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var buffered = new MemoryStream();
        await CopyBoundedAsync(input, buffered, ct).ConfigureAwait(false);
        var bytes = buffered.GetBuffer().AsMemory(0, (int)buffered.Length);
        if (bytes.Length >= 2 && bytes.Span[0] == 0x1f && bytes.Span[1] == 0x8b)
        {
            var unzipped = new MemoryStream();
            try
            {
                await using var gz = new GZipStream(new MemoryStream(buffered.GetBuffer(), 0, (int)buffered.Length), CompressionMode.Decompress);
                await CopyBoundedAsync(gz, unzipped, ct).ConfigureAwait(false);
            }
            catch (InvalidDataException ex)
            {
                throw new TransferFormatException($"The file starts like gzip but does not decompress ({ex.Message}).", 0, 0, null);
            }
            bytes = unzipped.GetBuffer().AsMemory(0, (int)unzipped.Length);
        }
        return Read(bytes.Span, fileName);
    }

    private static async Task CopyBoundedAsync(Stream from, Stream to, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int n;
            while ((n = await from.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                if (to.Length + n > MaxFileBytes)
                {
                    throw new TransferFormatException($"The file is larger than {MaxFileBytes / (1024 * 1024)} MiB; split the export into smaller subtrees.", 0, 0, null);
                }
                await to.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads a document from its bytes (not compressed).</summary>
    public static TransferDocument Read(ReadOnlySpan<byte> utf8, string? fileName)
    {
        var state = new ParseState(utf8.Length);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 4096, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false });
        try
        {
            if (!reader.Read())
            {
                throw new TransferFormatException("The file is empty; expected an export document.", 0, 0, null);
            }
            var doc = reader.TokenType switch
            {
                JsonTokenType.StartObject => ReadZkDashboard(ref reader, utf8, state),
                JsonTokenType.StartArray => ReadZooNavigator(ref reader, utf8, state),
                _ => throw state.Error(utf8, reader, "Expected a ZkDashboard export (a JSON object) or a ZooNavigator export (a JSON array).", null),
            };
            if (reader.Read())
            {
                throw state.Error(utf8, reader, "Unexpected content after the end of the document.", null);
            }
            return doc with { FileName = fileName };
        }
        catch (JsonException ex)
        {
            var line = (ex.LineNumber ?? -1) + 1;
            var pos = (ex.BytePositionInLine ?? -1) + 1;
            var truncated = ex.Message.Contains("depth to be zero", StringComparison.Ordinal) || ex.Message.Contains("reached end of data", StringComparison.Ordinal)
                || ex.Message.Contains("end of the JSON payload", StringComparison.Ordinal);
            throw new TransferFormatException(truncated
                ? "The file ends in the middle of the document (it is truncated, or a bracket is missing)."
                : $"This is not valid JSON ({ex.Message.Split(" LineNumber", 2)[0]})", line, pos, state.Field);
        }
    }

    /// <summary>Tracks the line of the reader's position (bytes are scanned once, forward).</summary>
    private sealed class ParseState(int length)
    {
        private long _scanned;
        private long _line = 1;
        private long _lineStart;
        public int Length { get; } = length;
        public string? Field { get; set; }
        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);

        public (long Line, long Position) Locate(ReadOnlySpan<byte> utf8, long index)
        {
            index = Math.Min(index, utf8.Length);
            if (index < _scanned)
            {
                _scanned = 0;
                _line = 1;
                _lineStart = 0;
            }
            for (var i = _scanned; i < index; i++)
            {
                if (utf8[(int)i] == (byte)'\n')
                {
                    _line++;
                    _lineStart = i + 1;
                }
            }
            _scanned = index;
            return (_line, index - _lineStart + 1);
        }

        public TransferFormatException Error(ReadOnlySpan<byte> utf8, in Utf8JsonReader reader, string message, string? field)
        {
            var (line, pos) = Locate(utf8, reader.TokenStartIndex);
            return new TransferFormatException(message, line, pos, field ?? Field);
        }
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new JsonException("Expected depth to be zero at the end of the JSON payload.");
        }
        return reader.TokenType;
    }

    private static string PropertyName(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ParseState state, string field)
        => reader.TokenType == JsonTokenType.PropertyName ? reader.GetString()! : throw state.Error(utf8, reader, $"Expected a field name, found {Describe(reader.TokenType)}.", field);

    private static void Expect(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ParseState state, JsonTokenType type, string field, string what)
    {
        if (reader.TokenType != type)
        {
            throw state.Error(utf8, reader, $"Expected {what}, found {Describe(reader.TokenType)}.", field);
        }
    }

    private static string String(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ParseState state, string field)
        => reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw state.Error(utf8, reader, $"Expected a string, found {Describe(reader.TokenType)}.", field);

    private static bool Bool(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ParseState state, string field)
        => reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => throw state.Error(utf8, reader, $"Expected true or false, found {Describe(reader.TokenType)}.", field),
        };

    private static int Int(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ParseState state, string field)
        => reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var v) ? v
            : throw state.Error(utf8, reader, $"Expected a whole number, found {Describe(reader.TokenType)}.", field);

    private static long Long(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ParseState state, string field)
        => reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var v) ? v
            : throw state.Error(utf8, reader, $"Expected a whole number, found {Describe(reader.TokenType)}.", field);

    private static byte[] Utf8Bytes(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            return reader.ValueSpan.ToArray();
        }
        var buffer = new byte[reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length];
        var n = reader.CopyString(buffer);
        return buffer.AsSpan(0, n).ToArray();
    }

    private static byte[] Base64(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ParseState state, string field)
    {
        try
        {
            return reader.GetBytesFromBase64();
        }
        catch (FormatException)
        {
            throw state.Error(utf8, reader, "The data is declared base64 but is not valid base64.", field);
        }
    }

    private static string Describe(JsonTokenType t) => t switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.EndArray => "the end of an array",
        JsonTokenType.EndObject => "the end of an object",
        _ => t.ToString(),
    };
}
