using System.Collections.Concurrent;
using Im.Orleans.Configuration;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Messaging;

/// <summary>
/// Keeps the calls whose callers are waiting and fails each with a TimeoutException once its deadline passes.
/// One sweep timer for all calls: a timer per call would cost more than the call itself.
/// </summary>
internal sealed class ResponseTracker : IDisposable
{
    private readonly ConcurrentDictionary<long, Message> _pending = new();
    private readonly TimeProvider _time;
    private readonly MessagingOptions _options;
    private ITimer? _timer;
    private long _nextCorrelationId;

    public ResponseTracker(TimeProvider time, IOptions<MessagingOptions> options)
    {
        _time = time;
        _options = options.Value;
    }

    public void Start() => _timer ??= _time.CreateTimer(static s => ((ResponseTracker)s!).Sweep(), this, _options.ResponseTimeoutCheckPeriod, _options.ResponseTimeoutCheckPeriod);

    public long Deadline(TimeSpan? methodTimeout)
    {
        var timeout = methodTimeout ?? _options.ResponseTimeout;
        return timeout == Timeout.InfiniteTimeSpan ? 0 : _time.GetTimestamp() + (long)(timeout.TotalSeconds * _time.TimestampFrequency);
    }

    public void Track(Message message)
    {
        if (message.Deadline != 0) Add(message);
    }

    /// <summary>Tracks a message about to leave for another node, even without a deadline: its response comes back by id.</summary>
    public void TrackRemote(Message message)
    {
        if (message.CorrelationId == 0) Add(message);
    }

    private void Add(Message message)
    {
        var id = Interlocked.Increment(ref _nextCorrelationId);
        message.SetTracking(this, id);
        _pending[id] = message;
    }

    public void Remove(long correlationId) => _pending.TryRemove(correlationId, out _);

    /// <summary>The waiting message a response frame answers, or false when it already timed out.</summary>
    public bool TryGet(long correlationId, out Message message) => _pending.TryGetValue(correlationId, out message!);

    /// <summary>How many waiting calls went out to another node (a draining silo waits for them before it disconnects).</summary>
    public int CountSentRemotely() => _pending.Values.Count(m => m.SentVia is not null);

    /// <summary>The waiting messages that went out over <paramref name="via"/> (a connection that was lost).</summary>
    public List<Message> SentVia(object via) => [.. _pending.Values.Where(m => ReferenceEquals(m.SentVia, via))];

    /// <summary>Fails every call whose deadline has passed; public so tests with manual time can drive it.</summary>
    public void Sweep()
    {
        var now = _time.GetTimestamp();
        foreach (var (id, message) in _pending)
        {
            if (!message.IsExpired(now)) continue;
            if (_pending.TryRemove(id, out _))
                message.Fail(new TimeoutException($"Response did not arrive on time: {message} waited longer than its response timeout. A cycle of calls between non-reentrant grains ends this way."));
        }
    }

    public void Dispose() => _timer?.Dispose();
}
