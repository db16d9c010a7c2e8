using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ZkDashboard.Testing;

namespace ZkDashboard.Sandbox.Tests;

/// <summary>Tests that start their own (mostly one-server) ensembles.</summary>
public sealed class LifecycleTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task StartAsync_SingleServer_ServesAsQuorumOfOne()
    {
        await using var ensemble = await SandboxEnsemble.StartAsync(new SandboxOptions { Servers = 1 });

        Assert.Single(ensemble.Servers);
        Assert.Equal(ensemble.Servers[0].HostPort, ensemble.ConnectString);
        Assert.Equal("leader", await ensemble.Servers[0].GetModeAsync());
        var cli = await PeerClients.ZkCliAsync(ensemble.ConnectString, "create /one single", "get /one");
        Assert.Contains("single", cli.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_SingleServerWithoutReconfig_RunsStandalone()
    {
        await using var ensemble = await SandboxEnsemble.StartAsync(new SandboxOptions { Servers = 1, Reconfig = false });

        Assert.Equal("standalone", await ensemble.Servers[0].GetModeAsync());
        Assert.Same(ensemble.Servers[0], await ensemble.WaitForLeaderAsync());
    }

    [Fact]
    public async Task DisposeAsync_KillsEveryProcess_IncludingPausedOnes_AndDeletesData()
    {
        var ensemble = await SandboxEnsemble.StartAsync(new SandboxOptions { Servers = 1 });
        var server = ensemble.Servers[0];
        var pid = server.ProcessId!.Value;
        var root = ensemble.DataRoot;
        await server.PauseAsync();
        Assert.Equal('T', ProcessProbe.State(pid));

        await ensemble.DisposeAsync();

        Assert.False(ProcessProbe.IsAlive(pid));
        Assert.Empty(ProcessProbe.FindByCommandLine(root));
        Assert.False(Directory.Exists(root));
        Assert.False(server.IsRunning);
    }

    [Fact]
    public async Task OwnerKilled_Watchdog_KillsJavaChildren()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ZkDashboard.Sandbox.dll");
        var dir = Directory.CreateTempSubdirectory("zk-owner-test-");
        var connectFile = Path.Combine(dir.FullName, "connect.txt");
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("run");
        psi.ArgumentList.Add("--servers");
        psi.ArgumentList.Add("1");
        psi.ArgumentList.Add("--connect-file");
        psi.ArgumentList.Add(connectFile);
        using var cli = Process.Start(psi)!;
        var stderr = cli.StandardError.ReadToEndAsync();
        var marker = "-Dzkdashboard.sandbox.owner=" + cli.Id + " ";
        try
        {
            var ready = await ProcessProbe.WaitUntilAsync(() => File.Exists(connectFile) || cli.HasExited, TimeSpan.FromSeconds(90));
            Assert.True(ready && !cli.HasExited, "the sandbox CLI did not become ready: " + (cli.HasExited ? await stderr : "timeout"));
            var children = ProcessProbe.FindByCommandLine(marker);
            Assert.NotEmpty(children);

            cli.Kill(entireProcessTree: false); // SIGKILL of the owner only: no handler of ours runs
            await cli.WaitForExitAsync();

            var gone = await ProcessProbe.WaitUntilAsync(() => ProcessProbe.FindByCommandLine(marker).Count == 0, Deadline);
            Assert.True(gone, "still alive after the owner died: " + string.Join(',', ProcessProbe.FindByCommandLine(marker)));
        }
        finally
        {
            if (!cli.HasExited)
            {
                cli.Kill(entireProcessTree: true);
            }

            foreach (var pid in ProcessProbe.FindByCommandLine(marker))
            {
                Process.GetProcessById(pid).Kill();
            }

            foreach (var leftover in Directory.EnumerateDirectories(SandboxEnsemble.DefaultRootParent(), $"*-{cli.Id}-*"))
            {
                Directory.Delete(leftover, recursive: true);
            }

            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task StartAsync_ReportsPortInUse_WhenAServersPortIsTaken()
    {
        await using var ensemble = await SandboxEnsemble.StartAsync(new SandboxOptions { Servers = 1 });
        var server = ensemble.Servers[0];
        await server.StopAsync();
        using var squatter = new TcpListener(IPAddress.Loopback, server.ClientPort);
        squatter.Start();

        var error = await Assert.ThrowsAsync<SandboxPortInUseException>(server.StartAsync);

        Assert.Contains(server.ClientPort.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.False(server.IsRunning);
    }

    [Fact]
    public async Task StartAsync_RejectsZeroServers()
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => SandboxEnsemble.StartAsync(new SandboxOptions { Servers = 0 }));

        Assert.Contains("at least 1 server", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_NamesTheProblem_WhenZooKeeperHomeIsWrong()
    {
        var previous = Environment.GetEnvironmentVariable("ZOOKEEPER_HOME");
        Environment.SetEnvironmentVariable("ZOOKEEPER_HOME", "/nonexistent/zookeeper");
        try
        {
            var error = await Assert.ThrowsAsync<SandboxException>(() => SandboxEnsemble.StartAsync(new SandboxOptions { Servers = 1 }));

            Assert.Contains("ZOOKEEPER_HOME=/nonexistent/zookeeper", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("ZOOKEEPER_HOME", previous);
        }
    }
}
