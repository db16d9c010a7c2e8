using System.Collections.Concurrent;
using ZkDashboard.ZooKeeper.Admin;

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

/// <summary>
/// Sends through <see cref="FourLetterWordClient"/> (one client per timeout; the client is stateless) and maps its
/// errors onto <see cref="FourLetterWordFailure"/>.
/// </summary>
public sealed class AdminFourLetterWordTransport : IFourLetterWordTransport
{
    private readonly ConcurrentDictionary<TimeSpan, FourLetterWordClient> _clients = new();

    public async Task<string> SendAsync(string hostPort, string word, TimeSpan timeout, CancellationToken ct = default)
    {
        var client = _clients.GetOrAdd(timeout, t => new FourLetterWordClient(t));
        try
        {
            return await client.SendAsync(hostPort, word, ct).ConfigureAwait(false);
        }
        catch (FourLetterWordDisabledException ex)
        {
            throw new FourLetterWordProbeException(hostPort, word, FourLetterWordFailure.Disabled, ex.Message, ex);
        }
        catch (FourLetterWordTimeoutException ex)
        {
            throw new FourLetterWordProbeException(hostPort, word, FourLetterWordFailure.Timeout, ex.Message, ex);
        }
        catch (FourLetterWordException ex)
        {
            throw new FourLetterWordProbeException(hostPort, word, FourLetterWordFailure.Unreachable, ex.Message, ex);
        }
        catch (ArgumentException ex)
        {
            throw new FourLetterWordProbeException(hostPort, word, FourLetterWordFailure.Unreachable, $"'{hostPort}' is not a valid host:port: {ex.Message}", ex);
        }
    }
}
