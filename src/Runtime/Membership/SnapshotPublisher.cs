using Im.Orleans.Runtime;
using Microsoft.Extensions.Logging;

namespace Im.Orleans.Membership;

/// <summary>
/// Delivers snapshots to handlers in the order they were queued, one at a time, on whichever thread queued first.
/// No lock is held while a handler runs, so a handler may read the agent or queue another snapshot: that one is
/// delivered after the current handler returns, never nested inside it.
/// </summary>
internal sealed class SnapshotPublisher(ILogger logger)
{
    private readonly Queue<ClusterMembershipSnapshot> _pending = new();
    private bool _draining;

    public event Action<ClusterMembershipSnapshot>? SnapshotChanged;

    /// <summary>Queues a snapshot; call under the lock that assigned its version so the queue is in version order.</summary>
    public void Enqueue(ClusterMembershipSnapshot snapshot)
    {
        lock (_pending) _pending.Enqueue(snapshot);
    }

    /// <summary>Delivers what is queued unless another thread (or an outer frame of this one) is already delivering.</summary>
    public void Drain()
    {
        lock (_pending)
        {
            if (_draining) return;
            _draining = true;
        }

        while (true)
        {
            ClusterMembershipSnapshot next;
            lock (_pending)
            {
                if (_pending.Count == 0)
                {
                    _draining = false;
                    return;
                }

                next = _pending.Dequeue();
            }

            Raise(next);
        }
    }

    private void Raise(ClusterMembershipSnapshot snapshot)
    {
        var handlers = SnapshotChanged;
        if (handlers is null) return;
        foreach (var handler in handlers.GetInvocationList().Cast<Action<ClusterMembershipSnapshot>>())
        {
            try
            {
                handler(snapshot);
            }
            catch (Exception e)
            {
                // One faulty subscriber must neither stop the membership loops nor starve the other subscribers.
                logger.LogError(e, "A SnapshotChanged handler failed on membership version {Version}", snapshot.Version);
            }
        }
    }
}
