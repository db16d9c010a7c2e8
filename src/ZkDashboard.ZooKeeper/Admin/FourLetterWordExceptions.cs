namespace ZkDashboard.ZooKeeper.Admin;

/// <summary>Base of every error raised by <see cref="FourLetterWordClient"/>. Carries the server and the word.</summary>
public class FourLetterWordException : Exception
{
    public FourLetterWordException(string hostPort, string word, string message, Exception? inner = null)
        : base(message, inner)
    {
        HostPort = hostPort;
        Word = word;
    }

    /// <summary>The server the word was sent to ("host:port").</summary>
    public string HostPort { get; }

    /// <summary>The four-letter word that failed.</summary>
    public string Word { get; }
}

/// <summary>
/// The server refused the word because it is not listed in <c>4lw.commands.whitelist</c>
/// (the default since ZooKeeper 3.5 whitelists only <c>srvr</c>).
/// </summary>
public sealed class FourLetterWordDisabledException(string hostPort, string word)
    : FourLetterWordException(hostPort, word,
        $"The ZooKeeper server {hostPort} refused the four-letter word '{word}': it is not in the whitelist. " +
        $"Add it to '4lw.commands.whitelist' in zoo.cfg (for example '4lw.commands.whitelist=srvr,stat,mntr,conf,cons,ruok,isro,wchs,envi,dirs,wchc,wchp' or '*'), " +
        "or set the Java system property -Dzookeeper.4lw.commands.whitelist, then restart the server.");

/// <summary>
/// The server process answers but is not serving requests (no quorum, electing, or still loading).
/// The reply was "This ZooKeeper instance is not currently serving requests".
/// </summary>
public sealed class FourLetterWordNotServingException(string hostPort, string word)
    : FourLetterWordException(hostPort, word,
        $"The ZooKeeper server {hostPort} is running but not currently serving requests (it has no quorum, is electing a leader, or is still starting), so '{word}' returned no data. " +
        "Check the other servers of the ensemble and retry once a leader is elected.");

/// <summary>The TCP connection to the server could not be opened or broke before the reply was complete.</summary>
public sealed class FourLetterWordConnectionException(string hostPort, string word, string message, Exception? inner = null)
    : FourLetterWordException(hostPort, word, message, inner);

/// <summary>The server did not finish its reply (connection closed by the server) within the timeout.</summary>
public sealed class FourLetterWordTimeoutException(string hostPort, string word, TimeSpan timeout, int bytesReceived)
    : FourLetterWordException(hostPort, word,
        $"The ZooKeeper server {hostPort} did not finish its reply to '{word}' within {timeout.TotalSeconds:0.###} s " +
        $"({bytesReceived} bytes received so far). The server may be overloaded, paused, or not a ZooKeeper server; " +
        "raise the timeout of FourLetterWordClient if the server is just slow.")
{
    public TimeSpan Timeout { get; } = timeout;

    public int BytesReceived { get; } = bytesReceived;
}

/// <summary>The reply could not be understood (empty, truncated, or not in the format of this word).</summary>
public sealed class FourLetterWordFormatException(string hostPort, string word, string message)
    : FourLetterWordException(hostPort, word, message);
