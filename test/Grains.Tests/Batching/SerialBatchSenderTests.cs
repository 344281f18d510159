using Im.Orleans.Grains.Batching;
using Xunit;

namespace Im.Orleans.Grains.Tests.Batching;

/// <summary>
/// The sender behind deliveries and gateway pushes, with a target whose calls the test answers by hand: one call in
/// flight, what arrives meanwhile goes together in the next call, in order, and a failed call does not stop the rest.
/// </summary>
public sealed class SerialBatchSenderTests
{
    private readonly List<int[]> _calls = [];
    private readonly Queue<TaskCompletionSource> _answers = new();
    private readonly List<int> _failedCounts = [];

    private SerialBatchSender<int> Sender(int maxQueued = 100) => new(batch =>
    {
        _calls.Add(batch);
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _answers.Enqueue(answer);
        return answer.Task;
    }, maxQueued, (_, count) => _failedCounts.Add(count));

    private async Task UntilCallsAsync(int count)
    {
        for (var i = 0; i < 500 && _calls.Count < count; i++) await Task.Delay(10);
        Assert.Equal(count, _calls.Count);
    }

    [Fact]
    public async Task Items_queued_while_a_call_is_unanswered_go_together_in_the_next_call_in_order()
    {
        var sender = Sender();
        sender.Enqueue(1);
        await UntilCallsAsync(1);
        sender.EnqueueRange([2, 3, 4]);
        sender.Enqueue(5);
        await Task.Delay(50);
        Assert.Single(_calls);

        _answers.Dequeue().SetResult();
        await UntilCallsAsync(2);
        Assert.Equal([2, 3, 4, 5], _calls[1]);
        _answers.Dequeue().SetResult();
        await Task.Delay(50);
        Assert.True(sender.IsIdle);
    }

    [Fact]
    public async Task A_failed_call_is_reported_and_the_next_items_still_go()
    {
        var sender = Sender();
        sender.Enqueue(1);
        await UntilCallsAsync(1);
        sender.EnqueueRange([2, 3]);
        _answers.Dequeue().SetException(new TimeoutException("no answer"));
        await UntilCallsAsync(2);
        Assert.Equal([2, 3], _calls[1]);
        Assert.Equal([1], _failedCounts);
    }

    [Fact]
    public async Task Past_the_limit_the_oldest_waiting_items_are_dropped()
    {
        var sender = Sender(maxQueued: 3);
        sender.Enqueue(1);
        await UntilCallsAsync(1);
        sender.EnqueueRange([2, 3, 4, 5, 6]);
        _answers.Dequeue().SetResult();
        await UntilCallsAsync(2);
        Assert.Equal([4, 5, 6], _calls[1]);
    }

    [Fact]
    public async Task A_stopped_sender_sends_nothing_more()
    {
        var sender = Sender();
        sender.Enqueue(1);
        await UntilCallsAsync(1);
        sender.Enqueue(2);
        sender.Stop();
        sender.Enqueue(3);
        _answers.Dequeue().SetResult();
        await Task.Delay(100);
        Assert.Single(_calls);
    }
}
