using Microsoft.Extensions.Logging;

namespace ZkDashboard.ZooKeeper.Tests;

/// <summary>Collects the client's log lines, to show them when a test fails.</summary>
internal sealed class ListLogger : ILoggerFactory, ILogger
{
    private readonly List<string> _lines = [];

    public string Text
    {
        get
        {
            lock (_lines) return string.Join("\n", _lines);
        }
    }

    public ILogger CreateLogger(string categoryName) => this;
    public void AddProvider(ILoggerProvider provider) { }
    public void Dispose() { }
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines) _lines.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {formatter(state, exception)}");
    }
}
