using System.Threading.Channels;
using Im.Orleans.Grains.Options;

namespace Im.Orleans.Grains.Messages;

/// <summary>
/// The queue in front of a store's single writer: appends of every conversation wait here, and one loop takes all that
/// are waiting (up to the <see cref="GroupCommitOptions"/> limits) and hands them to the store as one group, to be
/// written in one transaction. While a group is being committed the next one gathers, so the group size follows load.
/// </summary>
internal sealed class GroupCommitQueue
{
    private readonly Channel<PendingAppend> _queue = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly GroupCommitOptions _options;
    private readonly Func<List<PendingAppend>, Task> _writeGroup;
    private readonly Task _loop;
    private int _waiting;

    /// <param name="writeGroup">Writes and completes every batch of the group; it must not throw.</param>
    public GroupCommitQueue(GroupCommitOptions options, Func<List<PendingAppend>, Task> writeGroup)
    {
        _options = options;
        _writeGroup = writeGroup;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Batches queued and not yet taken by the writer (tests use it to know a group is forming).</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Queues the batch; the task ends when it is committed (or failed, or cancelled before it was taken).</summary>
    public Task<IReadOnlyList<AppendOutcome>> AppendAsync(string conversationId, IReadOnlyList<Message> messages, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new PendingAppend(conversationId, messages, cancellationToken);
        Interlocked.Increment(ref _waiting);
        if (_queue.Writer.TryWrite(pending)) return pending.Task;
        Interlocked.Decrement(ref _waiting);
        throw new ObjectDisposedException(nameof(GroupCommitQueue));
    }

    /// <summary>Refuses new appends and waits until what is queued is written.</summary>
    public Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        return _loop;
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var group = new List<PendingAppend>();
            var messages = 0;
            while (group.Count < Math.Max(1, _options.MaxBatches) && messages < Math.Max(1, _options.MaxMessages) && reader.TryRead(out var next))
            {
                Interlocked.Decrement(ref _waiting);
                if (!next.TryTake()) continue;
                group.Add(next);
                messages += next.Messages.Count;
            }
            if (group.Count == 0) continue;
            try
            {
                await _writeGroup(group).ConfigureAwait(false);
            }
            catch (Exception error)
            {
                // A writer bug must not stop the loop or leave callers waiting forever.
                foreach (var pending in group) pending.Fail(error);
            }
        }
    }
}
