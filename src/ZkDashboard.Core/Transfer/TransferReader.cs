using System.Buffers;
using System.IO.Compression;
using System.Text.Json;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Core.Transfer;

/// <summary>
/// Reads an import file (ZkDashboard's document or ZooNavigator's export JSON, plain or gzip) and checks every field.
/// Any problem is a <see cref="TransferFormatException"/> with the line, the position and the field. Node paths
/// must lie under the document's root (no <c>..</c>, no absolute path elsewhere); data is at most 1 MiB.
/// </summary>
public static class TransferReader
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

    private static TransferDocument ReadZkDashboard(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ParseState state)
    {
        string? format = null;
        string? ensemble = null;
        string? root = null;
        var nodes = new List<TransferNode>();
        var hasVersions = false;
        long? summaryNodes = null;
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var name = PropertyName(ref reader, utf8, state, "");
            reader.Read();
            state.Field = name;
            switch (name)
            {
                case "format":
                    format = String(ref reader, utf8, state, name);
                    if (format != TransferWriter.FormatName)
                    {
                        throw state.Error(utf8, reader, $"Unknown format '{format}'; expected '{TransferWriter.FormatName}'.", name);
                    }
                    break;
                case "version":
                    var v = Int(ref reader, utf8, state, name);
                    if (v != 1)
                    {
                        throw state.Error(utf8, reader, $"Version {v} of the format is not known; this dashboard reads version 1.", name);
                    }
                    break;
                case "ensemble":
                    ensemble = String(ref reader, utf8, state, name);
                    break;
                case "root":
                    root = String(ref reader, utf8, state, name);
                    if (PathUtils.GetError(root) is { } rootError)
                    {
                        throw state.Error(utf8, reader, $"The root '{root}' is not a valid ZooKeeper path: {rootError}.", name);
                    }
                    break;
                case "nodes":
                    if (root is null)
                    {
                        throw state.Error(utf8, reader, "The field 'root' must come before 'nodes'.", "root");
                    }
                    Expect(ref reader, utf8, state, JsonTokenType.StartArray, name, "an array of nodes");
                    var i = 0;
                    while (Next(ref reader) != JsonTokenType.EndArray)
                    {
                        var node = ReadNode(ref reader, utf8, state, root, $"nodes[{i}]");
                        hasVersions |= node.Version is not null;
                        nodes.Add(node);
                        i++;
                    }
                    break;
                case "summary":
                    Expect(ref reader, utf8, state, JsonTokenType.StartObject, name, "an object");
                    while (Next(ref reader) != JsonTokenType.EndObject)
                    {
                        var sname = PropertyName(ref reader, utf8, state, name);
                        reader.Read();
                        if (sname == "nodes")
                        {
                            summaryNodes = Int(ref reader, utf8, state, "summary.nodes");
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (format is null)
        {
            throw new TransferFormatException($"The field 'format' is missing; a ZkDashboard export has \"format\": \"{TransferWriter.FormatName}\".", 1, 1, "format");
        }
        if (root is null)
        {
            throw new TransferFormatException("The field 'root' is missing.", 1, 1, "root");
        }
        if (summaryNodes is { } sn && sn != nodes.Count)
        {
            throw new TransferFormatException($"The summary says {sn} node(s) but the file holds {nodes.Count}; the file is incomplete or was edited.", 0, 0, "summary.nodes");
        }
        nodes.Sort((a, b) => TransferPaths.Compare(a.RelativePath, b.RelativePath));
        return new TransferDocument(TransferFormat.ZkDashboard, ensemble, root, nodes, hasVersions);
    }

    private static TransferNode ReadNode(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ParseState state, string root, string field)
    {
        Expect(ref reader, utf8, state, JsonTokenType.StartObject, field, "a node object");
        string? path = null;
        string? relative = null;
        string? encoding = null;
        byte[]? data = null;
        long dataIndex = 0;
        IReadOnlyList<Acl>? acl = null;
        var mode = CreateMode.Persistent;
        long ttl = 0;
        int? version = null;
        int? aclVersion = null;
        Stat? stat = null;
        var hidden = false;
        var masked = false;
        var start = reader.TokenStartIndex;
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var name = PropertyName(ref reader, utf8, state, field);
            reader.Read();
            var f = $"{field}.{name}";
            state.Field = f;
            switch (name)
            {
                case "path":
                    path = String(ref reader, utf8, state, f);
                    relative = CheckPath(ref reader, utf8, state, f, root, path);
                    break;
                case "hidden":
                    hidden = Bool(ref reader, utf8, state, f);
                    break;
                case "masked":
                    masked = Bool(ref reader, utf8, state, f);
                    break;
                case "encoding":
                    encoding = String(ref reader, utf8, state, f);
                    if (encoding is not ("utf8" or "base64"))
                    {
                        throw state.Error(utf8, reader, $"Unknown encoding '{encoding}'; use \"utf8\" or \"base64\".", f);
                    }
                    break;
                case "data":
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw state.Error(utf8, reader, $"Expected a string, found {Describe(reader.TokenType)}.", f);
                    }
                    // Kept as text; decoded once the node is read ("encoding" may come after "data").
                    dataIndex = reader.TokenStartIndex;
                    data = Utf8Bytes(ref reader);
                    break;
                case "acl":
                    acl = ReadAcl(ref reader, utf8, state, f);
                    break;
                case "mode":
                    var m = String(ref reader, utf8, state, f);
                    mode = TransferModes.Parse(m) ?? throw state.Error(utf8, reader,
                        $"Unknown mode '{m}'; use persistent, ephemeral, persistent_sequential, ephemeral_sequential, container, persistent_ttl or persistent_sequential_ttl.", f);
                    break;
                case "ttlMs":
                    ttl = Long(ref reader, utf8, state, f);
                    if (ttl < 0 || ttl > ZooKeeperClient.MaxTtl)
                    {
                        throw state.Error(utf8, reader, $"The TTL {ttl} is outside 0..{ZooKeeperClient.MaxTtl} ms.", f);
                    }
                    break;
                case "version":
                    version = Int(ref reader, utf8, state, f);
                    break;
                case "aclVersion":
                    aclVersion = Int(ref reader, utf8, state, f);
                    break;
                case "stat":
                    stat = ReadStat(ref reader, utf8, state, f);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (path is null || relative is null)
        {
            var (line, pos) = state.Locate(utf8, start);
            throw new TransferFormatException("The node has no 'path'.", line, pos, $"{field}.path");
        }
        if (encoding == "base64" && data is not null)
        {
            var decoded = new byte[System.Buffers.Text.Base64.GetMaxDecodedFromUtf8Length(data.Length)];
            if (System.Buffers.Text.Base64.DecodeFromUtf8(data, decoded, out _, out var written) != OperationStatus.Done)
            {
                var (line, pos) = state.Locate(utf8, dataIndex);
                throw new TransferFormatException($"The data of {path} is declared base64 but is not valid base64.", line, pos, $"{field}.data");
            }
            data = decoded.AsSpan(0, written).ToArray();
        }
        if (data is { Length: > MaxDataBytes })
        {
            var (line, pos) = state.Locate(utf8, dataIndex);
            throw new TransferFormatException($"The data of {path} is {data.Length:N0} bytes; ZooKeeper takes at most {MaxDataBytes:N0} (1 MiB).", line, pos, $"{field}.data");
        }
        if (!state.Seen.Add(relative))
        {
            var (line, pos) = state.Locate(utf8, start);
            throw new TransferFormatException($"The path {path} appears twice.", line, pos, $"{field}.path");
        }
        return new TransferNode(relative, data ?? [], hidden ? null : acl, mode, ttl, version, aclVersion, stat) { Hidden = hidden, DataMasked = masked };
    }

    private static string CheckPath(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ParseState state, string field, string root, string path)
    {
        if (PathUtils.GetError(path) is { } error)
        {
            throw state.Error(utf8, reader, $"'{path}' is not a valid ZooKeeper path: {error}. Paths must be absolute and under the document's root {root}; '..' may not escape it.", field);
        }
        return TransferPaths.Relative(root, path)
            ?? throw state.Error(utf8, reader, $"'{path}' is outside the document's root {root}: it would escape the import target. Every path must be {root} or below it.", field);
    }

    private static IReadOnlyList<Acl> ReadAcl(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ParseState state, string field)
    {
        Expect(ref reader, utf8, state, JsonTokenType.StartArray, field, "an array of ACL entries");
        var list = new List<Acl>();
        var i = 0;
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            var f = $"{field}[{i}]";
            Expect(ref reader, utf8, state, JsonTokenType.StartObject, f, "an ACL entry {\"scheme\", \"id\", \"perms\"}");
            string? scheme = null;
            string? id = null;
            Perms? perms = null;
            while (Next(ref reader) != JsonTokenType.EndObject)
            {
                var name = PropertyName(ref reader, utf8, state, f);
                reader.Read();
                switch (name)
                {
                    case "scheme":
                        scheme = String(ref reader, utf8, state, $"{f}.scheme");
                        break;
                    case "id":
                        id = String(ref reader, utf8, state, $"{f}.id");
                        break;
                    case "perms":
                        var letters = String(ref reader, utf8, state, $"{f}.perms");
                        perms = TransferAcl.ParseLetters(letters) ?? throw state.Error(utf8, reader, $"'{letters}' is not a set of permission letters (c, d, r, w, a).", $"{f}.perms");
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            if (scheme is null || id is null || perms is null)
            {
                throw state.Error(utf8, reader, "An ACL entry needs \"scheme\", \"id\" and \"perms\".", f);
            }
            list.Add(new Acl(perms.Value, new Id(scheme, id)));
            i++;
        }
        if (list.Count == 0)
        {
            throw state.Error(utf8, reader, "The ACL is empty; ZooKeeper needs at least one entry (for example world:anyone:r).", field);
        }
        return list;
    }

    private static Stat ReadStat(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ParseState state, string field)
    {
        Expect(ref reader, utf8, state, JsonTokenType.StartObject, field, "a stat object");
        var v = new Dictionary<string, long>(StringComparer.Ordinal);
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var name = PropertyName(ref reader, utf8, state, field);
            reader.Read();
            v[name] = Long(ref reader, utf8, state, $"{field}.{name}");
        }
        long G(string k) => v.TryGetValue(k, out var x) ? x : 0;
        return new Stat(G("czxid"), G("mzxid"), G("ctime"), G("mtime"), (int)G("version"), (int)G("cversion"), (int)G("aversion"),
            G("ephemeralOwner"), (int)G("dataLength"), (int)G("numChildren"), G("pzxid"));
    }

    /// <summary>ZooNavigator: <c>[{"h":{"acl":[…],"path":"/a","data":"base64"},"t":[…]}]</c>.</summary>
    private static TransferDocument ReadZooNavigator(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ParseState state)
    {
        var heads = new List<(TransferNode Node, string Path, List<TransferNode> Below)>();
        var i = 0;
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            var below = new List<TransferNode>();
            var (head, headPath) = ReadTree(ref reader, utf8, state, $"[{i}]", null, below);
            heads.Add((head, headPath, below));
            i++;
        }
        if (heads.Count == 0)
        {
            return new TransferDocument(TransferFormat.ZooNavigator, null, "/", [], false);
        }
        var nodes = new List<TransferNode>();
        string root;
        if (heads.Count == 1)
        {
            root = heads[0].Path;
            nodes.Add(heads[0].Node with { RelativePath = "" });
            nodes.AddRange(heads[0].Below);
        }
        else
        {
            // Several trees (several nodes selected in ZooNavigator): siblings under a common parent.
            root = PathUtils.Parent(heads[0].Path);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (head, path, below) in heads)
            {
                var name = "/" + PathUtils.Name(path);
                if (!seen.Add(name))
                {
                    throw new TransferFormatException($"Two trees are named {name[1..]}; they would land on the same node.", 0, 0, "[].h.path");
                }
                nodes.Add(head with { RelativePath = name });
                nodes.AddRange(below.Select(n => n with { RelativePath = name + n.RelativePath }));
            }
        }
        nodes.Sort((a, b) => TransferPaths.Compare(a.RelativePath, b.RelativePath));
        return new TransferDocument(TransferFormat.ZooNavigator, null, root, nodes, false);
    }

    /// <summary>One tree; descendants go to <paramref name="below"/> relative to the tree's head.</summary>
    private static (TransferNode Head, string Path) ReadTree(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ParseState state, string field,
        (string HeadPath, string ParentPath, string ParentRelative)? under, List<TransferNode> below)
    {
        Expect(ref reader, utf8, state, JsonTokenType.StartObject, field, "a tree {\"h\": node, \"t\": [children]}");
        TransferNode? head = null;
        string? headPath = null;
        string? relative = null;
        var sawChildren = false;
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var name = PropertyName(ref reader, utf8, state, field);
            reader.Read();
            switch (name)
            {
                case "h":
                    (head, headPath) = ReadZooNavigatorNode(ref reader, utf8, state, $"{field}.h");
                    if (under is { } u)
                    {
                        if (PathUtils.Parent(headPath) != u.ParentPath)
                        {
                            throw state.Error(utf8, reader, $"'{headPath}' is not a child of {u.ParentPath}: it would escape its tree.", $"{field}.h.path");
                        }
                        relative = u.ParentRelative + "/" + PathUtils.Name(headPath);
                    }
                    else
                    {
                        relative = "";
                    }
                    if (!state.Seen.Add(headPath))
                    {
                        throw state.Error(utf8, reader, $"The path {headPath} appears twice.", $"{field}.h.path");
                    }
                    break;
                case "t":
                    if (head is null)
                    {
                        throw state.Error(utf8, reader, "\"h\" must come before \"t\".", $"{field}.h");
                    }
                    Expect(ref reader, utf8, state, JsonTokenType.StartArray, $"{field}.t", "an array of child trees");
                    sawChildren = true;
                    var i = 0;
                    while (Next(ref reader) != JsonTokenType.EndArray)
                    {
                        var (child, _) = ReadTree(ref reader, utf8, state, $"{field}.t[{i}]", (under?.HeadPath ?? headPath!, headPath!, relative!), below);
                        below.Add(child);
                        i++;
                    }
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (head is null || headPath is null)
        {
            throw state.Error(utf8, reader, "The tree has no \"h\" (its node).", field);
        }
        _ = sawChildren;
        return (head with { RelativePath = relative! }, headPath);
    }

    private static (TransferNode Node, string Path) ReadZooNavigatorNode(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ParseState state, string field)
    {
        Expect(ref reader, utf8, state, JsonTokenType.StartObject, field, "a node {\"acl\", \"path\", \"data\"}");
        string? path = null;
        byte[] data = [];
        IReadOnlyList<Acl>? acl = null;
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var name = PropertyName(ref reader, utf8, state, field);
            reader.Read();
            var f = $"{field}.{name}";
            state.Field = f;
            switch (name)
            {
                case "path":
                    path = String(ref reader, utf8, state, f);
                    if (PathUtils.GetError(path) is { } error)
                    {
                        throw state.Error(utf8, reader, $"'{path}' is not a valid ZooKeeper path: {error}.", f);
                    }
                    break;
                case "data":
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw state.Error(utf8, reader, $"Expected a base64 string, found {Describe(reader.TokenType)}.", f);
                    }
                    data = Base64(ref reader, utf8, state, f);
                    if (data.Length > MaxDataBytes)
                    {
                        throw state.Error(utf8, reader, $"The data is {data.Length:N0} bytes; ZooKeeper takes at most {MaxDataBytes:N0} (1 MiB).", f);
                    }
                    break;
                case "acl":
                    Expect(ref reader, utf8, state, JsonTokenType.StartArray, f, "an array of ACL entries");
                    var list = new List<Acl>();
                    var i = 0;
                    while (Next(ref reader) != JsonTokenType.EndArray)
                    {
                        var af = $"{f}[{i}]";
                        Expect(ref reader, utf8, state, JsonTokenType.StartObject, af, "an ACL entry {\"id\", \"scheme\", \"permissions\"}");
                        string? scheme = null;
                        string? id = null;
                        var perms = Perms.None;
                        while (Next(ref reader) != JsonTokenType.EndObject)
                        {
                            var an = PropertyName(ref reader, utf8, state, af);
                            reader.Read();
                            switch (an)
                            {
                                case "scheme":
                                    scheme = String(ref reader, utf8, state, $"{af}.scheme");
                                    break;
                                case "id":
                                    id = String(ref reader, utf8, state, $"{af}.id");
                                    break;
                                case "permissions":
                                    Expect(ref reader, utf8, state, JsonTokenType.StartArray, $"{af}.permissions", "an array of permission names");
                                    while (Next(ref reader) != JsonTokenType.EndArray)
                                    {
                                        var p = String(ref reader, utf8, state, $"{af}.permissions");
                                        perms |= p switch
                                        {
                                            "create" => Perms.Create,
                                            "read" => Perms.Read,
                                            "write" => Perms.Write,
                                            "delete" => Perms.Delete,
                                            "admin" => Perms.Admin,
                                            _ => throw state.Error(utf8, reader, $"Unknown permission '{p}'; use create, read, write, delete or admin.", $"{af}.permissions"),
                                        };
                                    }
                                    break;
                                default:
                                    reader.Skip();
                                    break;
                            }
                        }
                        if (scheme is null || id is null)
                        {
                            throw state.Error(utf8, reader, "An ACL entry needs \"scheme\" and \"id\".", af);
                        }
                        list.Add(new Acl(perms, new Id(scheme, id)));
                        i++;
                    }
                    acl = list.Count == 0 ? null : list;
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (path is null)
        {
            throw state.Error(utf8, reader, "The node has no \"path\".", $"{field}.path");
        }
        return (new TransferNode("", data, acl, CreateMode.Persistent, 0, null, null, null), path);
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
