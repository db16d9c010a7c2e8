namespace ZkDashboard.Sandbox;

/// <summary>The sandbox could not do what was asked; the message says what is wrong and what to do.</summary>
public class SandboxException : Exception
{
    public SandboxException()
    {
    }

    public SandboxException(string message)
        : base(message)
    {
    }

    public SandboxException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A server could not bind one of its ports (another process took it).</summary>
public sealed class SandboxPortInUseException : SandboxException
{
    public SandboxPortInUseException()
    {
    }

    public SandboxPortInUseException(string message)
        : base(message)
    {
    }

    public SandboxPortInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
