using System.Net.Sockets;
using System.Text;
using ZkDashboard.Core.Ensembles;

namespace ZkDashboard.Core.Health;

/// <summary>Sends one four-letter word and returns the raw reply (read to EOF). The seam the health monitor and the registry's reachability check poll through.</summary>
public interface IFourLetterWordTransport
{
    /// <exception cref="FourLetterWordProbeException">The server refused the word, could not be reached, or timed out.</exception>
    Task<string> SendAsync(string hostPort, string word, TimeSpan timeout, CancellationToken ct = default);
}

public enum FourLetterWordFailure
{
    /// <summary>Connection refused, host unknown, reset before any reply.</summary>
    Unreachable,
    /// <summary>No complete reply within the timeout.</summary>
    Timeout,
    /// <summary>The server answered "... is not executed because it is not in the whitelist.".</summary>
    Disabled,
}

public sealed class FourLetterWordProbeException : Exception
{
    public FourLetterWordProbeException(string hostPort, string word, FourLetterWordFailure failure, string message, Exception? inner = null)
        : base(message, inner)
    {
        HostPort = hostPort;
        Word = word;
        Failure = failure;
    }

    public FourLetterWordProbeException() : this("", "", FourLetterWordFailure.Unreachable, "Four-letter word failed.") { }

    public FourLetterWordProbeException(string message) : this("", "", FourLetterWordFailure.Unreachable, message) { }

    public FourLetterWordProbeException(string message, Exception innerException) : this("", "", FourLetterWordFailure.Unreachable, message, innerException) { }

    public string HostPort { get; }
    public string Word { get; }
    public FourLetterWordFailure Failure { get; }
}

/// <summary>Plain TCP implementation: one connection per word, reply read to EOF.</summary>
public sealed class SocketFourLetterWordTransport : IFourLetterWordTransport
{
    private const int MaxReply = 16 * 1024 * 1024;

    public async Task<string> SendAsync(string hostPort, string word, TimeSpan timeout, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(word);
        var hp = HostPort.Parse(hostPort);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        string reply;
        try
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(hp.Host, hp.Port, cts.Token).ConfigureAwait(false);
            await socket.SendAsync(Encoding.ASCII.GetBytes(word), SocketFlags.None, cts.Token).ConfigureAwait(false);
            socket.Shutdown(SocketShutdown.Send);
            using var buffer = new MemoryStream();
            var chunk = new byte[8192];
            while (true)
            {
                var n = await socket.ReceiveAsync(chunk, SocketFlags.None, cts.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }
                if (buffer.Length + n > MaxReply)
                {
                    throw new FourLetterWordProbeException(hostPort, word, FourLetterWordFailure.Unreachable, $"'{word}' reply from {hostPort} is larger than {MaxReply} bytes.");
                }
                buffer.Write(chunk, 0, n);
            }
            reply = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new FourLetterWordProbeException(hostPort, word, FourLetterWordFailure.Timeout, $"'{word}' to {hostPort} timed out after {timeout.TotalMilliseconds:0} ms.");
        }
        catch (SocketException ex)
        {
            throw new FourLetterWordProbeException(hostPort, word, FourLetterWordFailure.Unreachable, $"'{word}' to {hostPort} failed: {ex.SocketErrorCode} ({ex.Message}).", ex);
        }
        catch (IOException ex)
        {
            throw new FourLetterWordProbeException(hostPort, word, FourLetterWordFailure.Unreachable, $"'{word}' to {hostPort} failed: {ex.Message}.", ex);
        }

        if (reply.Contains("is not executed because it is not in the whitelist", StringComparison.Ordinal))
        {
            throw new FourLetterWordProbeException(hostPort, word, FourLetterWordFailure.Disabled,
                $"'{word}' is disabled on {hostPort}; enable it with 4lw.commands.whitelist in zoo.cfg (e.g. 4lw.commands.whitelist=mntr,srvr,conf,cons,wchs,isro,ruok).");
        }
        return reply;
    }
}
