using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>Applies <see cref="ChatHubOptions"/> to SignalR: timeouts, message size, and no detailed errors to clients.</summary>
public sealed class ChatHubOptionsSetup(IOptions<ChatHubOptions> options) : IConfigureOptions<HubOptions>
{
    public void Configure(HubOptions hub)
    {
        var o = options.Value;
        hub.EnableDetailedErrors = false;
        hub.KeepAliveInterval = TimeSpan.FromSeconds(o.KeepAliveSeconds);
        hub.ClientTimeoutInterval = TimeSpan.FromSeconds(o.ClientTimeoutSeconds);
        hub.MaximumReceiveMessageSize = o.MaximumReceiveMessageSize;
    }
}
