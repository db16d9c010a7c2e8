using System.DirectoryServices.Protocols;
using System.Net;
using Microsoft.Extensions.Options;

namespace ZkDashboard.Web.Auth.External;

/// <summary>
/// Checks a user name and password by binding to the directory as the user: find the entry (a search with the service
/// account, or a DN template), bind with the password, then read the groups (memberOf or a group search).
/// An empty password is refused before any bind: LDAP treats a simple bind with an empty password as an anonymous
/// bind, which "succeeds" for any DN.
/// </summary>
public sealed partial class LdapPasswordAuthenticator(IOptions<LdapOptions> options, ILogger<LdapPasswordAuthenticator> logger)
    : IExternalPasswordAuthenticator
{
    // https://datatracker.ietf.org/doc/html/rfc4511#appendix-A
    private const int InvalidCredentials = 49;
    private const int NoSuchObject = 32;
    private const int ServerDown = 81;
    private const int Timeout = 85;
    private const int ConnectError = 91;

    /// <summary>How many sign-in checks may wait on the directory at once.</summary>
    public const int MaxInFlight = 8;

    private readonly LdapOptions settings = options.Value;
    private readonly SemaphoreSlim inFlight = new(MaxInFlight, MaxInFlight);

    /// <inheritdoc />
    public string Provider => "ldap";

    /// <inheritdoc />
    public async Task<ExternalIdentity?> AuthenticateAsync(string userName, string password, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        if (userName.Trim().Length == 0 || password.Length == 0)
        {
            return null;
        }

        // The protocol library is synchronous, and on Linux its bind does not honour the connection's timeout: a
        // directory that accepts the connection and never answers would hold the caller for good. So each check runs on
        // its own worker, the caller waits at most TimeoutSeconds, and at most MaxInFlight workers may be stuck at once.
        var url = settings.Url ?? "";
        var deadline = TimeSpan.FromSeconds(settings.TimeoutSeconds);
        if (!await inFlight.WaitAsync(deadline, ct).ConfigureAwait(false))
        {
            throw new LdapUnavailableException(url,
                $"The directory at {url} is not answering (earlier sign-in checks are still waiting for it); try again or sign in with a local account.", null);
        }

        var name = userName.Trim();
        var work = Task.Run(() =>
        {
            try
            {
                return Authenticate(name, password);
            }
            finally
            {
                inFlight.Release();
            }
        }, CancellationToken.None);
        try
        {
            return await work.WaitAsync(deadline, ct).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            LogUnreachable(logger, e, url, Timeout);
            throw new LdapUnavailableException(url,
                $"The directory at {url} did not answer within {settings.TimeoutSeconds} s; try again or sign in with a local account.", e);
        }
    }

    private ExternalIdentity? Authenticate(string userName, string password)
    {
        var url = settings.Url ?? "";
        try
        {
            using var search = Connect();
            string userDn;
            if (!string.IsNullOrWhiteSpace(settings.UserDnTemplate))
            {
                userDn = settings.UserDnTemplate.Replace("{0}", LdapEscape.DnValue(userName), StringComparison.Ordinal);
            }
            else
            {
                BindServiceAccount(search);
                var filter = settings.UserSearchFilter.Replace("{0}", LdapEscape.FilterValue(userName), StringComparison.Ordinal);
                var found = Search(search, settings.UserSearchBase!, filter, SearchScope.Subtree, ["1.1"]);
                if (found.Count != 1)
                {
                    if (found.Count > 1)
                    {
                        LogAmbiguous(logger, found.Count, userName);
                    }

                    return null;
                }

                userDn = found[0].DistinguishedName;
            }

            using var user = Connect();
            try
            {
                user.Bind(new NetworkCredential(userDn, password));
            }
            catch (LdapException e) when (e.ErrorCode == InvalidCredentials)
            {
                return null;
            }

            // Read the entry as the user (it may read itself); groups by search use the service account when there is one.
            var attributes = new List<string> { settings.UserNameAttribute, settings.DisplayNameAttribute };
            if (settings.GroupSource == LdapGroupSource.MemberOf)
            {
                attributes.Add("memberOf");
            }

            IReadOnlyList<SearchResultEntry> self;
            try
            {
                self = Search(user, userDn, "(objectClass=*)", SearchScope.Base, [.. attributes]);
            }
            catch (DirectoryOperationException e) when (e.Response?.ResultCode == ResultCode.NoSuchObject)
            {
                return null;
            }

            if (self.Count != 1)
            {
                return null;
            }

            var entry = self[0];
            var name = First(entry, settings.UserNameAttribute) ?? userName;
            var display = First(entry, settings.DisplayNameAttribute);
            var groups = settings.GroupSource switch
            {
                LdapGroupSource.MemberOf => All(entry, "memberOf")
                    .Select(dn => LdapEscape.FirstRdnValue(dn, settings.GroupNameAttribute))
                    .OfType<string>(),
                LdapGroupSource.Search => SearchGroups(string.IsNullOrEmpty(settings.BindDn) ? user : search, entry.DistinguishedName, name),
                _ => [],
            };
            return new ExternalIdentity(Provider, name, [.. groups.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)], display);
        }
        catch (LdapException e) when (e.ErrorCode is ServerDown or Timeout or ConnectError)
        {
            LogUnreachable(logger, e, url, e.ErrorCode);
            throw new LdapUnavailableException(url, e);
        }
        catch (LdapException e)
        {
            LogUnreachable(logger, e, url, e.ErrorCode);
            throw new LdapUnavailableException(url, $"The directory at {url} refused the sign-in check ({e.Message}); try again or sign in with a local account.", e);
        }
        catch (DirectoryOperationException e)
        {
            LogUnreachable(logger, e, url, (int)(e.Response?.ResultCode ?? 0));
            throw new LdapUnavailableException(url, $"The directory at {url} could not answer the sign-in check ({e.Message}); try again or sign in with a local account.", e);
        }
    }

    private IEnumerable<string> SearchGroups(LdapConnection connection, string userDn, string userName)
    {
        var filter = settings.GroupSearchFilter
            .Replace("{dn}", LdapEscape.FilterValue(userDn), StringComparison.Ordinal)
            .Replace("{0}", LdapEscape.FilterValue(userName), StringComparison.Ordinal);
        return Search(connection, settings.GroupSearchBase!, filter, SearchScope.Subtree, [settings.GroupNameAttribute])
            .Select(e => First(e, settings.GroupNameAttribute))
            .OfType<string>()
            .ToList();
    }

    private void BindServiceAccount(LdapConnection connection)
    {
        if (string.IsNullOrEmpty(settings.BindDn))
        {
            return;
        }

        try
        {
            connection.Bind(new NetworkCredential(settings.BindDn, settings.BindPassword));
        }
        catch (LdapException e) when (e.ErrorCode == InvalidCredentials)
        {
            var url = settings.Url ?? "";
            throw new LdapUnavailableException(url,
                $"The directory at {url} refused the dashboard's service account ({LdapOptions.Section}:BindDn); ask an admin to fix it, or sign in with a local account.", e);
        }
    }

    private LdapConnection Connect()
    {
        LdapOptions.TryParseUrl(settings.Url, out var host, out var port, out var ldaps);
        var timeout = TimeSpan.FromSeconds(settings.TimeoutSeconds);
        var connection = new LdapConnection(new LdapDirectoryIdentifier(host, port, fullyQualifiedDnsHostName: true, connectionless: false))
        {
            AuthType = AuthType.Basic,
            Timeout = timeout,
        };
        try
        {
            connection.SessionOptions.ProtocolVersion = 3;
            connection.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
            if (ldaps)
            {
                connection.SessionOptions.SecureSocketLayer = true;
            }
            else if (settings.StartTls)
            {
                connection.SessionOptions.StartTransportLayerSecurity(null);
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private List<SearchResultEntry> Search(LdapConnection connection, string baseDn, string filter, SearchScope scope, string[] attributes)
    {
        var request = new SearchRequest(baseDn, filter, scope, attributes)
        {
            TimeLimit = TimeSpan.FromSeconds(settings.TimeoutSeconds),
            SizeLimit = 1000,
        };
        var response = (SearchResponse)connection.SendRequest(request, TimeSpan.FromSeconds(settings.TimeoutSeconds));
        return [.. response.Entries.Cast<SearchResultEntry>()];
    }

    private static string? First(SearchResultEntry entry, string attribute) => All(entry, attribute).FirstOrDefault();

    private static IEnumerable<string> All(SearchResultEntry entry, string attribute)
    {
        var values = entry.Attributes[attribute];
        if (values is null)
        {
            return [];
        }

        return values.GetValues(typeof(string)).Cast<string>().Where(v => v.Length > 0).ToList();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "LDAP sign-in: {Count} entries match the user name {UserName}; refusing an ambiguous match (make UserSearchFilter unique).")]
    private static partial void LogAmbiguous(ILogger logger, int count, string userName);

    [LoggerMessage(Level = LogLevel.Error, Message = "LDAP sign-in: the directory at {Url} failed (LDAP result {Code}).")]
    private static partial void LogUnreachable(ILogger logger, Exception exception, string url, int code);
}
