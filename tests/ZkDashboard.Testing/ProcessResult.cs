namespace ZkDashboard.Testing;

/// <summary>What a peer process printed and how it ended.</summary>
public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr)
{
    /// <summary>Both streams, for assertion messages.</summary>
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}";
}
