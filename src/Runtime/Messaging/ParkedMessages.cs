using Im.Orleans.Runtime;

namespace Im.Orleans.Messaging;

/// <summary>
/// Messages with nowhere to go yet: no active silo, a dead owner still in the view, a gateway not yet connected.
/// They are routed again when the view or a connection changes, and every retry period, until their deadline.
/// The retry timer runs only while something is parked, so an idle node does no periodic work here.
/// </summary>
internal sealed class ParkedMessages : IDisposable
{
    private readonly object _lock = new();
    private readonly TimeProvider _time;
    private readonly Action<Message> _retry;
    private readonly TimeSpan _oneWayLimit;
    private List<(Message Message, long GiveUpAt, string Reason)> _parked = [];
    private readonly ITimer _timer;
    private readonly TimeSpan _retryPeriod;

    public ParkedMessages(TimeProvider time, Action<Message> retry, TimeSpan retryPeriod, TimeSpan oneWayLimit)
    {
        _time = time;
        _retry = retry;
        _oneWayLimit = oneWayLimit;
        _retryPeriod = retryPeriod;
        _timer = time.CreateTimer(static s => ((ParkedMessages)s!).RetryAll(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public int Count
    {
        get
        {
            lock (_lock) return _parked.Count;
        }
    }

    public void Park(Message message, string reason)
    {
        // One-way messages have no deadline of their own; an observer that never shows up must not hold them forever.
        var giveUpAt = message.Deadline != 0 ? message.Deadline : _time.GetTimestamp() + (long)(_oneWayLimit.TotalSeconds * _time.TimestampFrequency);
        lock (_lock)
        {
            _parked.Add((message, giveUpAt, reason));
            if (_parked.Count == 1) _timer.Change(_retryPeriod, _retryPeriod);
        }
    }

    public void RetryAll()
    {
        List<(Message Message, long GiveUpAt, string Reason)> parked;
        lock (_lock)
        {
            if (_parked.Count == 0)
            {
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                return;
            }
            parked = _parked;
            _parked = [];
        }

        var now = _time.GetTimestamp();
        foreach (var (message, giveUpAt, reason) in parked)
        {
            if (message.IsFinished) continue;
            if (now >= giveUpAt) message.Fail(new SiloUnavailableException($"{message} found no node to serve it before its deadline: {reason}."));
            else _retry(message);
        }
    }

    public void Dispose() => _timer.Dispose();
}
