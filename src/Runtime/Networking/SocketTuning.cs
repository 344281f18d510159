using System.Net.Sockets;

namespace Im.Orleans.Networking;

/// <summary>
/// Socket settings every cluster connection gets, dialled or accepted. Membership notices a dead node, but not a
/// connection that a firewall or NAT dropped silently between two live nodes: without keepalive probes an idle
/// connection would look open until the next send, and without a user timeout that send would sit in the kernel's
/// retransmission queue for many minutes while every call on it timed out.
/// </summary>
internal static class SocketTuning
{
    // Linux's TCP_USER_TIMEOUT (include/uapi/linux/tcp.h); .NET has no named option for it.
    private const int TcpUserTimeout = 18;

    public static void Apply(Socket socket, NetworkingOptions options)
    {
        socket.NoDelay = true;
        if (options.KeepAliveTime <= TimeSpan.Zero) return;
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, WholeSeconds(options.KeepAliveTime));
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, WholeSeconds(options.KeepAliveInterval));
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, Math.Max(1, options.KeepAliveProbes));
        if (OperatingSystem.IsLinux())
        {
            // Unacknowledged data for longer than the probes would take closes the connection too.
            var userTimeout = options.KeepAliveInterval * Math.Max(1, options.KeepAliveProbes);
            socket.SetRawSocketOption((int)SocketOptionLevel.Tcp, TcpUserTimeout, BitConverter.GetBytes((int)userTimeout.TotalMilliseconds));
        }
    }

    private static int WholeSeconds(TimeSpan value) => Math.Max(1, (int)Math.Ceiling(value.TotalSeconds));
}
