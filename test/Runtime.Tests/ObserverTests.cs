using Im.Orleans.Runtime.Tests.Grains;
using NSubstitute;
using Xunit;

namespace Im.Orleans.Runtime.Tests;

public sealed class ObserverTests
{
    [Fact]
    public async Task A_grain_pushes_to_an_observer_in_order()
    {
        await using var silo = TestSilo.Create();
        var observer = silo.CaptureObserver<IChatObserver>();
        var room = silo.GetGrain<IRoomGrain>("lobby");
        await room.Subscribe(observer.Reference);
        Assert.Equal(1, await room.Publish(500));
        await observer.WaitForCallsAsync(500);
        Assert.Equal(Enumerable.Range(1, 500), observer.CallsTo("Received").Select(args => (int)args[1]!));
    }

    [Fact]
    public async Task A_deleted_observer_is_dropped_by_the_observer_manager()
    {
        await using var silo = TestSilo.Create();
        var kept = silo.CaptureObserver<IChatObserver>();
        var deleted = silo.CaptureObserver<IChatObserver>();
        var room = silo.GetGrain<IRoomGrain>("drop");
        await room.Subscribe(kept.Reference);
        await room.Subscribe(deleted.Reference);
        Assert.Equal(2, await room.Publish(1));

        deleted.Delete();
        Assert.Equal(1, await room.Publish(1));
        await kept.WaitForCallsAsync(2);
        Assert.Single(deleted.Calls);
    }

    [Fact]
    public async Task Observer_references_made_twice_for_one_object_are_equal()
    {
        await using var silo = TestSilo.Create();
        var observer = new CountingObserver();
        var first = silo.GrainFactory.CreateObjectReference<IChatObserver>(observer);
        var second = silo.GrainFactory.CreateObjectReference<IChatObserver>(observer);
        Assert.Equal(first, second);
        first.Received("x", 1);
        await silo.QuiesceAsync();
        Assert.Equal(1, observer.Count);
    }

    [Fact]
    public async Task A_probe_answers_for_a_grain_the_grain_under_test_calls()
    {
        await using var silo = TestSilo.Create();
        var probe = silo.AddProbe<IPingGrain>("b");
        probe.Ping("a", 0).Returns(Task.FromResult("from probe"));
        Assert.Equal("from probe", await silo.GetGrain<IPingGrain>("a").Ping("b", 1));
        await probe.Received(1).Ping("a", 0);
    }

    private sealed class CountingObserver : IChatObserver
    {
        public int Count;

        public void Received(string room, int sequence) => Interlocked.Increment(ref Count);
    }
}
