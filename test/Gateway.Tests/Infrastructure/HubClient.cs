using System.Net.WebSockets;
using System.Reflection;
using System.Text.Json;
using Im.Orleans.Grains;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Im.Orleans.Gateway.Tests.Infrastructure;

/// <summary>The tests' hub connection: the official SignalR .NET client (JSON protocol) recording every push as JSON.</summary>
/// <remarks>
/// Results and event payloads are bound as <see cref="JsonElement"/>, so the tests assert on the wire JSON
/// (camelCase, as the gateway's JSON hub protocol writes it). A hub error becomes <see cref="HubCallException"/>
/// with the server's "code: message"; a call cut off by the connection closing becomes one with "connection closed".
/// </remarks>
public sealed class HubClient : IAsyncDisposable
{
    private const string ServerClosedPrefix = "The server closed the connection with the following error: ";
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Every event the gateway pushes; handlers must exist before the start, when queued messages already arrive.</summary>
    private static readonly string[] EventNames = typeof(ClientEventNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToArray();

    private readonly HubConnection _connection;
    private readonly List<HubEvent> _events = new();
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly bool _messagePack;

    private HubClient(HubConnection connection, bool messagePack)
    {
        _connection = connection;
        _messagePack = messagePack;
        // The MessagePack protocol binds payloads as plain maps, lists and primitives; they are recorded as the JSON they amount to.
        foreach (var name in EventNames)
        {
            connection.On(name, [messagePack ? typeof(object) : typeof(JsonElement)],
                args => Record(name, messagePack ? MessagePackValues.ToJson(args[0]) : args[0] is JsonElement payload ? payload : default));
        }
        connection.Closed += OnClosedAsync;
    }

    /// <summary>Why the connection closed: the server's close error (e.g. after an oversized message), or the transport's failure.</summary>
    public string? CloseError { get; private set; }

    /// <summary>Whether the connection has closed (by the server, a transport failure or <see cref="DisposeAsync"/>).</summary>
    public bool Closed => _closed.Task.IsCompleted;

    /// <summary>
    /// Connects to /hubs/chat with the token (sent as a bearer header) and an optional ?device=. Like the web client it
    /// negotiates first, so a refused token throws the negotiate's <see cref="HttpRequestException"/> (401);
    /// <paramref name="negotiate"/> false (WebSockets only) goes straight to the socket, whose refused upgrade throws
    /// a <see cref="WebSocketException"/> naming the 401. <paramref name="messagePack"/> asks for the MessagePack protocol.
    /// </summary>
    public static async Task<HubClient> ConnectAsync(
        Uri baseAddress,
        string? token,
        string? device = null,
        HttpTransportType transport = HttpTransportType.WebSockets,
        bool negotiate = true,
        bool messagePack = false)
    {
        var url = new UriBuilder(baseAddress)
        {
            Path = "/hubs/chat",
            Query = device is null ? "" : "device=" + Uri.EscapeDataString(device),
        }.Uri;
        var builder = new HubConnectionBuilder()
            .WithUrl(url, transport, options =>
            {
                if (token is not null) options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                options.SkipNegotiation = !negotiate;
            });
        if (messagePack) builder.AddMessagePackProtocol();
        var connection = builder.Build();
        var client = new HubClient(connection, messagePack);
        try
        {
            await connection.StartAsync();
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        return client;
    }

    /// <summary>Invokes a hub method and returns its result (undefined JSON for void methods); a hub error throws <see cref="HubCallException"/>.</summary>
    public Task<JsonElement> InvokeAsync(string method, params object?[] args) => InvokeAsync<JsonElement>(method, args);

    /// <summary>Invokes a hub method and binds its result to <typeparamref name="T"/> (camelCase JSON).</summary>
    public async Task<T> InvokeAsync<T>(string method, params object?[] args)
    {
        using var timeout = new CancellationTokenSource(CallTimeout);
        try
        {
            if (_messagePack && typeof(T) != typeof(JsonElement)) throw new NotSupportedException("MessagePack results are bound as JsonElement only");
            var result = await _connection.InvokeCoreAsync(method, _messagePack ? typeof(object) : typeof(T), args, timeout.Token);
            if (_messagePack) return (T)(object)MessagePackValues.ToJson(result);
            return result is null ? default! : (T)result;
        }
        catch (HubException e) when (!e.Message.StartsWith(ServerClosedPrefix, StringComparison.Ordinal))
        {
            throw HubCallException.FromServer(e);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"'{method}' got no answer within {CallTimeout.TotalSeconds:F0} s");
        }
        catch (Exception e) when (e is HubException or OperationCanceledException or IOException or WebSocketException
                                   || (e is InvalidOperationException && _connection.State != HubConnectionState.Connected))
        {
            // The connection closed under the call (or before it). The client fails the call before it raises Closed,
            // so wait for that: after a failed call, Closed and CloseError are settled.
            await WaitUntilClosedAsync(TimeSpan.FromSeconds(5));
            throw new HubCallException("connection closed", e);
        }
    }

    /// <summary>Every event received so far with this name, in arrival order.</summary>
    public IReadOnlyList<JsonElement> Events(string name)
    {
        lock (_lock) return _events.Where(e => e.Name == name).Select(e => e.Payload).ToList();
    }

    /// <summary>Waits until an event with this name (and matching the predicate) has arrived; returns it.</summary>
    public async Task<JsonElement> WaitForEventAsync(string name, Func<JsonElement, bool>? predicate = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                foreach (var e in _events)
                {
                    if (e.Name == name && (predicate is null || predicate(e.Payload))) return e.Payload;
                }
                changed = _changed.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"no '{name}' event arrived");
            await Task.WhenAny(changed, Task.Delay(left));
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> events with this name arrived; returns them all.</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForEventsAsync(string name, int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                var found = _events.Where(e => e.Name == name).Select(e => e.Payload).ToList();
                if (found.Count >= count) return found;
                changed = _changed.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"only {Events(name).Count} of {count} '{name}' events arrived");
            await Task.WhenAny(changed, Task.Delay(left));
        }
    }

    /// <summary>Waits (at most <paramref name="timeout"/>) for the connection to close; returns whether it did.</summary>
    public async Task<bool> WaitUntilClosedAsync(TimeSpan timeout)
    {
        await Task.WhenAny(_closed.Task, Task.Delay(timeout));
        return Closed;
    }

    /// <summary>Stops the connection (a normal close the server sees as the client leaving).</summary>
    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();

    private Task Record(string name, JsonElement payload)
    {
        lock (_lock)
        {
            _events.Add(new HubEvent(name, payload));
            Notify();
        }
        return Task.CompletedTask;
    }

    private Task OnClosedAsync(Exception? error)
    {
        CloseError = error?.Message is { } text && text.StartsWith(ServerClosedPrefix, StringComparison.Ordinal)
            ? text[ServerClosedPrefix.Length..]
            : error?.Message;
        _closed.TrySetResult();
        lock (_lock) Notify();
        return Task.CompletedTask;
    }

    /// <summary>Wakes the waiters; call under the lock.</summary>
    private void Notify()
    {
        _changed.TrySetResult();
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed record HubEvent(string Name, JsonElement Payload);
}
