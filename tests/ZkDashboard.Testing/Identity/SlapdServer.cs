using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ZkDashboard.Testing.Identity;

/// <summary>A person in the test directory.</summary>
/// <param name="Uid">The login name (uid); may contain characters that need escaping in filters and DNs.</param>
/// <param name="Password">The userPassword (stored in clear: a test directory).</param>
/// <param name="DisplayName">The cn.</param>
/// <param name="Groups">Groups (groupOfNames under ou=groups) the person is a member of.</param>
public sealed record DirectoryUser(string Uid, string Password, string DisplayName, params string[] Groups);

/// <summary>
/// A private, real OpenLDAP slapd (Debian's 2.5) on a free loopback port: its own slapd.conf, mdb database and log in
/// a temp directory, the core/cosine/inetorgperson/nis schemas and the memberof overlay, started under a watchdog
/// (<see cref="WatchedProcess"/>) and loaded with ldapadd. Dispose stops it and deletes the directory.
/// Layout: <c>ou=people</c> (inetOrgPerson, <c>uid=NAME</c>), <c>ou=groups</c> (groupOfNames, <c>cn=NAME</c>),
/// <c>ou=services</c> (the search account <see cref="ServiceDn"/>).
/// </summary>
public sealed class SlapdServer : IAsyncDisposable
{
    /// <summary>The directory's suffix.</summary>
    public const string Suffix = "dc=zkdashboard,dc=test";

    /// <summary>The search account.</summary>
    public const string ServiceDn = "cn=dashboard,ou=services," + Suffix;

    /// <summary>The search account's password.</summary>
    public const string ServicePassword = "service-secret";

    /// <summary>Where users are.</summary>
    public const string PeopleBase = "ou=people," + Suffix;

    /// <summary>Where groups are.</summary>
    public const string GroupsBase = "ou=groups," + Suffix;

    private const string DirectoryPrefix = "zkd-slapd-";
    private const string RootDn = "cn=admin," + Suffix;
    private const string RootPassword = "root-secret";

    private readonly string directory;
    private readonly WatchedProcess process;

    private SlapdServer(string directory, WatchedProcess process, int port)
    {
        this.directory = directory;
        this.process = process;
        Port = port;
    }

    /// <summary>The port slapd listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary><c>ldap://127.0.0.1:PORT</c>.</summary>
    public string Url => string.Create(CultureInfo.InvariantCulture, $"ldap://127.0.0.1:{Port}");

    /// <summary>Starts slapd and loads <paramref name="users"/> and their groups.</summary>
    public static async Task<SlapdServer> StartAsync(IReadOnlyList<DirectoryUser> users)
    {
        if (!File.Exists("/usr/sbin/slapd") || !File.Exists("/usr/bin/ldapadd"))
        {
            throw new InvalidOperationException("slapd and ldapadd are missing; install them: sudo apt-get install -y slapd ldap-utils");
        }

        DeleteLeftovers();
        for (var attempt = 1; ; attempt++)
        {
            var dir = Path.Combine(Path.GetTempPath(), DirectoryPrefix + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(Path.Combine(dir, "db"));
            var port = FreePort();
            var conf = Path.Combine(dir, "slapd.conf");
            await File.WriteAllTextAsync(conf, Config(dir)).ConfigureAwait(false);
            var log = Path.Combine(dir, "slapd.log");
            var process = await WatchedProcess.StartAsync(log,
                ["/usr/sbin/slapd", "-f", conf, "-h", $"ldap://127.0.0.1:{port}/", "-d", "0"]).ConfigureAwait(false);
            var server = new SlapdServer(dir, process, port);
            try
            {
                if (await server.WaitUntilListeningAsync().ConfigureAwait(false))
                {
                    await server.LoadAsync(users).ConfigureAwait(false);
                    return server;
                }
            }
            catch
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            var text = File.Exists(log) ? await File.ReadAllTextAsync(log).ConfigureAwait(false) : "";
            await server.DisposeAsync().ConfigureAwait(false);
            if (attempt == 3)
            {
                throw new InvalidOperationException($"slapd did not start on 127.0.0.1:{port}: {text}");
            }
        }
    }

    /// <summary>Stops slapd (the test may then check how the app handles an unreachable directory). Safe to call twice.</summary>
    public Task StopAsync() => process.StopAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await process.StopAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open for a moment; the temp folder is cleaned eventually.
        }
    }

    // A test process that was killed leaves its folder behind (the watchdog killed its slapd): delete folders whose
    // slapd no longer runs.
    private static void DeleteLeftovers()
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            try
            {
                var pidFile = Path.Combine(dir, "slapd.pid");
                var running = File.Exists(pidFile)
                    && int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid)
                    && File.Exists($"/proc/{pid}/cmdline")
                    && File.ReadAllText($"/proc/{pid}/cmdline").Contains(dir, StringComparison.Ordinal);
                var young = Directory.GetCreationTimeUtc(dir) > DateTime.UtcNow.AddMinutes(-2);
                if (!running && !young)
                {
                    Directory.Delete(dir, recursive: true);
                }
            }
            catch (IOException)
            {
                // Another test process is using or deleting it.
            }
            catch (UnauthorizedAccessException)
            {
                // Someone else's folder.
            }
        }
    }

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string Config(string dir) => $"""
        include /etc/ldap/schema/core.schema
        include /etc/ldap/schema/cosine.schema
        include /etc/ldap/schema/inetorgperson.schema
        include /etc/ldap/schema/nis.schema
        modulepath /usr/lib/ldap
        moduleload back_mdb
        moduleload memberof
        pidfile {dir}/slapd.pid
        argsfile {dir}/slapd.args

        database mdb
        maxsize 16777216
        suffix "{Suffix}"
        rootdn "{RootDn}"
        rootpw {RootPassword}
        directory {dir}/db
        overlay memberof
        memberof-group-oc groupOfNames
        memberof-member-ad member
        memberof-memberof-ad memberOf
        access to attrs=userPassword by self write by anonymous auth by * none
        access to * by users read by * none

        """;

    private async Task<bool> WaitUntilListeningAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (process.Exited.IsCompleted)
            {
                return false;
            }

            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, Port).ConfigureAwait(false);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(50).ConfigureAwait(false);
            }
        }

        return false;
    }

    private async Task LoadAsync(IReadOnlyList<DirectoryUser> users)
    {
        var ldif = new StringBuilder();
        void Entry(params string[] lines)
        {
            foreach (var line in lines)
            {
                ldif.Append(line).Append('\n');
            }

            ldif.Append('\n');
        }

        Entry($"dn: {Suffix}", "objectClass: dcObject", "objectClass: organization", "o: ZkDashboard tests", "dc: zkdashboard");
        foreach (var ou in new[] { "people", "groups", "services" })
        {
            Entry($"dn: ou={ou},{Suffix}", "objectClass: organizationalUnit", $"ou: {ou}");
        }

        Entry($"dn: {ServiceDn}", "objectClass: person", "cn: dashboard", "sn: service", $"userPassword: {ServicePassword}");
        foreach (var user in users)
        {
            Entry(Attr("dn", UserDn(user.Uid)), "objectClass: inetOrgPerson", Attr("uid", user.Uid), Attr("cn", user.DisplayName),
                Attr("sn", user.DisplayName), Attr("userPassword", user.Password));
        }

        foreach (var group in users.SelectMany(u => u.Groups).Distinct(StringComparer.Ordinal))
        {
            var members = users.Where(u => u.Groups.Contains(group)).Select(u => Attr("member", UserDn(u.Uid)));
            Entry([Attr("dn", $"cn={DnValue(group)},{GroupsBase}"), "objectClass: groupOfNames", Attr("cn", group), .. members]);
        }

        var file = Path.Combine(directory, "data.ldif");
        await File.WriteAllTextAsync(file, ldif.ToString()).ConfigureAwait(false);
        var psi = new ProcessStartInfo("/usr/bin/ldapadd")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "-x", "-H", Url, "-D", RootDn, "-w", RootPassword, "-f", file })
        {
            psi.ArgumentList.Add(arg);
        }

        using var ldapadd = Process.Start(psi) ?? throw new InvalidOperationException("Could not start ldapadd.");
        var stdout = ldapadd.StandardOutput.ReadToEndAsync();
        var stderr = ldapadd.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await ldapadd.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        if (ldapadd.ExitCode != 0)
        {
            throw new InvalidOperationException($"ldapadd failed ({ldapadd.ExitCode}): {await stderr.ConfigureAwait(false)} {await stdout.ConfigureAwait(false)}");
        }
    }

    /// <summary>The DN of a user.</summary>
    public static string UserDn(string uid) => $"uid={DnValue(uid)},{PeopleBase}";

    // LDIF: values that are not "safe strings" (RFC 2849) go base64-encoded.
    private static string Attr(string name, string value) =>
        value.Length > 0 && value.All(c => c is >= ' ' and < (char)127) && value[0] is not (' ' or ':' or '<') && value[^1] != ' '
            ? $"{name}: {value}"
            : $"{name}:: {Convert.ToBase64String(Encoding.UTF8.GetBytes(value))}";

    private static string DnValue(string value)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is ',' or '+' or '"' or '\\' or '<' or '>' or ';' or '=' || (i == 0 && c is ' ' or '#') || (i == value.Length - 1 && c == ' '))
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}
