namespace Im.Orleans.Grains.Desks;

internal sealed partial class DeskGrain
{
    private long _lastStamp;

    /// <summary>
    /// The stamp of the next status this desk hands out. The desk pushes statuses one-way, and Orleans does not keep
    /// one-way calls in order, so the visitor's user grain (and clients) keep the greatest stamp. Wall-clock ticks, not
    /// the injected clock: the stamp only orders, and it must keep growing across activations (a test's manual clock
    /// stands still), moving on by one when two statuses share a tick.
    /// </summary>
    private long NextStamp()
    {
        _lastStamp = Math.Max(DateTimeOffset.UtcNow.UtcTicks, _lastStamp + 1);
        return _lastStamp;
    }
}
