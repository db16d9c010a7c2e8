using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ZkDashboard.ZooKeeper.Protocol;

/// <summary>
/// Writes jute primitives (big-endian ints and longs, length-prefixed UTF-8 strings and buffers,
/// length -1 for null) straight into an <see cref="IBufferWriter{T}"/>, without allocating.
/// </summary>
internal ref struct JuteWriter
{
    private readonly IBufferWriter<byte> _output;

    public JuteWriter(IBufferWriter<byte> output) => _output = output;

    public void WriteInt(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_output.GetSpan(4), value);
        _output.Advance(4);
    }

    public void WriteLong(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(_output.GetSpan(8), value);
        _output.Advance(8);
    }

    public void WriteBool(bool value)
    {
        _output.GetSpan(1)[0] = value ? (byte)1 : (byte)0;
        _output.Advance(1);
    }

    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteInt(-1);
            return;
        }
        var count = Encoding.UTF8.GetByteCount(value);
        var span = _output.GetSpan(4 + count);
        BinaryPrimitives.WriteInt32BigEndian(span, count);
        Encoding.UTF8.GetBytes(value, span[4..]);
        _output.Advance(4 + count);
    }

    public void WriteBuffer(ReadOnlySpan<byte> value)
    {
        var span = _output.GetSpan(4 + value.Length);
        BinaryPrimitives.WriteInt32BigEndian(span, value.Length);
        value.CopyTo(span[4..]);
        _output.Advance(4 + value.Length);
    }

    /// <summary>Writes a buffer that may be null (length -1).</summary>
    public void WriteNullableBuffer(byte[]? value)
    {
        if (value is null) WriteInt(-1);
        else WriteBuffer(value);
    }

    public void WriteStringVector(IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            WriteInt(-1);
            return;
        }
        WriteInt(values.Count);
        for (var i = 0; i < values.Count; i++) WriteString(values[i]);
    }

    public void WriteId(Id id)
    {
        WriteString(id.Scheme);
        WriteString(id.Ident);
    }

    public void WriteAcl(Acl acl)
    {
        WriteInt((int)acl.Perms);
        WriteId(acl.Id);
    }

    public void WriteAclVector(IReadOnlyList<Acl>? acl)
    {
        if (acl is null)
        {
            WriteInt(-1);
            return;
        }
        WriteInt(acl.Count);
        for (var i = 0; i < acl.Count; i++) WriteAcl(acl[i]);
    }

    public void WriteStat(Stat s)
    {
        WriteLong(s.Czxid);
        WriteLong(s.Mzxid);
        WriteLong(s.Ctime);
        WriteLong(s.Mtime);
        WriteInt(s.Version);
        WriteInt(s.Cversion);
        WriteInt(s.Aversion);
        WriteLong(s.EphemeralOwner);
        WriteInt(s.DataLength);
        WriteInt(s.NumChildren);
        WriteLong(s.Pzxid);
    }
}
