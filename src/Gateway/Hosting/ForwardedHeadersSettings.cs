using System.Net;

namespace Im.Orleans.Gateway.Hosting;

/// <summary>
/// Which peers may name the client in X-Forwarded-For and X-Forwarded-Proto ("ForwardedHeaders" section): loopback
/// by default (nginx on the same host), plus the proxies and networks configured. From any other peer the headers are
/// ignored, so a client cannot choose the address its rate limits are counted under.
/// </summary>
public sealed class ForwardedHeadersSettings
{
    public const string SectionName = "ForwardedHeaders";

    /// <summary>Trust 127.0.0.0/8 and ::1 (a proxy on the same host).</summary>
    public bool TrustLoopback { get; set; } = true;

    /// <summary>Addresses of trusted proxies, e.g. "172.31.250.10".</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Trusted networks in CIDR notation, e.g. "10.0.0.0/8".</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>
    /// How many proxies, from the nearest, may each add an entry. 1: only the entry the nearest (trusted) proxy
    /// appended counts, so whatever a client sent in its own X-Forwarded-For is never read.
    /// </summary>
    public int ForwardLimit { get; set; } = 1;

    /// <summary>Null when valid, else what is wrong.</summary>
    public string? Validate()
    {
        if (ForwardLimit < 1) return "ForwardedHeaders:ForwardLimit must be at least 1.";
        var badProxy = KnownProxies.FirstOrDefault(p => !IPAddress.TryParse(p, out _));
        if (badProxy is not null) return $"ForwardedHeaders:KnownProxies: '{badProxy}' is not an IP address.";
        var badNetwork = KnownNetworks.FirstOrDefault(n => !IPNetwork.TryParse(n, out _));
        return badNetwork is null ? null : $"ForwardedHeaders:KnownNetworks: '{badNetwork}' is not a network in CIDR notation (e.g. 10.0.0.0/8).";
    }
}
