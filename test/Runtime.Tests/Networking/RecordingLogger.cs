using System.Collections.Concurrent;
using Im.Orleans.Networking;
using Microsoft.Extensions.Logging;

namespace Im.Orleans.Runtime.Tests.Networking;

/// <summary>Keeps warnings and errors so a test can check that a clean run logged none.</summary>
internal sealed class RecordingLogger : ILogger<ConnectionManager>
{
    public ConcurrentQueue<string> Problems { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel)) Problems.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
    }
}
