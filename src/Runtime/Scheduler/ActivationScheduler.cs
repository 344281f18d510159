namespace Im.Orleans.Scheduler;

/// <summary>
/// Runs an activation's work one item at a time on the thread pool. It is the SynchronizationContext during
/// that work, so every await in grain code resumes here: turns never run on two threads at once, even when
/// requests interleave. (Orleans does the same with a per-activation TaskScheduler.)
/// </summary>
internal abstract class ActivationScheduler : SynchronizationContext, IThreadPoolWorkItem
{
    // Bounds one thread-pool visit so a busy activation cannot starve others.
    private const int MaxItemsPerVisit = 64;

    private readonly Queue<WorkItem> _work = new(0);
    private bool _scheduled;

    /// <summary>The activation whose work the current thread is running, if any.</summary>
    public static ActivationScheduler? CurrentActivation => SynchronizationContext.Current as ActivationScheduler;

    protected object SyncRoot => _work;

    /// <summary>True while work is queued or running (the test kit waits for this to settle).</summary>
    public bool HasQueuedWork
    {
        get { lock (_work) return _scheduled || _work.Count > 0; }
    }

    public override void Post(SendOrPostCallback d, object? state) => Schedule(new WorkItem(d, state));

    public override void Send(SendOrPostCallback d, object? state)
    {
        if (CurrentActivation == this) d(state);
        else throw new NotSupportedException("Synchronous Send into an activation would block a thread; use await.");
    }

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Queues work to run as part of this activation.</summary>
    protected void Schedule(WorkItem item)
    {
        if (EnqueueWork(item)) Dispatch();
    }

    /// <summary>Queues work; true when the caller must <see cref="Dispatch"/> (done outside any lock, so the
    /// thread that picks the activation up does not spin on a lock the caller still holds).</summary>
    protected bool EnqueueWork(WorkItem item)
    {
        lock (_work)
        {
            _work.Enqueue(item);
            if (_scheduled) return false;
            _scheduled = true;
            return true;
        }
    }

    protected void Dispatch() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);

    /// <summary>Runs one item queued with a non-callback payload (requests to start).</summary>
    protected abstract void RunItem(object payload);

    void IThreadPoolWorkItem.Execute()
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(this);
        try
        {
            for (var i = 0; i < MaxItemsPerVisit; i++)
            {
                WorkItem item;
                lock (_work)
                {
                    if (!_work.TryDequeue(out item))
                    {
                        _scheduled = false;
                        return;
                    }
                }
                item.Run(this);
            }
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        // Still busy: go to the back of the thread pool's queue to let other activations run.
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>A continuation posted by an await, or a payload for <see cref="RunItem"/>.</summary>
    protected readonly struct WorkItem(SendOrPostCallback? callback, object? state)
    {
        public static WorkItem ForPayload(object payload) => new(null, payload);

        public void Run(ActivationScheduler owner)
        {
            try
            {
                if (callback is not null) callback(state);
                else owner.RunItem(state!);
            }
            catch (Exception e)
            {
                owner.OnUnhandledException(e);
            }
        }
    }

    /// <summary>An exception escaped a work item (a posted continuation threw); the activation decides what that means.</summary>
    protected abstract void OnUnhandledException(Exception exception);
}
