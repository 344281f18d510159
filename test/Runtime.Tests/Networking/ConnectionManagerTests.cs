using System.Net;
using System.Net.Sockets;
using Im.Orleans.Networking;
using Im.Orleans.TestKit;
using Xunit;

namespace Im.Orleans.Runtime.Tests.Networking;

public sealed class ConnectionManagerTests
{
    [Fact]
    public async Task A_dialler_from_another_cluster_is_refused_on_both_sides()
    {
        await using var a = new TestNode("a", clusterId: "blue");
        await using var b = new TestNode("b", clusterId: "green");
        var endpoint = a.Listen();

        var failure = await Assert.ThrowsAsync<ConnectionFailedException>(() => b.DialAsync(a, endpoint));
        Assert.Contains("blue", failure.Message, StringComparison.Ordinal);
        Assert.Contains(b.Log.Problems, p => p.Contains("cluster blue", StringComparison.Ordinal));
        Assert.Empty(b.Manager.Connections);

        // The listener closes a wrong-cluster socket without ever registering it.
        using var stranger = await RawPeer.ConnectAsync(endpoint, "stranger", clusterId: "green");
        Assert.Equal("blue", stranger.RemoteHello.ClusterId);
        await stranger.DrainUntilClosedAsync();
        Assert.False(a.Established.Reader.TryRead(out _));
        Assert.Empty(a.Manager.Connections);
    }

    [Fact]
    public async Task Dialling_a_port_nobody_listens_on_fails_and_the_backoff_grows_until_a_success_resets_it()
    {
        var time = new ManualTimeProvider();
        await using var a = new TestNode("a");
        await using var b = new TestNode("b", time: time);
        var deadEndpoint = UnusedEndpoint();

        Assert.Equal(TimeSpan.Zero, b.Manager.NextBackoff("a"));
        Assert.False(b.Manager.IsInBackoff("a"));
        var failure = await Assert.ThrowsAsync<ConnectionFailedException>(() => b.DialAsync(a, deadEndpoint));
        Assert.Contains("node a", failure.Message, StringComparison.Ordinal);
        Assert.Contains(deadEndpoint.ToString(), failure.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(SocketError.ConnectionRefused), failure.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMilliseconds(100), b.Manager.NextBackoff("a"));
        Assert.True(b.Manager.IsInBackoff("a"));

        await Assert.ThrowsAsync<ConnectionFailedException>(() => b.DialAsync(a, deadEndpoint));
        Assert.Equal(TimeSpan.FromMilliseconds(200), b.Manager.NextBackoff("a"));
        time.Advance(TimeSpan.FromMilliseconds(199));
        Assert.True(b.Manager.IsInBackoff("a"));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(b.Manager.IsInBackoff("a"));

        for (var i = 0; i < 6; i++) await Assert.ThrowsAsync<ConnectionFailedException>(() => b.DialAsync(a, deadEndpoint));
        Assert.Equal(TimeSpan.FromSeconds(2), b.Manager.NextBackoff("a"));

        await b.DialAsync(a, a.Listen());
        Assert.Equal(TimeSpan.Zero, b.Manager.NextBackoff("a"));
        Assert.False(b.Manager.IsInBackoff("a"));
    }

    [Fact]
    public async Task Concurrent_GetOrConnectAsync_calls_share_one_connection()
    {
        await using var a = new TestNode("a");
        await using var b = new TestNode("b");
        var endpoint = a.Listen();

        var dials = Enumerable.Range(0, 32).Select(_ => Task.Run(() => b.DialAsync(a, endpoint))).ToArray();
        var connections = await Task.WhenAll(dials);

        Assert.All(connections, c => Assert.Same(connections[0], c));
        Assert.Same(connections[0], Assert.Single(b.Manager.Connections));
        Assert.True(b.Manager.TryGetConnection("a", out var found));
        Assert.Same(connections[0], found);
        await a.NextAsync(a.Established);
        Assert.Single(a.Manager.Connections);
        Assert.Same(connections[0], await b.DialAsync(a, endpoint));
    }

    [Fact]
    public async Task Disconnect_closes_both_sides_and_raises_ConnectionLost_once_each()
    {
        var a = new TestNode("a");
        var b = new TestNode("b");
        var outbound = await b.DialAsync(a, a.Listen());
        var inbound = await a.NextAsync(a.Established);
        Assert.Same(outbound, await b.NextAsync(b.Established));

        b.Manager.Disconnect("a");

        await outbound.Closed.WaitAsync(TestNode.Guard);
        await inbound.Closed.WaitAsync(TestNode.Guard);
        Assert.Null(outbound.CloseReason);
        Assert.NotNull(inbound.CloseReason);
        Assert.Same(outbound, await b.NextAsync(b.Lost));
        Assert.Same(inbound, await a.NextAsync(a.Lost));
        Assert.False(b.Manager.TryGetConnection("a", out _));
        Assert.False(a.Manager.TryGetConnection("b", out _));
        Assert.False(outbound.TrySend(new byte[1]));

        await a.DisposeAsync();
        await b.DisposeAsync();
        Assert.Equal(1, a.LostCount);
        Assert.Equal(1, b.LostCount);
        Assert.Empty(a.Log.Problems);
        Assert.Empty(b.Log.Problems);
    }

    [Fact]
    public async Task A_peer_disposing_its_connection_closes_ours_and_a_new_dial_works()
    {
        await using var a = new TestNode("a");
        await using var b = new TestNode("b");
        var endpoint = a.Listen();
        var outbound = await b.DialAsync(a, endpoint);
        var inbound = await a.NextAsync(a.Established);

        await inbound.DisposeAsync();

        await outbound.Closed.WaitAsync(TestNode.Guard);
        Assert.NotNull(outbound.CloseReason);
        await b.NextAsync(b.Lost);
        var again = await b.DialAsync(a, endpoint);
        Assert.NotSame(outbound, again);
        Assert.True(again.TrySend("after"u8.ToArray()));
        Assert.Equal("after"u8.ToArray(), (await a.NextAsync(a.Received)).Payload);
    }

    [Fact]
    public async Task Dialling_an_address_now_held_by_another_node_fails_and_keeps_nothing()
    {
        await using var restarted = new TestNode("a-v2");
        await using var b = new TestNode("b");
        var endpoint = restarted.Listen();

        var failure = await Assert.ThrowsAsync<ConnectionFailedException>(
            () => b.Manager.GetOrConnectAsync("a-v1", endpoint, CancellationToken.None).WaitAsync(TestNode.Guard));

        Assert.Contains("a-v2", failure.Message, StringComparison.Ordinal);
        Assert.Empty(b.Manager.Connections);
        Assert.False(b.Established.Reader.TryRead(out _));
    }

    [Fact]
    public async Task Disposing_the_manager_closes_its_connections_and_listener()
    {
        await using var a = new TestNode("a");
        var b = new TestNode("b");
        var endpoint = a.Listen();
        var bEndpoint = b.Listen();
        var outbound = await b.DialAsync(a, endpoint);
        var inbound = await a.NextAsync(a.Established);

        await b.DisposeAsync();

        Assert.True(outbound.Closed.IsCompleted);
        await inbound.Closed.WaitAsync(TestNode.Guard);
        await Assert.ThrowsAsync<ConnectionFailedException>(() => a.DialAsync(b, bEndpoint));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => b.DialAsync(a, endpoint));
    }

    [Fact]
    public async Task A_silent_peer_is_dropped_after_the_handshake_timeout()
    {
        var time = new ManualTimeProvider();
        await using var a = new TestNode("a", time: time);
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await silent.ConnectAsync(a.Listen()).WaitAsync(TestNode.Guard);

        // The listener's hello arrives first; its timeout is armed by then, so moving the clock must fire it.
        var header = new byte[4];
        await SocketIo.ReceiveExactAsync(silent, header).AsTask().WaitAsync(TestNode.Guard);
        await SocketIo.ReceiveExactAsync(silent, new byte[BitConverter.ToInt32(header)]).AsTask().WaitAsync(TestNode.Guard);
        time.Advance(a.Options.HandshakeTimeout);

        Assert.Equal(0, await silent.ReceiveAsync(new byte[16]).WaitAsync(TestNode.Guard));
        Assert.Empty(a.Manager.Connections);
        Assert.False(a.Established.Reader.TryRead(out _));
    }

    [Fact]
    public async Task A_caller_may_stop_waiting_and_Disconnect_abandons_the_shared_dial()
    {
        // Manual time: the handshake timeout must not end the dial before Disconnect does.
        await using var b = new TestNode("b", time: new ManualTimeProvider());
        // Accepts at TCP level (backlog) but never says hello, so the dial hangs in its handshake.
        using var mute = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        mute.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        mute.Listen();
        var endpoint = mute.LocalEndPoint!;
        using var impatient = new CancellationTokenSource();

        var first = b.Manager.GetOrConnectAsync("mute", endpoint, impatient.Token);
        var second = b.Manager.GetOrConnectAsync("mute", endpoint, CancellationToken.None);
        await impatient.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(TestNode.Guard));
        Assert.False(second.IsCompleted);
        b.Manager.Disconnect("mute");
        var failure = await Assert.ThrowsAsync<ConnectionFailedException>(() => second.WaitAsync(TestNode.Guard));
        Assert.Contains("abandoned", failure.Message, StringComparison.Ordinal);
        Assert.Empty(b.Manager.Connections);
    }

    [Fact]
    public void The_hello_round_trips_and_a_foreign_first_frame_is_refused()
    {
        var hello = new Hello("cluster-1", new NodeIdentity("node-é", NodeIdentity.GatewayRole));
        var frame = Handshake.Encode(hello);

        Assert.Equal(hello, Handshake.Decode(frame.AsSpan(4)));
        Assert.Throws<InvalidDataException>(() => Handshake.Decode("GET / HTTP/1.1"u8));
    }

    private static IPEndPoint UnusedEndpoint()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return (IPEndPoint)socket.LocalEndPoint!;
    }
}
