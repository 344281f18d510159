namespace Im.Orleans.Networking;

/// <summary>TCP transport settings between nodes, bound from configuration section "Orleans:Networking".</summary>
public sealed class NetworkingOptions
{
    /// <summary>Largest frame payload accepted or sent; a peer announcing a larger one is treated as broken and its connection closed.</summary>
    public int MaxFrameBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Frames that may wait per connection before <c>TrySend</c> returns false, so a slow peer pushes back instead of exhausting memory.</summary>
    public int SendQueueLimit { get; set; } = 50_000;

    /// <summary>How long a dial may take to reach the TCP connected state.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Back-off after the first failed dial to a node; it doubles per consecutive failure.</summary>
    public TimeSpan ReconnectBackoffMin { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Upper bound of the doubling back-off between dials to a failing node.</summary>
    public TimeSpan ReconnectBackoffMax { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long both hellos may take after connect (or accept) before the connection is dropped.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Idle time before TCP keepalive probes start on a cluster connection; zero or less turns keepalive off.</summary>
    public TimeSpan KeepAliveTime { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Time between keepalive probes; also the unit of the Linux user timeout (interval × probes).</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Unanswered probes after which the kernel closes the connection (and the calls on it fail).</summary>
    public int KeepAliveProbes { get; set; } = 3;
}
