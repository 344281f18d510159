using System.Net.Sockets;
using Im.Orleans.Networking;
using Xunit;

namespace Im.Orleans.Runtime.Tests.Networking;

public sealed class SocketTuningTests
{
    [Fact]
    public void A_cluster_socket_probes_an_idle_peer_and_gives_up_on_unacknowledged_data()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var options = new NetworkingOptions { KeepAliveTime = TimeSpan.FromSeconds(15), KeepAliveInterval = TimeSpan.FromSeconds(5), KeepAliveProbes = 3 };

        SocketTuning.Apply(socket, options);

        Assert.True(socket.NoDelay);
        Assert.Equal(1, (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
        Assert.Equal(15, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!);
        Assert.Equal(5, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval)!);
        Assert.Equal(3, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount)!);
        if (OperatingSystem.IsLinux())
        {
            var userTimeout = new byte[4];
            socket.GetRawSocketOption((int)SocketOptionLevel.Tcp, 18, userTimeout);
            Assert.Equal(15_000, BitConverter.ToInt32(userTimeout));
        }
    }

    [Fact]
    public void KeepAliveTime_zero_leaves_keepalive_off()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        SocketTuning.Apply(socket, new NetworkingOptions { KeepAliveTime = TimeSpan.Zero });

        Assert.True(socket.NoDelay);
        Assert.Equal(0, (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
    }

    [Fact]
    public async Task Both_ends_of_a_cluster_connection_get_the_settings()
    {
        await using var a = new TestNode("a");
        await using var b = new TestNode("b");
        var endpoint = b.Listen();

        var dialled = await a.DialAsync(b, endpoint);
        var accepted = await b.NextAsync(b.Established);

        foreach (var connection in new[] { dialled, accepted })
        {
            Assert.Equal(1, (int)connection.Socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
            Assert.Equal(15, (int)connection.Socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!);
        }
    }
}
