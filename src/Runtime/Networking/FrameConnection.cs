using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Im.Orleans.Networking;

/// <summary>
/// One established TCP connection to another node carrying length-prefixed frames both ways. A single writer
/// loop drains the send queue and batches small frames into one socket write; a receive loop hands each frame,
/// in order, to the frame handler. The connection is never reopened: once closed, dial or accept a new one.
/// </summary>
internal sealed class FrameConnection : IAsyncDisposable
{
    private const int HeaderBytes = 4;
    // Small frames are copied into one buffer of this size and written together; bigger ones go out from the caller's memory.
    private const int BatchBytes = 64 * 1024;

    private readonly Socket _socket;
    private readonly Channel<ReadOnlyMemory<byte>> _sendQueue;
    private readonly Action<FrameConnection, ReadOnlyMemory<byte>> _handler;
    private readonly ILogger _logger;
    private readonly int _maxFrameBytes;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _started;
    private int _closing;
    private Exception? _closeReason;

    public FrameConnection(Socket socket, NodeIdentity remote, bool isOutbound, NetworkingOptions options,
        Action<FrameConnection, ReadOnlyMemory<byte>> handler, ILogger logger)
    {
        _socket = socket;
        Remote = remote;
        IsOutbound = isOutbound;
        RemoteEndPoint = socket.RemoteEndPoint;
        _handler = handler;
        _logger = logger;
        _maxFrameBytes = options.MaxFrameBytes;
        _sendQueue = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(Math.Max(1, options.SendQueueLimit))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public NodeIdentity Remote { get; }

    public bool IsOutbound { get; }

    /// <summary>The peer's socket address, for logs (null when the socket was already gone at construction).</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>The underlying socket, for inspecting its options; frames go through TrySend only.</summary>
    public Socket Socket => _socket;

    /// <summary>Completes once the connection is closed and both loops have stopped: no handler call happens after it.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Why the connection closed: null when closed locally (dispose, disconnect), otherwise the peer's or the protocol's failure.</summary>
    public Exception? CloseReason => Volatile.Read(ref _closeReason);

    public bool IsClosed => Volatile.Read(ref _closing) != 0;

    /// <summary>
    /// Queues a frame; thread-safe, never blocks or throws. The memory is read later by the writer loop, so the
    /// caller must not change it afterwards. False when the connection is closed, the queue is full, or the frame
    /// is larger than MaxFrameBytes (the peer would refuse it).
    /// </summary>
    public bool TrySend(ReadOnlyMemory<byte> frame)
    {
        if (frame.Length > _maxFrameBytes)
        {
            _logger.LogError("Refused to send a frame of {Length} bytes to {Connection}: larger than MaxFrameBytes {Max}", frame.Length, this, _maxFrameBytes);
            return false;
        }
        return _sendQueue.Writer.TryWrite(frame);
    }

    /// <summary>Starts the loops; the owner calls it once the connection is registered, so no frame arrives before that.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) return;
        // Task.Run keeps the loops off the caller's SynchronizationContext (a grain turn may have dialled).
        var writing = Task.Run(WriteLoopAsync);
        var receiving = Task.Run(ReceiveLoopAsync);
        _ = FinishAsync(writing, receiving);
    }

    /// <summary>Closes the connection (idempotent); the first reason wins. Pending sends are dropped.</summary>
    public void Close(Exception? reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0) return;
        Volatile.Write(ref _closeReason, reason);
        _sendQueue.Writer.TryComplete();
        try
        {
            // Shutdown first so the peer sees FIN promptly; disposing aborts the loops' pending socket operations.
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        _socket.Dispose();
        // Never started: no loop will complete Closed, so do it here (and keep Start from starting them).
        if (Interlocked.Exchange(ref _started, 1) == 0) _closed.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        Close(null);
        await Closed.ConfigureAwait(false);
    }

    public override string ToString() => $"{(IsOutbound ? "connection to" : "connection from")} {Remote} at {RemoteEndPoint}";

    private async Task FinishAsync(Task writing, Task receiving)
    {
        try
        {
            await Task.WhenAll(writing, receiving).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The loops handle their own errors; reaching here is a bug in them, but Closed must still complete.
            _logger.LogError(e, "Loop of {Connection} failed unexpectedly", this);
            Close(e);
        }
        _closed.TrySetResult();
    }

    private async Task WriteLoopAsync()
    {
        var reader = _sendQueue.Reader;
        var batch = ArrayPool<byte>.Shared.Rent(BatchBytes);
        try
        {
            // No token: WaitToReadAsync without one reuses a single waiter, so an idle wake-up allocates nothing.
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                var used = 0;
                while (!IsClosed && reader.TryRead(out var frame))
                {
                    var size = HeaderBytes + frame.Length;
                    if (used > 0 && used + size > batch.Length)
                    {
                        await SocketIo.SendAllAsync(_socket, batch.AsMemory(0, used)).ConfigureAwait(false);
                        used = 0;
                    }
                    BinaryPrimitives.WriteInt32LittleEndian(batch.AsSpan(used), frame.Length);
                    used += HeaderBytes;
                    if (size <= batch.Length)
                    {
                        frame.Span.CopyTo(batch.AsSpan(used));
                        used += frame.Length;
                        continue;
                    }
                    await SocketIo.SendAllAsync(_socket, batch.AsMemory(0, used)).ConfigureAwait(false);
                    used = 0;
                    await SocketIo.SendAllAsync(_socket, frame).ConfigureAwait(false);
                }
                if (IsClosed) break;
                if (used > 0) await SocketIo.SendAllAsync(_socket, batch.AsMemory(0, used)).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            if (!IsClosed) _logger.LogInformation("Send on {Connection} failed: {Reason}", this, e.Message);
            Close(e);
        }
        finally
        {
            // Only after the last send completed (or failed): the pool may hand the buffer to someone else.
            ArrayPool<byte>.Shared.Return(batch);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        NetworkStream? stream = null;
        PipeReader? reader = null;
        Exception? error = null;
        try
        {
            // Inside the try: a Close that raced Start has already disposed the socket, and the stream refuses it.
            stream = new NetworkStream(_socket, ownsSocket: false);
            reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: BatchBytes, minimumReadSize: 4096, leaveOpen: true));
            while (!IsClosed)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                while (!IsClosed && TryReadFrame(ref buffer, out var payload)) Deliver(payload);
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (!result.IsCompleted) continue;
                error = buffer.IsEmpty
                    ? new IOException($"The peer closed the {this}.")
                    : new IOException($"The peer closed the {this} in the middle of a frame ({buffer.Length} bytes of it arrived).");
                if (!IsClosed) _logger.LogInformation("{Reason}", error.Message);
                break;
            }
        }
        catch (InvalidDataException e)
        {
            error = e;
            _logger.LogError("Protocol error on {Connection}, closing it: {Reason}", this, e.Message);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or OperationCanceledException)
        {
            error = e;
            if (!IsClosed) _logger.LogInformation("Receive on {Connection} failed: {Reason}", this, e.Message);
        }
        finally
        {
            if (reader is not null) await reader.CompleteAsync().ConfigureAwait(false);
            if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
        }
        Close(error);
    }

    private bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out ReadOnlyMemory<byte> payload)
    {
        payload = default;
        if (buffer.Length < HeaderBytes) return false;
        Span<byte> header = stackalloc byte[HeaderBytes];
        buffer.Slice(0, HeaderBytes).CopyTo(header);
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length < 0 || length > _maxFrameBytes)
            throw new InvalidDataException($"The peer announced a frame of {length} bytes; allowed are 0 to {_maxFrameBytes} (MaxFrameBytes).");
        if (buffer.Length - HeaderBytes < length) return false;
        // A fresh array per frame so the handler may keep the payload after it returns.
        var bytes = length == 0 ? Array.Empty<byte>() : new byte[length];
        buffer.Slice(HeaderBytes, length).CopyTo(bytes);
        payload = bytes;
        buffer = buffer.Slice(HeaderBytes + length);
        return true;
    }

    private void Deliver(ReadOnlyMemory<byte> payload)
    {
        try
        {
            _handler(this, payload);
        }
        catch (Exception e)
        {
            // The payload is opaque here, so a throwing handler is a bug upstream; closing makes it visible instead of silently losing frames.
            _logger.LogError(e, "Frame handler threw on {Connection}; closing the connection", this);
            Close(e);
        }
    }
}
