using Im.Orleans.CodeGeneration;
using Im.Orleans.Runtime;

namespace Im.Orleans.Messaging;

/// <summary>One request on its way to an activation, with everything needed to answer it or route it again.</summary>
internal sealed class Message
{
    public Message(GrainId target, Invokable request, ResponseCompletion? completion, long deadline, IReadOnlyDictionary<string, object>? requestContext)
    {
        Target = target;
        Request = request;
        Completion = completion;
        Deadline = deadline;
        RequestContextData = requestContext;
    }

    public GrainId Target { get; }

    public Invokable Request { get; }

    /// <summary>Null for one-way requests and timer ticks: nobody waits for them.</summary>
    public ResponseCompletion? Completion { get; }

    /// <summary>TimeProvider timestamp after which the caller has given up; 0 means never.</summary>
    public long Deadline { get; }

    public IReadOnlyDictionary<string, object>? RequestContextData { get; }

    /// <summary>False for timer ticks that must not keep an idle activation alive.</summary>
    public bool CountsAsActivity { get; init; } = true;

    /// <summary>How many times the message was routed again because its activation was going away.</summary>
    public int ForwardCount { get; set; }

    /// <summary>The connection a request to another node went out on, so its loss fails the request at once.</summary>
    public object? SentVia { get; set; }

    /// <summary>Set by the response tracker while the caller waits, so the entry can be removed on completion.</summary>
    public long CorrelationId { get; private set; }

    private ResponseTracker? _tracker;
    private int _finished;

    /// <summary>True once the caller was answered (or failed): a parked copy must not be sent again.</summary>
    public bool IsFinished => Volatile.Read(ref _finished) != 0;

    public bool IsExpired(long now) => Deadline != 0 && now >= Deadline;

    public bool CanInterleave => (Request.Options & InvokeMethodOptions.AlwaysInterleave) != 0;

    public bool IsReadOnly => (Request.Options & InvokeMethodOptions.ReadOnly) != 0;

    public void Fail(Exception exception)
    {
        Volatile.Write(ref _finished, 1);
        Completion?.TryFail(exception);
        Untrack();
    }

    /// <summary>Answers the caller from the finished task the grain method returned.</summary>
    public void CompleteFrom(Task invocation)
    {
        Volatile.Write(ref _finished, 1);
        Completion?.TryCompleteFrom(invocation);
        Untrack();
    }

    public void CompleteWithResult(object? result)
    {
        Volatile.Write(ref _finished, 1);
        Completion?.TryCompleteWithResult(result);
        Untrack();
    }

    internal void SetTracking(ResponseTracker tracker, long correlationId)
    {
        _tracker = tracker;
        CorrelationId = correlationId;
    }

    private void Untrack()
    {
        if (_tracker is { } tracker)
        {
            _tracker = null;
            tracker.Remove(CorrelationId);
        }
    }

    public override string ToString() => $"{Request} to {Target}";
}
