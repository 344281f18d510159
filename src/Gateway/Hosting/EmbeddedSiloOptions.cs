using System.Net;
using System.Net.Sockets;

namespace Im.Orleans.Gateway.Hosting;

/// <summary>
/// The silo co-hosted by the embedded default ("Embedded" section). It talks to no other node, so by default it
/// listens on any free loopback port and opens no client gateway: two instances on one machine never collide.
/// </summary>
public sealed class EmbeddedSiloOptions
{
    public const string SectionName = "Embedded";

    /// <summary>The silo's loopback port; 0 picks a free one at start.</summary>
    public int SiloPort { get; set; }

    /// <summary>A loopback port for external Orleans clients; 0 opens none.</summary>
    public int GatewayPort { get; set; }

    /// <summary>Names the stored grain state; keep it, or state written before is not found.</summary>
    public string ServiceId { get; set; } = "im";

    public int ResolveSiloPort() => SiloPort > 0 ? SiloPort : FreeLoopbackPort();

    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
