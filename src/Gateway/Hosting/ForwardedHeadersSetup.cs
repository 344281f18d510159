using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Hosting;

/// <summary>Turns <see cref="ForwardedHeadersSettings"/> into ASP.NET Core's forwarded-headers middleware options.</summary>
internal sealed class ForwardedHeadersSetup(IOptions<ForwardedHeadersSettings> settings) : IConfigureOptions<ForwardedHeadersOptions>
{
    public void Configure(ForwardedHeadersOptions options)
    {
        var s = settings.Value;
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        options.ForwardLimit = s.ForwardLimit;
        // The framework's defaults are loopback; replace them so TrustLoopback=false really trusts nobody by default.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        if (s.TrustLoopback)
        {
            options.KnownIPNetworks.Add(IPNetwork.Parse("127.0.0.0/8"));
            options.KnownProxies.Add(IPAddress.IPv6Loopback);
        }
        foreach (var proxy in s.KnownProxies) options.KnownProxies.Add(IPAddress.Parse(proxy));
        foreach (var network in s.KnownNetworks) options.KnownIPNetworks.Add(IPNetwork.Parse(network));
        // The middleware trusts every peer when both lists are empty; trusting nobody means reading no header at all.
        if (options.KnownProxies.Count == 0 && options.KnownIPNetworks.Count == 0) options.ForwardedHeaders = ForwardedHeaders.None;
    }
}
