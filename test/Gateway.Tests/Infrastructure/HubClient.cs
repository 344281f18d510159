using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Im.Orleans.Gateway.Tests.Infrastructure;

/// <summary>
/// A minimal SignalR JSON hub-protocol client over ClientWebSocket (the .NET SignalR client does not restore
/// here): handshake, invocations (type 1 with invocationId) and their completions (type 3), events (type 1
/// without invocationId), pings (type 6) and close (type 7). Records end with the 0x1E separator.
/// </summary>
public sealed class HubClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ClientWebSocket _socket;
    private readonly Dictionary<string, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly List<HubEvent> _events = new();
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _receiveLoop = Task.CompletedTask;
    private int _nextId;

    private HubClient(ClientWebSocket socket) => _socket = socket;

    /// <summary>The close message's error, when the server closed the connection with one.</summary>
    public string? CloseError { get; private set; }

    public bool Closed { get; private set; }

    public static async Task<HubClient> ConnectAsync(Uri baseAddress, string? token, string? device = null)
    {
        var query = new List<string>();
        if (token is not null) query.Add("access_token=" + Uri.EscapeDataString(token));
        if (device is not null) query.Add("device=" + Uri.EscapeDataString(device));
        var uri = new UriBuilder(baseAddress) { Scheme = baseAddress.Scheme == "https" ? "wss" : "ws", Path = "/hubs/chat", Query = string.Join('&', query) }.Uri;
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await socket.ConnectAsync(uri, CancellationToken.None);
        var client = new HubClient(socket);
        await client.SendRecordAsync("""{"protocol":"json","version":1}""");
        var handshake = await client.ReceiveRecordsAsync(CancellationToken.None);
        using (var doc = JsonDocument.Parse(handshake[0]))
        {
            if (doc.RootElement.TryGetProperty("error", out var error)) throw new InvalidOperationException("handshake refused: " + error.GetString());
        }
        foreach (var record in handshake.Skip(1)) client.Handle(record);
        client._receiveLoop = Task.Run(client.ReceiveLoopAsync);
        return client;
    }

    /// <summary>Invokes a hub method and returns its result (JSON null for void methods); a hub error throws <see cref="HubCallException"/>.</summary>
    public async Task<JsonElement> InvokeAsync(string method, params object?[] args)
    {
        var id = Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var completion = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock) _pending[id] = completion;
        await SendRecordAsync(JsonSerializer.Serialize(new { type = 1, invocationId = id, target = method, arguments = args }, Json));
        return await completion.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async Task<T> InvokeAsync<T>(string method, params object?[] args) =>
        (await InvokeAsync(method, args)).Deserialize<T>(Json)!;

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

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            if (_socket.State == WebSocketState.Open)
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, new CancellationTokenSource(TimeSpan.FromSeconds(2)).Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        try
        {
            await _receiveLoop.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException or WebSocketException)
        {
        }
        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task SendRecordAsync(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json + RecordSeparator);
        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var records = await ReceiveRecordsAsync(_stop.Token);
                if (records.Count == 0) break;
                foreach (var record in records) Handle(record);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        finally
        {
            Closed = true;
            lock (_lock)
            {
                foreach (var pending in _pending.Values) pending.TrySetException(new HubCallException("connection closed"));
                _pending.Clear();
                _changed.TrySetResult();
            }
        }
    }

    private void Handle(string record)
    {
        using var doc = JsonDocument.Parse(record);
        var root = doc.RootElement;
        switch (root.GetProperty("type").GetInt32())
        {
            case 1 when !root.TryGetProperty("invocationId", out _):
                var args = root.GetProperty("arguments");
                var payload = args.GetArrayLength() > 0 ? args[0].Clone() : default;
                lock (_lock)
                {
                    _events.Add(new HubEvent(root.GetProperty("target").GetString()!, payload));
                    _changed.TrySetResult();
                    _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                break;
            case 3:
                TaskCompletionSource<JsonElement>? completion;
                lock (_lock) _pending.Remove(root.GetProperty("invocationId").GetString()!, out completion);
                if (completion is null) break;
                if (root.TryGetProperty("error", out var error)) completion.TrySetException(new HubCallException(error.GetString()!));
                else completion.TrySetResult(root.TryGetProperty("result", out var result) ? result.Clone() : default);
                break;
            case 7:
                CloseError = root.TryGetProperty("error", out var closeError) ? closeError.GetString() : null;
                break;
        }
    }

    private async Task<List<string>> ReceiveRecordsAsync(CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        while (true)
        {
            var memory = buffer.GetMemory(8192);
            var result = await _socket.ReceiveAsync(memory, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close) return [];
            buffer.Advance(result.Count);
            if (result.EndOfMessage && buffer.WrittenCount > 0 && buffer.WrittenSpan[^1] == (byte)RecordSeparator) break;
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan).Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    private sealed record HubEvent(string Name, JsonElement Payload);
}
