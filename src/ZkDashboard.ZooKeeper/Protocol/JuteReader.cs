using System.Buffers.Binary;
using System.Text;

namespace ZkDashboard.ZooKeeper.Protocol;

/// <summary>
/// Reads jute primitives from one reply frame. Every length is checked against what is left in the
/// frame, so a malformed reply raises <see cref="ZooKeeperProtocolException"/> instead of allocating
/// or reading past the end.
/// </summary>
internal ref struct JuteReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _pos;

    public JuteReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _pos = 0;
    }

    public readonly int Remaining => _data.Length - _pos;
    public readonly int Position => _pos;

    private ReadOnlySpan<byte> Take(int count)
    {
        if ((uint)count > (uint)(_data.Length - _pos))
            throw new ZooKeeperProtocolException($"Malformed reply: needed {count} more bytes at offset {_pos} but the frame has {_data.Length - _pos} left.");
        var s = _data.Slice(_pos, count);
        _pos += count;
        return s;
    }

    public int ReadInt() => BinaryPrimitives.ReadInt32BigEndian(Take(4));
    public long ReadLong() => BinaryPrimitives.ReadInt64BigEndian(Take(8));
    public bool ReadBool() => Take(1)[0] != 0;

    public string? ReadString()
    {
        var len = ReadInt();
        if (len == -1) return null;
        if (len < 0) throw new ZooKeeperProtocolException($"Malformed reply: string length {len}.");
        return len == 0 ? string.Empty : Encoding.UTF8.GetString(Take(len));
    }

    /// <summary>Reads a non-null string (null on the wire becomes empty).</summary>
    public string ReadRequiredString() => ReadString() ?? string.Empty;

    public byte[]? ReadBuffer()
    {
        var len = ReadInt();
        if (len == -1) return null;
        if (len < 0) throw new ZooKeeperProtocolException($"Malformed reply: buffer length {len}.");
        return len == 0 ? [] : Take(len).ToArray();
    }

    private int ReadVectorCount(int minElementSize)
    {
        var count = ReadInt();
        if (count == -1) return -1;
        if (count < 0 || (long)count * minElementSize > Remaining)
            throw new ZooKeeperProtocolException($"Malformed reply: vector of {count} elements in {Remaining} bytes.");
        return count;
    }

    public List<string> ReadStringVector()
    {
        var count = ReadVectorCount(4);
        if (count <= 0) return [];
        var list = new List<string>(count);
        for (var i = 0; i < count; i++) list.Add(ReadRequiredString());
        return list;
    }

    public Id ReadId() => new(ReadRequiredString(), ReadRequiredString());

    public Acl ReadAcl()
    {
        var perms = (Perms)ReadInt();
        return new Acl(perms, ReadId());
    }

    public List<Acl> ReadAclVector()
    {
        var count = ReadVectorCount(12);
        if (count <= 0) return [];
        var list = new List<Acl>(count);
        for (var i = 0; i < count; i++) list.Add(ReadAcl());
        return list;
    }

    public Stat ReadStat() => new(
        Czxid: ReadLong(), Mzxid: ReadLong(), Ctime: ReadLong(), Mtime: ReadLong(),
        Version: ReadInt(), Cversion: ReadInt(), Aversion: ReadInt(), EphemeralOwner: ReadLong(),
        DataLength: ReadInt(), NumChildren: ReadInt(), Pzxid: ReadLong());
}
