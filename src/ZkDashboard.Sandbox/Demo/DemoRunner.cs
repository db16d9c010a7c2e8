namespace ZkDashboard.Sandbox;

/// <summary>Seeds demo data and keeps a status node changing (uses our ZooKeeper client).</summary>
internal static class DemoRunner
{
    public static Task SeedAsync(SandboxEnsemble ensemble, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        ct.ThrowIfCancellationRequested();
        throw new SandboxException("Demo seeding needs the ZooKeeper client, which has not landed in this build yet.");
    }

    public static Task RunStatusWriterAsync(SandboxEnsemble ensemble, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        return Task.Delay(Timeout.Infinite, ct);
    }
}
