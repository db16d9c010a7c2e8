using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ZkDashboard.ZooKeeper.Tests.Admin;

/// <summary>
/// A loopback server that reads one four-letter word per connection and lets the test decide how to reply
/// (slowly, partially, never...). Used only for what a real ZooKeeper will not do on demand.
/// </summary>
internal sealed class FakeFourLetterServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly TaskCompletionSource<string> _firstWord = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FakeFourLetterServer(Func<Socket, string, CancellationToken, Task> reply)
    {
        _listener.Start();
        HostPort = $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _loop = Task.Run(() => AcceptLoopAsync(reply));
    }

    public string HostPort { get; }

    /// <summary>The word received on the first connection.</summary>
    public Task<string> FirstWord => _firstWord.Task;

    public static async Task SendChunkedAsync(Socket s, string text, int chunks, TimeSpan pause, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var size = Math.Max(1, bytes.Length / chunks);
        for (var i = 0; i < bytes.Length; i += size)
        {
            await s.SendAsync(bytes.AsMemory(i, Math.Min(size, bytes.Length - i)), SocketFlags.None, ct);
            await Task.Delay(pause, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync(Func<Socket, string, CancellationToken, Task> reply)
    {
        var ct = _stop.Token;
        for (var n = 0; n < 100 && !ct.IsCancellationRequested; n++)
        {
            var socket = await _listener.AcceptSocketAsync(ct);
            _ = Task.Run(async () =>
            {
                using (socket)
                {
                    var buf = new byte[4];
                    var got = 0;
                    while (got < 4)
                    {
                        var r = await socket.ReceiveAsync(buf.AsMemory(got), SocketFlags.None, ct);
                        if (r == 0)
                        {
                            return;
                        }

                        got += r;
                    }

                    var word = Encoding.ASCII.GetString(buf);
                    _firstWord.TrySetResult(word);
                    try
                    {
                        await reply(socket, word, ct);
                        socket.Shutdown(SocketShutdown.Send);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                    catch (SocketException)
                    {
                    }
                    catch (ObjectDisposedException)
                    {
                    }
                }
            }, ct);
        }
    }
}
