using Im.Orleans.Catalog;
using Im.Orleans.Messaging;

namespace Im.Orleans.Timers;

/// <summary>
/// A grain timer. Each due time enqueues one tick into the activation; the next due time is armed only after
/// the tick finishes, so ticks never overlap however long the callback takes.
/// </summary>
internal abstract class GrainTimer : IGrainTimer
{
    private readonly ActivationData _activation;
    private readonly ITimer _timer;
    private readonly GrainTimerCreationOptions _options;
    private readonly CancellationTokenSource _disposed = new();
    private TimeSpan _period;
    private TimeSpan? _dueAfterTick;
    private readonly Lock _gate = new();
    private TaskCompletionSource? _tickDone;
    private int _tickInFlight;

    protected GrainTimer(ActivationData activation, GrainTimerCreationOptions options)
    {
        _activation = activation;
        _options = options;
        _period = options.Period;
        _timer = activation.Runtime.Time.CreateTimer(static s => ((GrainTimer)s!).OnDue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public bool IsDisposed => _disposed.IsCancellationRequested;

    internal void Start(TimeSpan dueTime) => _timer.Change(dueTime, Timeout.InfiniteTimeSpan);

    public void Change(TimeSpan dueTime, TimeSpan period)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        lock (_gate)
        {
            _period = period;
            // A tick in flight arms the next one when it ends; it must use the new due time, not the old period.
            if (Volatile.Read(ref _tickInFlight) == 1) _dueAfterTick = dueTime;
            else _timer.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        if (IsDisposed) return;
        _disposed.Cancel();
        _timer.Dispose();
        _activation.Timers.Remove(this);
    }

    /// <summary>Enqueues a tick now, whatever the due time (the test kit's FireAllTimersAsync); completes when it ran.</summary>
    internal Task FireNowAsync() => Enqueue() ?? Task.CompletedTask;

    protected abstract Task InvokeCallbackAsync(CancellationToken cancellationToken);

    internal Task InvokeCallbackAsync() => IsDisposed ? Task.CompletedTask : InvokeCallbackAsync(_disposed.Token);

    private void OnDue() => Enqueue();

    private Task? Enqueue()
    {
        if (IsDisposed || Interlocked.Exchange(ref _tickInFlight, 1) == 1) return _tickDone?.Task;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _tickDone = done;
        var tick = new Message(_activation.GrainId, new TimerTickRequest(this, _options.Interleave), null, 0, null) { CountsAsActivity = _options.KeepAlive };
        if (!_activation.TryEnqueue(tick)) OnTickFinished();
        return done.Task;
    }

    /// <summary>Called by the activation after the tick's turn ended: arm the next one.</summary>
    internal void OnTickFinished()
    {
        var done = _tickDone;
        lock (_gate)
        {
            Volatile.Write(ref _tickInFlight, 0);
            var next = _dueAfterTick ?? _period;
            _dueAfterTick = null;
            if (!IsDisposed && next != Timeout.InfiniteTimeSpan) _timer.Change(next, Timeout.InfiniteTimeSpan);
        }
        done?.TrySetResult();
    }
}

/// <summary>A grain timer with a typed callback state.</summary>
internal sealed class GrainTimer<TState>(ActivationData activation, Func<TState, CancellationToken, Task> callback, TState state, GrainTimerCreationOptions options)
    : GrainTimer(activation, options)
{
    protected override Task InvokeCallbackAsync(CancellationToken cancellationToken) => callback(state, cancellationToken);
}
