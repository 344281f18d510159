using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Users;

/// <summary>
/// A user grain's pushes to one gateway, in order: everything queued goes in one call, and the next call waits for its
/// answer. It runs beside the grain's turns, so a slow or dead gateway delays only its own pushes (until the call's
/// timeout, or until the gateway's connections are dropped and the queue with them).
/// </summary>
internal sealed class GatewayPushQueue(IClientObserver gateway, ILogger logger, string userId)
{
    // A gateway that stopped answering would otherwise collect events without bound; clients recover them with Sync.
    private const int MaxQueued = 1000;

    private readonly List<ClientPush> _queued = [];
    private bool _sending;
    private bool _stopped;

    public IClientObserver Gateway { get; set; } = gateway;

    public void Enqueue(ClientPush push)
    {
        if (_stopped) return;
        if (_queued.Count >= MaxQueued) _queued.RemoveAt(0);
        _queued.Add(push);
        if (_sending) return;
        _sending = true;
        _ = SendAllAsync();
    }

    /// <summary>Drops what is queued: the gateway's connections are gone.</summary>
    public void Stop()
    {
        _stopped = true;
        _queued.Clear();
    }

    private async Task SendAllAsync()
    {
        try
        {
            while (_queued.Count > 0 && !_stopped)
            {
                var batch = _queued.ToArray();
                _queued.Clear();
                try
                {
                    await Gateway.Push(batch);
                }
                catch (Exception e)
                {
                    // A gateway that went away also stops heartbeating, so its connections leave presence within seconds.
                    logger.LogDebug(e, "User {User}: a push of {Count} events to a gateway failed", userId, batch.Length);
                }
            }
        }
        finally
        {
            _sending = false;
        }
    }
}
