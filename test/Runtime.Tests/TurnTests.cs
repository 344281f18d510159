using Im.Orleans.Runtime.Tests.Grains;
using Xunit;

namespace Im.Orleans.Runtime.Tests;

public sealed class TurnTests
{
    [Fact]
    public async Task A_non_reentrant_activation_never_runs_two_turns_at_once()
    {
        await using var silo = TestSilo.Create();
        var grain = silo.GetGrain<ITurnGrain>("t");
        // Many callers on many threads, each turn awaiting often (yields and timer waits), to give overlap every chance.
        var callers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var calls = Enumerable.Range(0, 40).Select(_ => grain.Work(6)).ToList();
            await Task.WhenAll(calls);
        }));
        await Task.WhenAll(callers);
        Assert.Equal(1, await grain.MaxConcurrency());
    }

    [Fact]
    public async Task A_reentrant_activation_interleaves_at_awaits_but_never_on_two_threads()
    {
        await using var silo = TestSilo.Create();
        var grain = silo.GetGrain<IReentrantGrain>("r");
        var waiting = grain.WaitForSignal();
        // Non-reentrant, this second call would wait forever behind the first.
        await grain.Signal(42);
        Assert.Equal(42, await waiting.WaitAsync(TimeSpan.FromSeconds(10)));

        // Fifty interleaved requests, each resuming after awaits many times: continuations must still take turns.
        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => grain.Busy(20)));
        Assert.Equal(1, await grain.MaxParallelThreads());
    }

    [Fact]
    public async Task AlwaysInterleave_methods_run_while_a_turn_is_blocked()
    {
        await using var silo = TestSilo.Create();
        var grain = silo.GetGrain<ITurnGrain>("i");
        var gate = Guid.NewGuid().ToString();
        var blocked = grain.Block(gate);
        Assert.Equal(0, await grain.Interleaved().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(blocked.IsCompleted);
        Gates.Open(gate);
        await blocked;
    }

    [Fact]
    public async Task ReadOnly_requests_share_the_activation_and_a_write_waits_for_them()
    {
        await using var silo = TestSilo.Create();
        var grain = silo.GetGrain<ITurnGrain>("ro");
        var gate = Guid.NewGuid().ToString();
        var firstRead = grain.ReadSlow(gate);
        var secondRead = grain.ReadSlow(gate);
        var write = grain.Write();
        await Task.Delay(100);
        Assert.False(write.IsCompleted);
        Gates.Open(gate);
        // Both reads ran before the write, side by side.
        var reads = await Task.WhenAll(firstRead, secondRead);
        Assert.Equal(new[] { 0, 0 }, reads);
        Assert.Equal(1, await write);
    }

    [Fact]
    public async Task Requests_from_one_caller_run_in_the_order_they_were_sent()
    {
        await using var silo = TestSilo.Create();
        var grain = silo.GetGrain<ITurnGrain>("fifo");
        var sends = new List<Task>();
        for (var i = 0; i < 2000; i++) sends.Add(i % 3 == 0 ? grain.AppendOneWay(i) : grain.Append(i));
        await Task.WhenAll(sends);
        await silo.QuiesceAsync();
        Assert.Equal(Enumerable.Range(0, 2000), await grain.Appended());
    }

    [Fact]
    public async Task Many_grains_in_parallel_each_count_exactly()
    {
        await using var silo = TestSilo.Create();
        var work = Enumerable.Range(0, 500).Select(async g =>
        {
            var grain = silo.GetGrain<ICounterGrain>($"p{g}");
            await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => grain.Add(1)));
            return await grain.Get();
        });
        Assert.All(await Task.WhenAll(work), total => Assert.Equal(20, total));
    }

    [Fact]
    public async Task A_cycle_of_non_reentrant_calls_ends_in_a_timeout_not_a_hang()
    {
        await using var silo = TestSilo.Create();
        var call = silo.GetGrain<IPingGrain>("a").Ping("b", 2);
        await Task.Delay(50);
        Assert.False(call.IsCompleted);

        silo.Time.Advance(TimeSpan.FromSeconds(31));
        var error = await Assert.ThrowsAsync<TimeoutException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("Ping", error.Message);
        // Both grains serve again afterwards.
        Assert.Equal("a", await silo.GetGrain<IPingGrain>("a").Ping("b", 0));
        Assert.Equal("a", await silo.GetGrain<IPingGrain>("b").Ping("a", 1));
    }

    [Fact]
    public async Task A_per_method_response_timeout_overrides_the_default()
    {
        await using var silo = TestSilo.Create();
        var call = silo.GetGrain<ITurnGrain>("slow").SlowWithShortTimeout(5000);
        await Task.Delay(20);
        silo.Time.Advance(TimeSpan.FromMilliseconds(450));
        await Assert.ThrowsAsync<TimeoutException>(() => call.WaitAsync(TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task One_way_calls_return_at_once_and_their_failures_stay_with_the_grain()
    {
        await using var silo = TestSilo.Create();
        var grain = silo.GetGrain<ICounterGrain>("ow");
        await grain.FireAndForget(3, fail: true);
        await grain.FireAndForget(4, fail: false);
        await silo.QuiesceAsync();
        Assert.Equal(4, await grain.Get());
    }
}
