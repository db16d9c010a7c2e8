using System.Buffers;
using System.Buffers.Binary;

namespace ZkDashboard.ZooKeeper.Protocol;

/// <summary>
/// A growable output buffer rented from <see cref="ArrayPool{T}"/>. The writer loop serializes many
/// length-prefixed frames into one instance and sends them with a single socket write.
/// </summary>
internal sealed class FrameBuffer : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer;
    private int _written;

    public FrameBuffer(int initialCapacity = 64 * 1024) => _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);

    public int WrittenCount => _written;
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Reserves the 4-byte length prefix of a frame; returns its offset for <see cref="EndFrame"/>.</summary>
    public int BeginFrame()
    {
        Ensure(4);
        var start = _written;
        _written += 4;
        return start;
    }

    /// <summary>Fills in the length prefix reserved by <see cref="BeginFrame"/>; returns the frame body length.</summary>
    public int EndFrame(int start)
    {
        var length = _written - start - 4;
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(start, 4), length);
        return length;
    }

    /// <summary>Drops everything written after <paramref name="position"/> (used when a record fails to serialize).</summary>
    public void Truncate(int position) => _written = position;

    /// <summary>Forgets the written bytes; shrinks back when a huge frame made the buffer grow.</summary>
    public void Reset()
    {
        _written = 0;
        if (_buffer.Length > 1024 * 1024)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        }
    }

    private void Ensure(int sizeHint)
    {
        if (sizeHint < 1) sizeHint = 1;
        if (_buffer.Length - _written >= sizeHint) return;
        var newSize = Math.Max(_buffer.Length * 2, _written + sizeHint);
        var next = ArrayPool<byte>.Shared.Rent(newSize);
        _buffer.AsSpan(0, _written).CopyTo(next);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = next;
    }

    public void Dispose()
    {
        var b = _buffer;
        _buffer = [];
        _written = 0;
        if (b.Length > 0) ArrayPool<byte>.Shared.Return(b);
    }
}
