using System.Net;
using System.Net.Sockets;

namespace Im.Orleans.Gateway.Hosting;

/// <summary>The client address that per-address rate limits count under (after a trusted proxy's X-Forwarded-For).</summary>
internal static class ClientAddress
{
    /// <summary>
    /// An IPv4 address as is; an IPv6 address as its /64 network, since one subscriber usually holds a whole /64 and
    /// could otherwise take a fresh address, and a fresh budget, for every request.
    /// </summary>
    public static string Of(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address)) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
