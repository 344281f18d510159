using System.Net;
using System.Net.Sockets;
using Im.Orleans.Networking;

namespace Im.Orleans.Runtime.Tests.Networking;

/// <summary>A hand-driven socket that speaks the hello and then does exactly what a test tells it (or nothing: it never reads).</summary>
internal sealed class RawPeer : IDisposable
{
    private RawPeer(Socket socket, Hello remote)
    {
        Socket = socket;
        RemoteHello = remote;
    }

    public Socket Socket { get; }

    public Hello RemoteHello { get; }

    public static async Task<RawPeer> ConnectAsync(IPEndPoint endpoint, string nodeId, string clusterId = "cluster")
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint).WaitAsync(TestNode.Guard);
        var hello = Handshake.Encode(new Hello(clusterId, new NodeIdentity(nodeId, NodeIdentity.SiloRole)));
        var remote = await Handshake.ExchangeAsync(socket, hello, CancellationToken.None).WaitAsync(TestNode.Guard);
        return new RawPeer(socket, remote);
    }

    public Task SendAsync(byte[] bytes) => SocketIo.SendAllAsync(Socket, bytes).AsTask().WaitAsync(TestNode.Guard);

    /// <summary>Reads and discards until the other side closes; returns normally on FIN or reset.</summary>
    public async Task DrainUntilClosedAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (await Socket.ReceiveAsync(buffer).WaitAsync(TestNode.Guard) > 0)
            {
            }
        }
        catch (SocketException)
        {
        }
    }

    /// <summary>Closes with RST instead of FIN, as the kernel does for a killed process with unread data.</summary>
    public void Reset()
    {
        Socket.LingerState = new LingerOption(true, 0);
        Socket.Close();
    }

    public void Dispose() => Socket.Dispose();
}
