using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;
using Im.Orleans.Networking;
using Xunit;

namespace Im.Orleans.Runtime.Tests.Networking;

public sealed class FrameConnectionTests
{
    [Fact]
    public async Task Frames_from_four_threads_arrive_complete_and_each_thread_in_order()
    {
        const int threads = 4, perThread = 2_500, headerBytes = 12;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var nextSeq = new int[threads];
        var received = 0;
        var errors = new ConcurrentQueue<string>();
        await using var a = new TestNode("a", handler: (_, payload) =>
        {
            // Runs on the receive loop, one frame at a time, so plain fields are safe here.
            var span = payload.Span;
            var thread = BinaryPrimitives.ReadInt32LittleEndian(span);
            var seq = BinaryPrimitives.ReadInt32LittleEndian(span[4..]);
            var hash = BinaryPrimitives.ReadInt32LittleEndian(span[8..]);
            if (seq != nextSeq[thread]) errors.Enqueue($"thread {thread}: got {seq}, expected {nextSeq[thread]}");
            nextSeq[thread] = seq + 1;
            if (Hash(span[headerBytes..]) != hash) errors.Enqueue($"thread {thread} frame {seq}: checksum mismatch");
            if (++received == threads * perThread) done.TrySetResult();
        });
        await using var b = new TestNode("b");
        var connection = await b.DialAsync(a, a.Listen());

        var senders = Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            var random = new Random(t);
            for (var seq = 0; seq < perThread; seq++)
            {
                var frame = new byte[headerBytes + random.Next(0, 70 * 1024)];
                random.NextBytes(frame.AsSpan(headerBytes));
                BinaryPrimitives.WriteInt32LittleEndian(frame, t);
                BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(4), seq);
                BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(8), Hash(frame.AsSpan(headerBytes)));
                Assert.True(connection.TrySend(frame));
            }
        })).ToArray();
        // About 350 MB go through here; the guards only catch hangs, generous for a loaded machine.
        await Task.WhenAll(senders).WaitAsync(TimeSpan.FromMinutes(2));
        await done.Task.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Empty(errors);
        Assert.All(nextSeq, n => Assert.Equal(perThread, n));
        Assert.Empty(a.Log.Problems);
        Assert.Empty(b.Log.Problems);
    }

    [Fact]
    public async Task Both_sides_send_on_one_connection_including_empty_frames()
    {
        await using var a = new TestNode("a", handler: (connection, payload) =>
        {
            // Echo back with a marker, on the same (inbound) connection.
            Assert.True(connection.TrySend(payload.IsEmpty ? "empty"u8.ToArray() : [.. "echo:"u8, .. payload.Span]));
        });
        await using var b = new TestNode("b");
        var connection = await b.DialAsync(a, a.Listen());
        Assert.True(connection.IsOutbound);
        Assert.Equal(a.Identity, connection.Remote);

        Assert.True(connection.TrySend("hi"u8.ToArray()));
        Assert.True(connection.TrySend(Array.Empty<byte>()));

        var first = await b.NextAsync(b.Received);
        var second = await b.NextAsync(b.Received);
        Assert.Equal("echo:hi"u8.ToArray(), first.Payload);
        Assert.Equal("empty"u8.ToArray(), second.Payload);
        Assert.Same(connection, first.Connection);
        Assert.Empty(a.Log.Problems);
        var inbound = Assert.Single(a.Manager.Connections);
        Assert.False(inbound.IsOutbound);
        Assert.Equal(b.Identity, inbound.Remote);
    }

    [Fact]
    public async Task A_frame_over_MaxFrameBytes_closes_the_connection_on_both_sides()
    {
        await using var a = new TestNode("a", configure: o => o.MaxFrameBytes = 1024);
        await using var b = new TestNode("b");
        var outbound = await b.DialAsync(a, a.Listen());
        var inbound = await a.NextAsync(a.Established);

        Assert.False(inbound.TrySend(new byte[1025]));
        Assert.False(inbound.IsClosed);
        Assert.True(outbound.TrySend(new byte[1025]));

        await inbound.Closed.WaitAsync(TestNode.Guard);
        Assert.IsType<InvalidDataException>(inbound.CloseReason);
        Assert.Contains(a.Log.Problems, p => p.Contains("MaxFrameBytes", StringComparison.Ordinal));
        await outbound.Closed.WaitAsync(TestNode.Guard);
        Assert.NotNull(outbound.CloseReason);
        Assert.False(outbound.TrySend(new byte[1]));
    }

    [Fact]
    public async Task A_negative_length_closes_the_connection_with_a_protocol_error()
    {
        await using var a = new TestNode("a");
        using var peer = await RawPeer.ConnectAsync(a.Listen(), "raw");
        var inbound = await a.NextAsync(a.Established);

        await peer.SendAsync([0xFB, 0xFF, 0xFF, 0xFF]);

        await inbound.Closed.WaitAsync(TestNode.Guard);
        Assert.IsType<InvalidDataException>(inbound.CloseReason);
        await peer.DrainUntilClosedAsync();
    }

    [Fact]
    public async Task A_peer_closing_mid_frame_and_a_reset_peer_both_close_the_connection()
    {
        await using var a = new TestNode("a");
        var endpoint = a.Listen();

        using var halfWriter = await RawPeer.ConnectAsync(endpoint, "half");
        var first = await a.NextAsync(a.Established);
        await halfWriter.SendAsync([100, 0, 0, 0, 1, 2, 3]);
        halfWriter.Socket.Shutdown(SocketShutdown.Send);
        await first.Closed.WaitAsync(TestNode.Guard);
        Assert.Contains("middle of a frame", Assert.IsType<IOException>(first.CloseReason).Message, StringComparison.Ordinal);

        var resetter = await RawPeer.ConnectAsync(endpoint, "reset");
        var second = await a.NextAsync(a.Established);
        resetter.Reset();
        await second.Closed.WaitAsync(TestNode.Guard);
        Assert.NotNull(second.CloseReason);
        await a.NextAsync(a.Lost);
        await a.NextAsync(a.Lost);
        Assert.False(a.Manager.TryGetConnection("half", out _));
        Assert.False(a.Manager.TryGetConnection("reset", out _));
    }

    [Fact]
    public async Task A_throwing_handler_closes_its_connection_with_that_exception()
    {
        await using var a = new TestNode("a", handler: (_, _) => throw new InvalidOperationException("handler bug"));
        await using var b = new TestNode("b");
        var outbound = await b.DialAsync(a, a.Listen());
        var inbound = await a.NextAsync(a.Established);

        Assert.True(outbound.TrySend(new byte[] { 1 }));

        await inbound.Closed.WaitAsync(TestNode.Guard);
        Assert.Equal("handler bug", Assert.IsType<InvalidOperationException>(inbound.CloseReason).Message);
        await outbound.Closed.WaitAsync(TestNode.Guard);
    }

    [Fact]
    public async Task TrySend_returns_false_when_the_queue_is_full_and_after_close()
    {
        await using var a = new TestNode("a", configure: o => o.SendQueueLimit = 4);
        using var peer = await RawPeer.ConnectAsync(a.Listen(), "sleeper");
        var connection = await a.NextAsync(a.Established);

        // The peer never reads: once the kernel buffers are full the writer stalls and the queue fills up.
        var frame = new byte[1024 * 1024];
        var accepted = 0;
        while (connection.TrySend(frame))
        {
            accepted++;
            Assert.True(accepted < 10_000, "TrySend never pushed back");
        }
        Assert.False(connection.IsClosed);

        await connection.DisposeAsync();
        Assert.True(connection.Closed.IsCompleted);
        Assert.Null(connection.CloseReason);
        Assert.False(connection.TrySend(new byte[1]));
    }

    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        var hash = new HashCode();
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }
}
