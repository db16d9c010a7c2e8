using ZkDashboard.ZooKeeper.Protocol;
using ZkDashboard.ZooKeeper.Protocol.Records;

namespace ZkDashboard.ZooKeeper.Tests.Unit;

internal static class Bytes
{
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    public static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    public static string Write(IRequestRecord record)
    {
        using var buffer = new FrameBuffer(16);
        var w = new JuteWriter(buffer);
        record.Write(ref w);
        return ToHex(buffer.WrittenSpan);
    }

    public static string Norm(string hex) => hex.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
}
