using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace ZkDashboard.Benchmarks.Client;

/// <summary>
/// Reference point, not a client: a minimal loop that opens a session and pipelines getData frames on a
/// blocking socket (no xid bookkeeping beyond a count, no tasks, no watches, no reconnect). It shows how much
/// room the machine leaves; the gap between it and "ours" is the client's own overhead.
/// </summary>
public static class RawGetDataWorker
{
    public const string Command = "__raw-worker";

    public static Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var hosts = args[0].Split(',');
        var root = args[1];
        var nodes = int.Parse(args[2], CultureInfo.InvariantCulture);
        var phase = double.Parse(args[3], CultureInfo.InvariantCulture);
        var warmup = double.Parse(args[4], CultureInfo.InvariantCulture);
        var hp = hosts[Random.Shared.Next(hosts.Length)].Split(':');
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(hp[0], int.Parse(hp[1], CultureInfo.InvariantCulture));
        socket.ReceiveTimeout = 30_000;
        Handshake(socket);
        var requests = Enumerable.Range(0, nodes).Select(i => GetDataFrame(ClientBenchSettings.NodePath(root, i))).ToArray();

        Pipeline(socket, requests, 256, warmup, ct);
        foreach (var inFlight in new[] { 1, 16, 256 })
        {
            var cpu0 = Environment.CpuUsage.TotalTime;
            var t0 = Stopwatch.GetTimestamp();
            var ops = Pipeline(socket, requests, inFlight, phase, ct);
            var elapsed = Stopwatch.GetElapsedTime(t0);
            var cpu = Environment.CpuUsage.TotalTime - cpu0;
            HarnessResults.Print(Console.Out, $"get{inFlight}_ops_per_s", ops / elapsed.TotalSeconds);
            HarnessResults.Print(Console.Out, $"get{inFlight}_cpu_us_per_op", cpu.TotalMicroseconds / Math.Max(1, ops));
        }

        return Task.FromResult(0);
    }

    private static void Handshake(Socket s)
    {
        var req = new byte[4 + 4 + 8 + 4 + 8 + 4 + 16 + 1];
        var span = req.AsSpan();
        BinaryPrimitives.WriteInt32BigEndian(span, req.Length - 4);
        BinaryPrimitives.WriteInt32BigEndian(span[16..], 20_000); // timeout; protocol version, zxid 0
        BinaryPrimitives.WriteInt32BigEndian(span[28..], 16);     // password length
        s.Send(req);
        var len = new byte[4];
        ReadExactly(s, len);
        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(len)];
        ReadExactly(s, body);
    }

    private static byte[] GetDataFrame(string path)
    {
        var p = Encoding.UTF8.GetBytes(path);
        var f = new byte[4 + 4 + 4 + 4 + p.Length + 1];
        BinaryPrimitives.WriteInt32BigEndian(f, f.Length - 4);
        BinaryPrimitives.WriteInt32BigEndian(f.AsSpan(8), 4); // OpCode.getData (xid patched per send)
        BinaryPrimitives.WriteInt32BigEndian(f.AsSpan(12), p.Length);
        p.CopyTo(f, 16);
        return f;
    }

    private static long Pipeline(Socket s, byte[][] requests, int inFlight, double seconds, CancellationToken ct)
    {
        var end = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var send = new byte[64 * 1024];
        var recv = new byte[256 * 1024];
        int xid = 1, next = 0, outstanding = 0, start = 0, filled = 0;
        long done = 0;
        var sending = true;
        while (done < 50_000_000)
        {
            var sendLen = 0;
            while (sending && outstanding < inFlight && sendLen + 128 < send.Length)
            {
                var f = requests[next];
                next = (next + 1) % requests.Length;
                f.CopyTo(send, sendLen);
                BinaryPrimitives.WriteInt32BigEndian(send.AsSpan(sendLen + 4), xid++);
                sendLen += f.Length;
                outstanding++;
            }

            if (sendLen > 0)
            {
                s.Send(send.AsSpan(0, sendLen));
            }

            if (outstanding == 0)
            {
                break;
            }

            var n = s.Receive(recv.AsSpan(filled));
            if (n == 0)
            {
                throw new IOException("server closed the connection");
            }

            filled += n;
            while (filled - start >= 4)
            {
                var len = BinaryPrimitives.ReadInt32BigEndian(recv.AsSpan(start));
                if (filled - start - 4 < len)
                {
                    break;
                }

                if (BinaryPrimitives.ReadInt32BigEndian(recv.AsSpan(start + 16)) != 0)
                {
                    throw new IOException("getData failed");
                }

                start += 4 + len;
                outstanding--;
                done++;
            }

            recv.AsSpan(start, filled - start).CopyTo(recv);
            filled -= start;
            start = 0;
            sending = Stopwatch.GetTimestamp() < end && !ct.IsCancellationRequested;
        }

        return done;
    }

    private static void ReadExactly(Socket s, byte[] buffer)
    {
        var got = 0;
        while (got < buffer.Length)
        {
            var n = s.Receive(buffer.AsSpan(got));
            if (n == 0)
            {
                throw new IOException("server closed the connection during the handshake");
            }

            got += n;
        }
    }
}
