using Im.Orleans.Grains.Batching;
using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Users;

/// <summary>
/// A user grain's pushes to one gateway, in order: everything queued goes in one call, and the next call waits for its
/// answer. A slow or dead gateway delays only its own pushes (until the call's timeout, or until the gateway's
/// connections are dropped and the queue with them).
/// </summary>
internal sealed class GatewayPushQueue
{
    // A gateway that stopped answering would otherwise collect events without bound; clients recover them with Sync.
    private const int MaxQueued = 1000;

    private readonly SerialBatchSender<ClientPush> _sender;

    public GatewayPushQueue(IClientObserver gateway, ILogger logger, string userId)
    {
        Gateway = gateway;
        // A gateway that went away also stops heartbeating, so its connections leave presence within seconds.
        _sender = new SerialBatchSender<ClientPush>(batch => Gateway.Push(batch), MaxQueued,
            (e, count) => logger.LogDebug(e, "User {User}: a push of {Count} events to a gateway failed", userId, count));
    }

    public IClientObserver Gateway { get; set; }

    public void Enqueue(ClientPush push) => _sender.Enqueue(push);

    /// <summary>Drops what is queued: the gateway's connections are gone.</summary>
    public void Stop() => _sender.Stop();
}
