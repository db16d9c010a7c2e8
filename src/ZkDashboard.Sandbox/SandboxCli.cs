using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using ZkDashboard.Sandbox.Demo;

namespace ZkDashboard.Sandbox;

/// <summary>
/// <c>dotnet ZkDashboard.Sandbox.dll run [--servers N] [--demo] [--connect-file PATH]</c>: starts an ensemble,
/// prints the connect string (and writes it to the file), and stops everything on Ctrl+C, SIGTERM or stdin EOF
/// (when stdin is not a terminal).
/// </summary>
internal static class SandboxCli
{
    private const string Usage = """
        usage: ZkDashboard.Sandbox run [--servers N] [--demo] [--connect-file PATH] [--data-root DIR]
          --servers N         number of ZooKeeper servers (default 3; 1 is allowed)
          --demo              seed demo data and keep a status node changing
          --connect-file PATH write the connect string to PATH once the ensemble is ready (deleted on exit)
          --data-root DIR     keep server directories in DIR (default: a temp dir deleted on exit)
        Stops on Ctrl+C, SIGTERM, or end of standard input when it is not a terminal.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        if (args[0] != "run")
        {
            Console.Error.WriteLine($"unknown command '{args[0]}'.\n{Usage}");
            return 2;
        }

        int servers = 3;
        bool demo = false;
        string? connectFile = null;
        string? dataRoot = null;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--servers" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1:
                    servers = n;
                    i++;
                    break;
                case "--demo":
                    demo = true;
                    break;
                case "--connect-file" when i + 1 < args.Length:
                    connectFile = Path.GetFullPath(args[++i]);
                    break;
                case "--data-root" when i + 1 < args.Length:
                    dataRoot = Path.GetFullPath(args[++i]);
                    break;
                default:
                    Console.Error.WriteLine($"bad argument '{args[i]}' (--servers needs a number >= 1; --connect-file and --data-root need a path).\n{Usage}");
                    return 2;
            }
        }

        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => { c.Cancel = true; stop.Cancel(); });
        if (Console.IsInputRedirected)
        {
            _ = Task.Run(async () =>
            {
                // Our owner holds the other end of stdin: EOF means it went away.
                var buffer = new char[256];
                while (await Console.In.ReadAsync(buffer.AsMemory(), CancellationToken.None).ConfigureAwait(false) > 0)
                {
                }

                await stop.CancelAsync().ConfigureAwait(false);
            });
        }

        var clock = Stopwatch.StartNew();
        SandboxEnsemble ensemble;
        try
        {
            ensemble = await SandboxEnsemble.StartAsync(new SandboxOptions { Servers = servers, DataRoot = dataRoot }, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("sandbox: stopped before the ensemble was ready");
            return 130;
        }
        catch (Exception e) when (e is SandboxException or TimeoutException)
        {
            Console.Error.WriteLine("sandbox: " + e.Message);
            return 1;
        }

        await using (ensemble.ConfigureAwait(false))
        {
            ensemble.Logger = line => Console.Error.WriteLine("sandbox: " + line);
            Console.Error.WriteLine($"sandbox: {servers} server(s) ready in {clock.Elapsed.TotalSeconds:0.0} s from {ensemble.InstallationDescription}; data in {ensemble.DataRoot}");
            try
            {
                DemoData? demoData = null;
                if (demo)
                {
                    var seeding = Stopwatch.StartNew();
                    demoData = await DemoData.SeedAsync(ensemble.ConnectString, line => Console.Error.WriteLine("sandbox: " + line), stop.Token).ConfigureAwait(false);
                    Console.Error.WriteLine($"sandbox: demo data seeded in {seeding.Elapsed.TotalSeconds:0.0} s; status writer running ({DemoPaths.Status} changes every second)");
                    if (Environment.GetEnvironmentVariable(DemoReconfigGrant.EnvironmentVariable) is { Length: > 0 } grant)
                    {
                        await DemoReconfigGrant.GrantAsync(ensemble.ConnectString, ensemble.Options.SuperPassword, grant, stop.Token).ConfigureAwait(false);
                        Console.Error.WriteLine($"sandbox: /zookeeper/config grants reconfig to digest user '{grant[..grant.IndexOf(':', StringComparison.Ordinal)]}' (from {DemoReconfigGrant.EnvironmentVariable})");
                    }
                }

                if (connectFile is not null)
                {
                    var tmp = connectFile + ".tmp";
                    await File.WriteAllTextAsync(tmp, ensemble.ConnectString + "\n", stop.Token).ConfigureAwait(false);
                    File.Move(tmp, connectFile, overwrite: true);
                }

                Console.WriteLine(ensemble.ConnectString);
                if (demoData is not null)
                {
                    await using (demoData.ConfigureAwait(false))
                    {
                        await demoData.RunStatusWriterAsync(stop.Token).ConfigureAwait(false);
                    }
                }
                else
                {
                    await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            finally
            {
                if (connectFile is not null)
                {
                    File.Delete(connectFile);
                }

                Console.Error.WriteLine("sandbox: stopping");
            }
        }

        return 0;
    }
}
