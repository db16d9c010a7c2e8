namespace ZkDashboard.Web.Auth.External;

/// <summary>The directory could not be reached or refused the service account: nothing is known about the user.
/// The message is meant for the login page.</summary>
public sealed class LdapUnavailableException : Exception
{
    /// <summary>Creates the exception for the directory at <paramref name="url"/>.</summary>
    public LdapUnavailableException(string url, Exception? inner = null)
        : base($"The directory at {url} is not reachable; try again or sign in with a local account.", inner)
    {
        Url = url;
    }

    /// <summary>Creates the exception with a message of its own (e.g. a refused service account).</summary>
    public LdapUnavailableException(string url, string message, Exception? inner)
        : base(message, inner)
    {
        Url = url;
    }

    /// <summary>The directory's address.</summary>
    public string Url { get; }
}
