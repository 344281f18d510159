using Im.Orleans.Gateway.Hubs;
using Microsoft.AspNetCore.SignalR;

namespace Im.Orleans.Gateway.Hosting;

/// <summary>
/// SignalR logs every exception from a hub's OnConnectedAsync as an error with its stack trace, and an exception is the
/// only way to close a connection with an error the client reads. For the hub's connection refusals (marked with
/// <see cref="Mark"/>), counted in <see cref="ConnectionRefusals"/> instead, that would be one error line per refused
/// connection; this logger factory, given to the chat hub's connection handler only, drops exactly those entries.
/// </summary>
internal sealed class RefusalLogFilter(ILoggerFactory inner) : ILoggerFactory
{
    private const string MarkKey = "im.connection-refusal";

    /// <summary>Marks a refusal so that its log entry is dropped; returns it.</summary>
    public static HubException Mark(HubException refusal)
    {
        refusal.Data[MarkKey] = true;
        return refusal;
    }

    /// <summary>The chat hub's connection handler as SignalR builds it, with this factory for its loggers.</summary>
    public static HubConnectionHandler<ChatHub> CreateHandler(IServiceProvider services) =>
        ActivatorUtilities.CreateInstance<HubConnectionHandler<ChatHub>>(services, new RefusalLogFilter(services.GetRequiredService<ILoggerFactory>()));

    public ILogger CreateLogger(string categoryName) => new Filtered(inner.CreateLogger(categoryName));

    // The inner factory belongs to the host, which disposes it.
    public void Dispose()
    {
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    private static bool IsRefusal(Exception? exception) => exception?.Data[MarkKey] is true;

    private sealed class Filtered(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsRefusal(exception)) inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
