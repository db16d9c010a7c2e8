using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace ZkDashboard.ZooKeeper.Tests.Fakes;

/// <summary>A request frame as the fake server saw it.</summary>
public sealed record FakeRequest(int Xid, int OpCode, byte[] Body);

/// <summary>
/// A loopback server that speaks just enough of the protocol to do what a real server never does:
/// answer the handshake, then misbehave on purpose (garbage, truncated frames, xid mismatch, huge
/// length prefixes, silence, closing).
/// </summary>
public sealed class FakeZooKeeperServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<Session, Task> _behaviour;
    private readonly CancellationTokenSource _cts = new();
    private readonly List<TcpClient> _clients = [];
    private readonly Task _acceptLoop;
    private readonly X509Certificate2? _tls;
    private int _connections;

    public FakeZooKeeperServer(Func<Session, Task> behaviour, int sessionTimeoutMs = 4000, X509Certificate2? tlsCertificate = null)
    {
        _behaviour = behaviour;
        _tls = tlsCertificate;
        SessionTimeoutMs = sessionTimeoutMs;
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public int SessionTimeoutMs { get; set; }
    public string ConnectString => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
    public int Connections => Volatile.Read(ref _connections);

    private async Task AcceptAsync()
    {
        try
        {
            while (!_cts.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_cts.Token);
                lock (_clients) _clients.Add(client);
                Interlocked.Increment(ref _connections);
                _ = Task.Run(() => ServeAsync(client));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            Stream stream = client.GetStream();
            if (_tls is not null)
            {
                var ssl = new SslStream(stream, false);
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _tls }, _cts.Token);
                stream = ssl;
            }
            var session = new Session(stream, client.Client, _cts.Token);
            var connect = await session.ReadFrameAsync();
            if (connect is null) return;
            // ConnectResponse: protocolVersion, timeOut, sessionId, passwd(16), readOnly
            var resp = new byte[4 + 4 + 8 + 4 + 16 + 1];
            BinaryPrimitives.WriteInt32BigEndian(resp.AsSpan(4), SessionTimeoutMs);
            BinaryPrimitives.WriteInt64BigEndian(resp.AsSpan(8), 0x1234);
            BinaryPrimitives.WriteInt32BigEndian(resp.AsSpan(16), 16);
            await session.SendFrameAsync(resp);
            await _behaviour(session);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or EndOfStreamException or System.Security.Authentication.AuthenticationException)
        {
        }
        finally
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        _listener.Stop();
        lock (_clients)
            foreach (var c in _clients) c.Dispose();
        try
        {
            await _acceptLoop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }
        _cts.Dispose();
    }

    /// <summary>One accepted connection after the handshake.</summary>
    public sealed class Session(Stream stream, Socket socket, CancellationToken ct)
    {
        public Stream Stream { get; } = stream;
        public Socket Socket { get; } = socket;

        public async Task<byte[]?> ReadFrameAsync()
        {
            var len = new byte[4];
            try
            {
                await Stream.ReadExactlyAsync(len, ct);
            }
            catch (EndOfStreamException)
            {
                return null;
            }
            var body = new byte[BinaryPrimitives.ReadInt32BigEndian(len)];
            await Stream.ReadExactlyAsync(body, ct);
            return body;
        }

        /// <summary>Reads the next request, skipping pings.</summary>
        public async Task<FakeRequest?> ReadRequestAsync()
        {
            while (true)
            {
                var frame = await ReadFrameAsync();
                if (frame is null) return null;
                var xid = BinaryPrimitives.ReadInt32BigEndian(frame);
                var op = BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(4));
                if (xid == -2)
                {
                    await SendReplyAsync(-2, 0, []);
                    continue;
                }
                return new FakeRequest(xid, op, frame[8..]);
            }
        }

        public async Task SendFrameAsync(byte[] body)
        {
            var buf = new byte[4 + body.Length];
            BinaryPrimitives.WriteInt32BigEndian(buf, body.Length);
            body.CopyTo(buf, 4);
            await Stream.WriteAsync(buf, ct);
        }

        public Task SendRawAsync(byte[] bytes) => Stream.WriteAsync(bytes, ct).AsTask();

        public Task SendReplyAsync(int xid, int err, byte[] body) => SendFrameAsync(Reply(xid, err, body));

        public static byte[] Reply(int xid, int err, byte[] body)
        {
            var buf = new byte[16 + body.Length];
            BinaryPrimitives.WriteInt32BigEndian(buf, xid);
            BinaryPrimitives.WriteInt64BigEndian(buf.AsSpan(4), 100);
            BinaryPrimitives.WriteInt32BigEndian(buf.AsSpan(12), err);
            body.CopyTo(buf, 16);
            return buf;
        }

        /// <summary>A GetDataResponse body: data then an all-zero Stat with the given version.</summary>
        public static byte[] GetDataBody(byte[] data, int version = 0)
        {
            var buf = new byte[4 + data.Length + 68];
            BinaryPrimitives.WriteInt32BigEndian(buf, data.Length);
            data.CopyTo(buf, 4);
            BinaryPrimitives.WriteInt32BigEndian(buf.AsSpan(4 + data.Length + 32), version);
            return buf;
        }

        public Task HoldAsync() => Task.Delay(Timeout.Infinite, ct);
    }
}
